namespace Instruments.Cli.Tests;

/// <summary>
/// Hostile definition files and folders (issue 13, items 11, 12 and 14): control characters print escaped in every
/// human-readable output, links to folders are not followed, invalid UTF-8 in a texts file is an error.
/// </summary>
public sealed class HostileDefinitionTests
{
    private const string Esc = "\u001b";

    private static string Instrument(string title, string itemText = "I feel fine") => $"""
        instrument: evil
        version: 1.0.0
        title: "{title}"
        license: {"{"} name: Test licence, texts: shipped {"}"}
        response_scales:
          freq:
            options:
              - {"{"} value: 0, label: Never {"}"}
              - {"{"} value: 1, label: Often {"}"}
        items:
          - {"{"} id: mood, scale: freq, text: "{itemText}" {"}"}
        scores:
          - {"{"} id: total, items: [mood], method: sum {"}"}

        """;

    [Fact]
    public async Task Describe_TitleAndTextWithEscapeSequences_PrintsThemEscaped()
    {
        using var dir = new TempDir();
        var path = dir.File("evil.yaml", Instrument("Evil \\e]0;pwned\\a title", "Fine \\e[2J\\u202Eevil"));

        var r = await InProcess.RunAsync("describe", path);

        Assert.Equal(0, r.ExitCode);
        Assert.DoesNotContain(Esc, r.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("\u202e", r.Stdout, StringComparison.Ordinal);
        Assert.Contains("evil 1.0.0: Evil \\x1b]0;pwned\\x07 title", r.Stdout, StringComparison.Ordinal);
        Assert.Contains("Fine \\x1b[2J\\u202eevil", r.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain(Esc, r.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Describe_Json_KeepsTheTextExact()
    {
        using var dir = new TempDir();
        var path = dir.File("evil.yaml", Instrument("Evil \\e]0;pwned\\a title"));

        var r = await InProcess.RunAsync("describe", path, "--format", "json");

        Assert.Equal(0, r.ExitCode);
        Assert.Contains("Evil \\u001B]0;pwned\\u0007 title", r.Stdout, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task List_TitleWithEscapeSequence_PrintsItEscaped()
    {
        using var dir = new TempDir();
        dir.File("evil.yaml", Instrument("Evil \\e]0;pwned\\a title"));

        var r = await InProcess.RunAsync("list", "--plugins", dir.Path);

        Assert.Equal(0, r.ExitCode);
        Assert.DoesNotContain(Esc, r.Stdout, StringComparison.Ordinal);
        Assert.Contains(r.StdoutLines, l => l.StartsWith("evil", StringComparison.Ordinal) && l.Contains("Evil \\x1b]0;pwned\\x07 title", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Validate_ControlCharacter_IsWarningINS1065_PrintedEscaped()
    {
        using var dir = new TempDir();
        var path = dir.File("evil.yaml", Instrument("Evil \\e]0;pwned\\a title"));

        var r = await InProcess.RunAsync("validate", path);

        Assert.Equal(0, r.ExitCode);
        Assert.Contains(r.StdoutLines, l => l.StartsWith(path + "(3,8): warning INS1065:", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Validate_FolderWithALinkLoop_FinishesAndNamesTheSkippedLink()
    {
        using var dir = new TempDir();
        var path = dir.File("sub/ok.yaml", Instrument("Fine"));
        var link = Path.Combine(dir.Path, "sub", "loop");
        Directory.CreateSymbolicLink(link, dir.Path);

        var run = InProcess.RunAsync("validate", dir.Path);
        Assert.True(await Task.WhenAny(run, Task.Delay(TimeSpan.FromSeconds(60))) == run, "validate did not finish");
        var r = await run;

        Assert.Equal(0, r.ExitCode);
        Assert.Contains($"instruments: warning: skipped '{link}': a link to a folder (links to folders are not followed)", r.StderrLines);
        Assert.StartsWith("instruments: 1 file checked, 1 valid:", r.StderrLines[^1], StringComparison.Ordinal);
        Assert.NotNull(path);
    }

    [Fact]
    public async Task Describe_TextsFileWithInvalidUtf8_IsINS1000_AndAUsageError()
    {
        using var dir = new TempDir();
        var path = dir.File("restricted.yaml", Instrument("Restricted").Replace("texts: shipped", "texts: restricted", StringComparison.Ordinal)
            .Replace(", text: \"I feel fine\"", string.Empty, StringComparison.Ordinal));
        var texts = dir["texts.yaml"];
        File.WriteAllBytes(texts, [.. "instrument: evil\ntexts:\n  mood: \"caf"u8, 0xE9, .. "\"\n"u8]);

        var r = await InProcess.RunAsync("describe", path, "--texts", texts);

        Assert.Equal(2, r.ExitCode);
        Assert.Contains(r.StderrLines, l => l.StartsWith(texts + "(3,13): error INS1000:", StringComparison.Ordinal));
    }
}
