using System.Globalization;
using System.Text;
using Parquet;
using Parquet.Schema;

namespace Instruments.Cli.Tests;

/// <summary>
/// <c>score</c> with Parquet on either side: the format from the extension or the options, the same cells as CSV,
/// clear errors (exit 2, no stack trace, no output file) for what cannot be done.
/// </summary>
public sealed class ParquetCommandTests : IDisposable
{
    private const string SwlsCsv = "respondent_id,swls1,swls2,swls3,swls4,swls5\nr1,5,5,5,5,5\nr2,7,7,7,7,\nr3,1,x,3,4,5\nr4,,,,,\n";

    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    /// <summary>The SWLS rows above as Parquet: the id as a string, the items as nullable int32 ('x' as null: see the CSV twin).</summary>
    private string SwlsParquet(string name = "in.parquet", int groupRows = 2)
    {
        int?[][] items =
        [
            [5, 5, 5, 5, 5], [7, 7, 7, 7, null], [1, null, 3, 4, 5], [null, null, null, null, null],
        ];
        var fields = new List<DataField> { new("respondent_id", typeof(string), isNullable: true) };
        fields.AddRange(Enumerable.Range(1, 5).Select(i => new DataField<int?>("swls" + i.ToString(CultureInfo.InvariantCulture))));
        var path = _dir[name];
        using var stream = File.Create(path);
        var writer = ParquetWriter.CreateAsync(new ParquetSchema([.. fields]), stream).GetAwaiter().GetResult();
        try
        {
            for (var start = 0; start < items.Length; start += groupRows)
            {
                var n = Math.Min(groupRows, items.Length - start);
                using var group = writer.CreateRowGroup();
                group.WriteAsync(fields[0], new ArraySegment<string?>([.. Enumerable.Range(start + 1, n).Select(r => "r" + r)])!, null).GetAwaiter().GetResult();
                for (var i = 0; i < 5; i++)
                {
                    var column = items.Skip(start).Take(n).Select(row => row[i]).ToArray();
                    group.WriteAsync<int>(fields[i + 1], column, null, null, default).GetAwaiter().GetResult();
                }
            }
        }
        finally
        {
            writer.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }

        return path;
    }

    // The CSV twin of SwlsParquet (a null is an empty cell).
    private const string SwlsTwin = "respondent_id,swls1,swls2,swls3,swls4,swls5\nr1,5,5,5,5,5\nr2,7,7,7,7,\nr3,1,,3,4,5\nr4,,,,,\n";

