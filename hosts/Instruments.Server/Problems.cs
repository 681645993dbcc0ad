using System.Text.Json;
using Instruments.Diagnostics;

namespace Instruments.Server;

/// <summary>
/// Errors as RFC 7807 problem details (<c>application/problem+json</c>) that carry the diagnostics behind them: the
/// problem's <c>type</c> is the diagnostic's help link, <c>diagnosticId</c> its ID, and <c>diagnostics</c> the list
/// (id, severity, message), so that a client handles the same IDs the console host and the SDK report.
/// </summary>
public static class Problems
{
    /// <summary>The problem for <paramref name="diagnostic"/> with the HTTP status <paramref name="status"/>.</summary>
    /// <param name="status">The HTTP status code.</param>
    /// <param name="diagnostic">The diagnostic that explains it.</param>
    /// <returns>The result.</returns>
    public static IResult For(int status, Diagnostic diagnostic) =>
        Results.Problem(
            detail: diagnostic.Message,
            statusCode: status,
            title: diagnostic.Descriptor.Title,
            type: diagnostic.Descriptor.HelpLink,
            extensions: new Dictionary<string, object?>
            {
                ["diagnosticId"] = diagnostic.Id,
                ["diagnostics"] = new[] { new DiagnosticDto(diagnostic.Id, Diagnostic.SeverityName(diagnostic.Severity), diagnostic.Message) },
            });

    /// <summary>The problem for a new diagnostic of <paramref name="descriptor"/>.</summary>
    /// <param name="status">The HTTP status code.</param>
    /// <param name="descriptor">The diagnostic's descriptor.</param>
    /// <param name="arguments">Its message arguments.</param>
    /// <returns>The result.</returns>
    public static IResult For(int status, DiagnosticDescriptor descriptor, params object?[] arguments) =>
        For(status, Diagnostic.Create(descriptor, null, arguments));

    /// <summary>Writes the problem straight to <paramref name="context"/> (where no endpoint result can be returned).</summary>
    /// <param name="context">The request.</param>
    /// <param name="status">The HTTP status code.</param>
    /// <param name="descriptor">The diagnostic's descriptor.</param>
    /// <param name="arguments">Its message arguments.</param>
    /// <returns>A task.</returns>
    public static Task WriteAsync(HttpContext context, int status, DiagnosticDescriptor descriptor, params object?[] arguments)
    {
        context.Response.Clear();
        return For(status, descriptor, arguments).ExecuteAsync(context);
    }

    /// <summary>One diagnostic in a problem or a validation answer.</summary>
    /// <param name="Id">The diagnostic ID.</param>
    /// <param name="Severity">error, warning or info.</param>
    /// <param name="Message">The message.</param>
    public sealed record DiagnosticDto(string Id, string Severity, string Message);

    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
}
