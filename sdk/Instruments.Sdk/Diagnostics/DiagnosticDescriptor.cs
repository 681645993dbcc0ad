using System.Collections.Immutable;
using System.Globalization;
using System.Reflection;

namespace Instruments.Diagnostics;

/// <summary>
/// Describes one kind of diagnostic: a stable ID (such as <c>INS1004</c>), a title, a message format
/// with <c>{0}</c>-style placeholders, a category and a default severity. One descriptor, many
/// <see cref="Diagnostic"/> occurrences.
/// </summary>
public sealed class DiagnosticDescriptor : IEquatable<DiagnosticDescriptor>
{
    /// <summary>Creates a descriptor.</summary>
    /// <param name="id">Stable identifier: two to four upper-case letters and four digits, e.g. <c>INS1004</c>.</param>
    /// <param name="title">Short title, used in documentation and SARIF rule lists.</param>
    /// <param name="messageFormat">Composite format string for the message; placeholders are filled by the diagnostic's arguments.</param>
    /// <param name="category">Area the diagnostic belongs to, e.g. <c>Definition</c> or <c>Response</c>.</param>
    /// <param name="defaultSeverity">Severity unless the user overrides it.</param>
    /// <param name="helpLink">Where the diagnostic is documented; defaults to its anchor in <c>docs/diagnostics.md</c>.</param>
    public DiagnosticDescriptor(string id, string title, string messageFormat, string category,
        DiagnosticSeverity defaultSeverity, string? helpLink = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(id);
        ArgumentException.ThrowIfNullOrWhiteSpace(title);
        ArgumentException.ThrowIfNullOrWhiteSpace(messageFormat);
        ArgumentException.ThrowIfNullOrWhiteSpace(category);
        if (!IsValidId(id))
        {
            throw new ArgumentException($"Diagnostic id '{id}' must be 2-4 upper-case letters followed by 4 digits.", nameof(id));
        }

        Id = id;
        Title = title;
        MessageFormat = messageFormat;
        Category = category;
        DefaultSeverity = defaultSeverity;
        HelpLink = helpLink ?? "docs/diagnostics.md#" + id.ToLowerInvariant();
    }

    /// <summary>The stable identifier, e.g. <c>INS1004</c>.</summary>
    public string Id { get; }

    /// <summary>Short title.</summary>
    public string Title { get; }

    /// <summary>Composite format string of the message.</summary>
    public string MessageFormat { get; }

    /// <summary>Area the diagnostic belongs to.</summary>
    public string Category { get; }

    /// <summary>Severity unless overridden by the user.</summary>
    public DiagnosticSeverity DefaultSeverity { get; }

    /// <summary>Where the diagnostic is documented.</summary>
    public string HelpLink { get; }

    /// <summary>
    /// Every public static <see cref="DiagnosticDescriptor"/> field of a catalogue class, ordered by ID: the way the
    /// SDK's catalogues (and a plugin's, if it likes) build their <c>All</c> list from their fields.
    /// </summary>
    public static ImmutableArray<DiagnosticDescriptor> DeclaredIn(Type catalogue)
    {
        ArgumentNullException.ThrowIfNull(catalogue);
        return
        [
            .. catalogue.GetFields(BindingFlags.Public | BindingFlags.Static)
                .Where(f => f.FieldType == typeof(DiagnosticDescriptor))
                .Select(f => (DiagnosticDescriptor)f.GetValue(null)!)
                .OrderBy(d => d.Id, StringComparer.Ordinal),
        ];
    }

    /// <summary>Formats the message for the given arguments (invariant culture).</summary>
    public string FormatMessage(IReadOnlyList<object?> arguments)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        if (arguments.Count == 0)
        {
            return MessageFormat;
        }

        var args = new object?[arguments.Count];
        for (var i = 0; i < args.Length; i++)
        {
            args[i] = arguments[i];
        }

        return string.Format(CultureInfo.InvariantCulture, MessageFormat, args);
    }

    /// <inheritdoc />
    public bool Equals(DiagnosticDescriptor? other) => other is not null && other.Id == Id;

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as DiagnosticDescriptor);

    /// <inheritdoc />
    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(Id);

    /// <inheritdoc />
    public override string ToString() => Id + ": " + Title;

    internal static bool IsValidId(string id)
    {
        var letters = 0;
        while (letters < id.Length && id[letters] is >= 'A' and <= 'Z')
        {
            letters++;
        }

        if (letters is < 2 or > 4 || id.Length != letters + 4)
        {
            return false;
        }

        for (var i = letters; i < id.Length; i++)
        {
            if (!char.IsAsciiDigit(id[i]))
            {
                return false;
            }
        }

        return true;
    }
}
