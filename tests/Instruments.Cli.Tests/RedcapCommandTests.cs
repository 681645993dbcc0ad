using Instruments.Compiler;

namespace Instruments.Cli.Tests;

/// <summary>
/// <c>instruments import redcap</c> and <c>instruments score --map</c> on the REDCap samples (samples/redcap), in process.
/// </summary>
public sealed class RedcapCommandTests
{
    private static string Sample(string name) => Host.Sample(Path.Combine("redcap", name));

    [Fact]
    public async Task Import_ToAFile_WritesASkeletonThatCompiles_AndPrintsDiagnosticsAtLineAndColumn()
    {
        using var dir = new TempDir();
        var output = Path.Combine(dir.Path, "phq9.yaml");
        var r = await InProcess.RunAsync("import", "redcap", Sample("phq9-dictionary.csv"), "--output", output);

        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal(string.Empty, r.Stdout);
        Assert.Contains(r.StderrLines, l => l.EndsWith("phq9-dictionary.csv(13,41): warning INS1181: Field 'phq_total' is a calculated field (sum([phq1],[phq2],[phq3],[phq4],[phq5],[phq6],[phq7],[phq8],[phq9])); calculations are not imported: write the rule as a score from the instrument's manual (a TODO in the skeleton)", StringComparison.Ordinal));
        Assert.Contains(r.StderrLines, l => l.Contains("(14,282): warning INS1184:", StringComparison.Ordinal));
        Assert.Equal("instruments: imported form 'phq9' as instrument 'phq9': 10 items, 2 response scales; 0 errors, 5 warnings; written to '" + output + "'", r.StderrLines[^1]);

        var compilation = InstrumentCompiler.Compile(File.ReadAllText(output), output);
        Assert.Empty(compilation.Diagnostics);
        Assert.Equal(10, Assert.Single(compilation.Definitions).Items.Length);

        var validate = await InProcess.RunAsync("validate", output);
        Assert.True(validate.ExitCode == 0, validate.ToString());
    }

    [Fact]
    public async Task Import_ToStandardOutput_WithFormAndId()
    {
        var r = await InProcess.RunAsync("import", "redcap", Sample("phq9-dictionary.csv"), "--form", "phq9", "--id", "clinic.phq9");
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains("instrument: clinic.phq9\n", r.Stdout, StringComparison.Ordinal);
        Assert.Contains("texts: restricted", r.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Import_NothingImportable_Exits1_WithTheDiagnostics()
    {
        using var dir = new TempDir();
        var dictionary = dir.File("d.csv", "Variable / Field Name,Form Name,Field Type,Field Label\nrecord_id,f,text,ID\n");
        var output = Path.Combine(dir.Path, "out.yaml");
        var r = await InProcess.RunAsync("import", "redcap", dictionary, "--output", output);
        Assert.Equal(1, r.ExitCode);
        Assert.Contains(r.StderrLines, l => l.Contains("warning INS1180", StringComparison.Ordinal));
        Assert.Contains(r.StderrLines, l => l.Contains("error INS1187", StringComparison.Ordinal));
        Assert.False(File.Exists(output));
    }

    [Fact]
    public async Task Import_UsageErrors_Exit2()
    {
        Assert.Equal(2, (await InProcess.RunAsync("import", "fhir", Sample("phq9-dictionary.csv"))).ExitCode);
        Assert.Equal(2, (await InProcess.RunAsync("import", "redcap", Sample("no-such-file.csv"))).ExitCode);
        var badId = await InProcess.RunAsync("import", "redcap", Sample("phq9-dictionary.csv"), "--id", "Bad Id");
        Assert.Equal(2, badId.ExitCode);
        Assert.Contains("'Bad Id' is not an instrument id", badId.Stderr, StringComparison.Ordinal);
        var help = await InProcess.RunAsync("import", "--help");
        Assert.Equal(0, help.ExitCode);
        Assert.StartsWith("usage: instruments import redcap <data-dictionary.csv> [options]", help.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ScoreWithMap_GivesTheSameScoresAsTheRenamedColumns()
    {
        using var dir = new TempDir();
        var export = File.ReadAllText(Sample("phq9-export.csv"));
        var header = export[..export.IndexOf('\n', StringComparison.Ordinal)];
        var renamedHeader = string.Join(',', header.Split(',').Select(c => c switch
        {
            "phq10" => "phq9_10",
            _ when c.StartsWith("phq", StringComparison.Ordinal) && c.Length == 4 && char.IsAsciiDigit(c[3]) => "phq9_" + c[3],
            _ => c,
        }));
        Assert.Contains("phq9_1,phq9_2", renamedHeader, StringComparison.Ordinal);
        var renamed = dir.File("renamed.csv", renamedHeader + export[header.Length..]);

        var mapped = await InProcess.RunAsync("score", "phq-9", "--input", Sample("phq9-export.csv"), "--map", Sample("phq9-map.csv"), "--quiet");
        var plain = await InProcess.RunAsync("score", "phq-9", "--input", renamed, "--quiet");

        Assert.True(mapped.ExitCode == 0, mapped.ToString());
        Assert.Equal(string.Empty, mapped.Stderr);
        Assert.Equal(plain.Stdout, mapped.Stdout);
        Assert.Equal(
            "record_id,phq9_date,phq_total,phq9_comments,phq9_complete,status,total,total_band,flags,diagnostics",
            mapped.StdoutLines[0]);
        Assert.Equal("1,2026-03-02,14,,2,complete,14,Moderate,,", mapped.StdoutLines[1]);
        Assert.Equal(7, mapped.StdoutLines.Length);
    }

    [Fact]
    public async Task ScoreWithMap_UnknownItem_Exits2_BeforeWritingAnything()
    {
        using var dir = new TempDir();
        var map = dir.File("map.csv", "redcap_field,item_id\nphq1,phq9_1\nphq2,phq9_22\n");
        var output = Path.Combine(dir.Path, "out.csv");
        var r = await InProcess.RunAsync("score", "phq-9", "--input", Sample("phq9-export.csv"), "--map", map, "--output", output);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("line 3: 'phq2' is mapped to 'phq9_22', which is not an item of 'phq-9' (did you mean 'phq9_2'?)", r.Stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(output));
        Assert.Equal(2, (await InProcess.RunAsync("score", "phq-9", "--input", Sample("phq9-export.csv"), "--map", Path.Combine(dir.Path, "none.csv"))).ExitCode);
    }

    [Fact]
    public async Task ScoreWithMap_AColumnTheExportLacks_IsAWarning()
    {
        using var dir = new TempDir();
        var oneMore = dir.File("map2.csv", "redcap_field,item_id\nphq1,phq9_1\nphq_extra,phq9_2\n");
        var r = await InProcess.RunAsync("score", "phq-9", "--input", Sample("phq9-export.csv"), "--map", oneMore, "--quiet");
        Assert.Equal(0, r.ExitCode);   // a warning: the rows are scored (partial: most items have no column)
        Assert.Contains("instruments: warning: column map '" + oneMore + "' maps column 'phq_extra' (line 3, to item 'phq9_2') that the input's header does not have", r.Stderr, StringComparison.Ordinal);
    }
}