    private static List<string?[]> ReadParquet(string path, out string[] header)
    {
        using var stream = File.OpenRead(path);
        var reader = ParquetReader.CreateAsync(stream).GetAwaiter().GetResult();
        try
        {
            var fields = reader.Schema.GetDataFields();
            header = [.. fields.Select(f => f.Name)];
            var rows = new List<string?[]>();
            for (var g = 0; g < reader.RowGroupCount; g++)
            {
                var group = reader.OpenRowGroupReader(g);
                var n = (int)group.RowCount;
                var columns = fields.Select(f =>
                {
                    if (f.ClrType == typeof(double))
                    {
                        var d = new double?[n];
                        group.ReadAsync<double>(f, d, null, default).AsTask().GetAwaiter().GetResult();
                        return d.Select(v => v?.ToString("R", CultureInfo.InvariantCulture)).ToArray();
                    }

                    var s = new string?[n];
                    group.ReadAsync(f, s, null, default).AsTask().GetAwaiter().GetResult();
                    return s;
                }).ToArray();
                for (var r = 0; r < n; r++)
                {
                    rows.Add([.. columns.Select(c => c[r])]);
                }
            }

            return rows;
        }
        finally
        {
            reader.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
    }

    private static string Line(IEnumerable<string?> cells) => string.Join(",", cells.Select(c => c ?? string.Empty));

    [Fact]
    public async Task Score_ParquetInputByExtension_WritesTheCsvOfItsCsvTwin()
    {
        var parquet = SwlsParquet();
        var twin = _dir.File("twin.csv", SwlsTwin);

        var fromParquet = await InProcess.RunAsync("score", "swls", "--input", parquet);
        var fromCsv = await InProcess.RunAsync("score", "swls", "--input", twin);

        Assert.True(fromParquet.ExitCode == fromCsv.ExitCode, fromParquet.ToString());
        Assert.Equal(fromCsv.Stdout, fromParquet.Stdout);
        Assert.Equal("r2,partial,,,,RSP2004:swls5;RSP2005:total", fromParquet.StdoutLines[2]);
        Assert.Contains("scored 4 rows", fromParquet.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Score_InputFormatParquet_ReadsAFileOfAnyName()
    {
        var path = _dir["responses.dat"];
        File.Move(SwlsParquet(), path);

        var r = await InProcess.RunAsync("score", "swls", "--input", path, "--input-format", "parquet");

        Assert.True(r.ExitCode is 0 or 1, r.ToString());
        Assert.Equal(5, r.StdoutLines.Length);
    }

    [Fact]
    public async Task Score_OutputParquetByExtension_HoldsTheCsvOutputsCells()
    {
        var input = _dir.File("in.csv", SwlsCsv);
        var output = _dir["out.parquet"];

        var csv = await InProcess.RunAsync("score", "swls", "--input", input);
        var r = await InProcess.RunAsync("score", "swls", "--input", input, "--output", output);

        Assert.True(r.ExitCode == csv.ExitCode, r.ToString());
        Assert.Empty(r.Stdout);
        var rows = ReadParquet(output, out var header);
        Assert.Equal(csv.StdoutLines[0], string.Join(",", header));
        Assert.Equal(csv.StdoutLines.Skip(1), rows.Select(Line));
        Assert.Empty(Directory.GetFiles(_dir.Path, ".*.tmp"));
    }

    [Fact]
    public async Task Score_FormatParquet_WritesParquetWhateverTheOutputName()
    {
        var output = _dir["out.bin"];
        var r = await InProcess.RunAsync("score", "swls", "--input", SwlsParquet(), "--format", "parquet", "--output", output);
        Assert.True(r.ExitCode is 0 or 1, r.ToString());
        Assert.Equal(4, ReadParquet(output, out _).Count);
    }

    [Fact]
    public async Task Score_ParquetToStandardOutput_IsAUsageError()
    {
        var r = await InProcess.RunAsync("score", "swls", "--input", _dir.File("in.csv", SwlsCsv), "--format", "parquet");
        Assert.True(r.ExitCode == 2, r.ToString());
        Assert.Contains("Parquet output is binary: write it to a file with --output FILE.parquet", r.Stderr, StringComparison.Ordinal);
        Assert.Empty(r.Stdout);
    }

    [Theory]
    [InlineData("text")]
    [InlineData("truncated")]
    [InlineData("empty")]
    public async Task Score_NotAParquetFile_IsAClearErrorWithoutOutput(string how)
    {
        var good = File.ReadAllBytes(SwlsParquet());
        var path = _dir["bad.parquet"];
        File.WriteAllBytes(path, how switch
        {
            "text" => Encoding.UTF8.GetBytes(SwlsCsv),
            "truncated" => good[..(good.Length - 10)],
            _ => [],
        });
        var output = _dir["out.csv"];

        var r = await InProcess.RunAsync("score", "swls", "--input", path, "--output", output);

        Assert.True(r.ExitCode == 2, r.ToString());
        Assert.Contains("error: the input is not a readable Parquet file: ", r.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", r.Stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(output));
        Assert.Empty(Directory.GetFiles(_dir.Path, ".*.tmp"));
    }

    [Fact]
    public async Task Score_ParquetFromStandardInput_IsAClearError()
    {
        var r = await InProcess.RunAsync(["score", "swls", "--input", "-", "--input-format", "parquet"], File.ReadAllText(SwlsParquet(), Encoding.Latin1));
        Assert.True(r.ExitCode == 2, r.ToString());
        Assert.Contains("a Parquet input must be a file", r.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Score_DamagedRowGroup_GivesInvalidRowsNamingTheirRows_Exit1()
    {
        var path = SwlsParquet(groupRows: 2);
        var bytes = File.ReadAllBytes(path);
        long offset;
        using (var stream = new MemoryStream(bytes))
        {
            await using var reader = await ParquetReader.CreateAsync(stream);
            offset = reader.Metadata!.RowGroups[1].Columns[2].MetaData!.DataPageOffset;
        }

        for (var i = 0; i < 12; i++)
        {
            bytes[offset + i] = 0xff;
        }

        File.WriteAllBytes(path, bytes);

        var r = await InProcess.RunAsync("score", "swls", "--input", path);

        Assert.True(r.ExitCode == 1, r.ToString());
        var lines = r.StdoutLines;
        Assert.Equal(5, lines.Length);
        Assert.StartsWith("r1,complete,", lines[1], StringComparison.Ordinal);
        Assert.Equal(",invalid,,,,RSP2010:line 3", lines[3]);
        Assert.Equal(",invalid,,,,RSP2010:line 4", lines[4]);
    }

    // The shipped NHS Talking Therapies protocol's rows: complete, partial ('x'), and a malformed last row.
    private const string TalkingTherapiesCsv =
        "client,phq9_1,phq9_2,phq9_3,phq9_4,phq9_5,phq9_6,phq9_7,phq9_8,phq9_9,gad7_1,gad7_2,gad7_3,gad7_4,gad7_5,gad7_6,gad7_7\n" +
        "c1,1,2,3,1,0,0,1,2,0,1,1,1,1,1,1,1\nc2,1,2,,1,0,0,1,2,0,3,3,3,3,3,3,x\nc3,\"open,1\n";

    [Theory]
    [InlineData("nhs-talking-therapies", null)]
    [InlineData("alliance-and-symptoms", "alliance-and-symptoms.csv")]
    public async Task Score_ProtocolToParquet_HoldsTheProtocolCsvOutputsCells(string protocol, string? sample)
    {
        var input = sample is null ? _dir.File("in.csv", TalkingTherapiesCsv) : Host.Sample(sample);
        var output = _dir["out.parquet"];

        var csv = await InProcess.RunAsync("score", protocol, "--input", input, "--quiet");
        var r = await InProcess.RunAsync("score", protocol, "--input", input, "--output", output);

        Assert.True(r.ExitCode == csv.ExitCode, r.ToString());
        Assert.Empty(r.Stdout);
        var rows = ReadParquet(output, out var header);
        Assert.Equal(csv.StdoutLines[0], string.Join(",", header));
        Assert.Equal(csv.StdoutLines.Skip(1), rows.Select(Line));
        Assert.Contains(protocol == "alliance-and-symptoms" ? "wai-sr.status" : "gad-7.status", header);
        Assert.Empty(Directory.GetFiles(_dir.Path, ".*.tmp"));
    }

    [Fact]
    public async Task Track_ParquetOutput_IsRefused()
    {
        var r = await InProcess.RunAsync("track", "phq-9", "--input", Host.Sample("phq-9-course.csv"), "--output", _dir["t.parquet"]);
        Assert.True(r.ExitCode == 2, r.ToString());
        Assert.Contains("'track' writes csv, json or ndjson; Parquet output is built for 'score' only", r.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Host_ParquetRoundTrip_EndToEnd()
    {
        // The real host process: Parquet.Net is deployed beside it and loads.
        var output = _dir["out.parquet"];
        var r = await Host.RunAsync("score", "swls", "--input", SwlsParquet(), "--output", output);
        Assert.True(r.ExitCode is 0 or 1, r.ToString());
        var back = await Host.RunAsync("score", "swls", "--input", SwlsParquet("again.parquet"));
        Assert.Equal(ReadParquet(output, out _).Select(Line), back.StdoutLines.Skip(1));
    }
}
