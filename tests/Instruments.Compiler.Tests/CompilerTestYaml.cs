using Instruments.Diagnostics;

namespace Instruments.Compiler.Tests;

/// <summary>
/// A minimal valid instrument in YAML, assembled from sections that tests replace, and helpers that compile
/// YAML in which the character <see cref="Caret"/> marks where each expected diagnostic must point.
/// </summary>
internal static class CompilerTestYaml
{
    /// <summary>Marks an expected diagnostic position; removed before compiling.</summary>
    public const char Caret = '‸';

    public const string Path = "test.yaml";

    public const string Header = """
        instrument: demo
        version: 1.0.0
        title: Demo
        license:
          name: Test licence
          texts: shipped
        """;

    public const string Scales = """
        response_scales:
          freq:
            options:
              - { value: 0, label: Never }
              - { value: 1, label: Sometimes }
              - { value: 2, label: Often }
        """;

    public const string Items = """
        items:
          - { id: mood, scale: freq }
          - { id: sleep, scale: freq }
          - { id: energy, scale: freq }
        """;

    /// <summary>One sum score over the three items; its range is 0 to 6.</summary>
    public const string Scores = """
        scores:
          - id: total
            items: [mood, sleep, energy]
            method: sum
        """;

    /// <summary>Assembles a document from sections; null keeps the default section, "" leaves it out.</summary>
    public static string Doc(string? header = null, string? scales = null, string? items = null, string? scores = null,
        string? flags = null, string? extra = null)
    {
        var parts = new[] { header ?? Header, extra ?? string.Empty, scales ?? Scales, items ?? Items, scores ?? Scores, flags ?? string.Empty };
        return string.Join("\n", parts.Where(p => p.Length > 0)) + "\n";
    }

    /// <summary>Removes the carets and returns the clean text with the 1-based line and column of each caret.</summary>
    public static (string Text, List<(int Line, int Column)> Marks) Strip(string marked)
    {
        var text = new System.Text.StringBuilder(marked.Length);
        var marks = new List<(int, int)>();
        int line = 1, column = 1;
        foreach (var c in marked)
        {
            if (c == Caret)
            {
                marks.Add((line, column));
                continue;
            }

            text.Append(c);
            if (c == '\n')
            {
                line++;
                column = 1;
            }
            else
            {
                column++;
            }
        }

        return (text.ToString(), marks);
    }

    public static InstrumentCompilation Compile(string text, DiagnosticOptions? options = null) =>
        InstrumentCompiler.Compile(text, Path, options);

    /// <summary>
    /// Compiles <paramref name="marked"/> and asserts that diagnostic <paramref name="id"/> is reported exactly once per
    /// caret, at the carets' positions (in order), and that no diagnostic other than <paramref name="id"/> and
    /// <paramref name="alsoAllowed"/> is reported. Returns the diagnostics with that id.
    /// </summary>
    public static IReadOnlyList<Diagnostic> ExpectAt(string marked, string id, params string[] alsoAllowed)
    {
        var (text, marks) = Strip(marked);
        Assert.NotEmpty(marks);
        var compilation = Compile(text);
        var all = string.Join("\n", compilation.Diagnostics);
        var found = compilation.Diagnostics.Where(d => d.Id == id)
            .OrderBy(d => d.Location.Line).ThenBy(d => d.Location.Column).ToList();
        Assert.True(found.Count == marks.Count, $"expected {marks.Count} x {id}, got:\n{all}");
        for (var i = 0; i < marks.Count; i++)
        {
            Assert.Equal(Path, found[i].Location.Path);
            Assert.True(marks[i] == (found[i].Location.Line, found[i].Location.Column),
                $"expected {id} at ({marks[i].Line},{marks[i].Column}), got:\n{all}");
        }

        // INS1070 (a rule without a source) is tested on its own; the small test files here cite no manual.
        var unexpected = compilation.Diagnostics.Where(d => d.Id != id && d.Id != "INS1070" && Array.IndexOf(alsoAllowed, d.Id) < 0).ToList();
        Assert.True(unexpected.Count == 0, $"unexpected diagnostics:\n{all}");
        if (found.Any(d => d.IsError))
        {
            Assert.True(compilation.HasErrors);
            Assert.Empty(compilation.Definitions);
        }

        return found;
    }

    /// <summary><see cref="ExpectAt"/> for exactly one caret; returns that diagnostic.</summary>
    public static Diagnostic ExpectOneAt(string marked, string id, params string[] alsoAllowed) =>
        Assert.Single(ExpectAt(marked, id, alsoAllowed));
}
