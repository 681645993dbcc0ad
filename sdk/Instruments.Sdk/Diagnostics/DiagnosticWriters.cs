using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Instruments.Diagnostics;

/// <summary>
/// Writes diagnostics the way the <c>instruments</c> host prints them, so that an embedder produces the same output:
/// compiler-style text (<see cref="WriteText"/>), a JSON array (<see cref="WriteJson"/>) and SARIF 2.1.0
/// (<see cref="SarifLogWriter"/>).
/// </summary>
public static class DiagnosticWriters
{
    /// <summary>
    /// The JSON writer options of every JSON the SDK writes for people and tools: indented, and with characters such
    /// as <c>'</c>, <c>&lt;</c> and non-ASCII letters written as they are rather than escaped (the output is not meant
    /// to be embedded in HTML).
    /// </summary>
    public static JsonWriterOptions JsonOptions => new() { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Writes one line per diagnostic in the compiler convention: <c>path(line,col): error INS1010: message</c>.</summary>
    public static void WriteText(TextWriter writer, IEnumerable<Diagnostic> diagnostics)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(diagnostics);
        foreach (var d in diagnostics)
        {
            writer.WriteLine(d.ToString());
        }
    }

    /// <summary>
    /// Writes a JSON array with one object per diagnostic: <c>id</c>, <c>severity</c> (<c>error</c>, <c>warning</c> or
    /// <c>info</c>), <c>message</c>, <c>path</c> (null when there is none), <c>line</c> and <c>column</c> (1-based; 0
    /// when unknown).
    /// </summary>
    public static void WriteJson(Utf8JsonWriter writer, IEnumerable<Diagnostic> diagnostics)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(diagnostics);
        writer.WriteStartArray();
        foreach (var d in diagnostics)
        {
            writer.WriteStartObject();
            writer.WriteString("id", d.Id);
            writer.WriteString("severity", Diagnostic.SeverityName(d.Severity));
            writer.WriteString("message", d.Message);
            writer.WriteString("path", d.Location.HasPath ? d.Location.Path : null);
            writer.WriteNumber("line", d.Location.Line);
            writer.WriteNumber("column", d.Location.Column);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
    }

    /// <summary>The JSON array of <see cref="WriteJson"/> as a string, written with <see cref="JsonOptions"/>.</summary>
    public static string ToJson(IEnumerable<Diagnostic> diagnostics) => Write(w => WriteJson(w, diagnostics));

    /// <summary>Runs <paramref name="write"/> on a writer with <see cref="JsonOptions"/> and returns the UTF-8 text.</summary>
    internal static string Write(Action<Utf8JsonWriter> write)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, JsonOptions))
        {
            write(w);
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }
}
