using System.Globalization;
using System.Text;
using Instruments.Compiler;
using Instruments.Course;
using Instruments.Scoring;
using Instruments.Tests.Shared;
using static Instruments.Data.Tests.Parquet.ParquetFiles;

namespace Instruments.Data.Tests.Parquet;

/// <summary>
/// Parquet output of a protocol's results against its CSV output as the reference, for the shipped protocols: the same
/// columns in order, the same cells, one row out per row in (the malformed one included), scores as doubles.
/// </summary>
public sealed class ProtocolParquetTests
{
    private static string RepoRoot { get; } = FindRoot();

    private static readonly Lazy<ScoringPlan[]> Instruments = new(() =>
    [
        .. Directory.GetFiles(Path.Combine(RepoRoot, "plugins"), "*.yaml", SearchOption.AllDirectories)
            .Where(f => Path.GetFileName(Path.GetDirectoryName(f)) == "instruments")
            .Select(f =>
            {
                var compilation = InstrumentCompiler.Compile(File.ReadAllText(f), f);
                Assert.False(compilation.HasErrors, string.Join("\n", compilation.Diagnostics));
                return compilation.CreatePlan(Assert.Single(compilation.Definitions));
            }),
    ]);

    public static TheoryData<string> ShippedProtocols()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.GetFiles(Path.Combine(RepoRoot, "plugins"), "*.yaml", SearchOption.AllDirectories)
                     .Where(f => Path.GetFileName(Path.GetDirectoryName(f)) == "protocols").Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetRelativePath(RepoRoot, file).Replace('\\', '/'));
        }

        return data;
    }

    private static ProtocolPlan Load(string path)
    {
        var compilation = ProtocolCompiler.Compile(InstrumentSource.FromText(File.ReadAllText(Path.Combine(RepoRoot, path)), path), Instruments.Value);
        Assert.True(compilation.Plan is not null, string.Join("\n", compilation.Diagnostics));
        return compilation.Plan;
    }

    [Fact]
    public void ShippedProtocols_AreAllFound() => Assert.True(ShippedProtocols().Count >= 2);

    [Theory]
    [MemberData(nameof(ShippedProtocols))]
    public void Differential_ShippedProtocol_ParquetOutputEqualsCsvOutputCellByCell(string path)
    {
        var protocol = Load(path);
        var input = Encoding.UTF8.GetBytes(Generate(protocol, seed: path.Length * 7919, count: 2500));
        var reference = Score(protocol, input, DataFormat.Csv, DataFormat.Csv);
        var parquet = Score(protocol, input, DataFormat.Csv, DataFormat.Parquet, rowGroupRows: 700);

        var csv = TestCsv.Parse(Encoding.UTF8.GetString(reference.Output));
        var table = Read(parquet.Output);
        AssertSameCells(csv, table);
        AssertTypes(protocol, table);
        Assert.Equal(reference.Counts, parquet.Counts);
        Assert.Equal([700, 700, 700, 401], table.Groups);   // 2,500 rows and the malformed last one
        Assert.Equal("invalid", table.Rows[^1][Array.IndexOf(table.Header, "status")]);

        // Parquet in, Parquet out (the default row groups): the same cells.
        var parquetInput = Write(600, [.. table.Header.Take(Array.IndexOf(table.Header, "status")).Select((name, c) => Strings(name, [.. CsvInputCells(input, c)]))]);
        var again = Score(protocol, parquetInput, DataFormat.Parquet, DataFormat.Parquet);
        var csvAgain = Score(protocol, parquetInput, DataFormat.Parquet, DataFormat.Csv);
        AssertSameCells(TestCsv.Parse(Encoding.UTF8.GetString(csvAgain.Output)), Read(again.Output));
    }

    [Fact]
    public void Sample_AllianceAndSymptoms_ParquetOutputEqualsCsvOutputCellByCell()
    {
        var protocol = Load("plugins/alliance/protocols/alliance-and-symptoms.yaml");
        var input = File.ReadAllBytes(Path.Combine(RepoRoot, "samples", "alliance-and-symptoms.csv"));
        var reference = Score(protocol, input, DataFormat.Csv, DataFormat.Csv);
        var parquet = Score(protocol, input, DataFormat.Csv, DataFormat.Parquet);

        var csv = TestCsv.Parse(Encoding.UTF8.GetString(reference.Output));
        var table = Read(parquet.Output);
        AssertSameCells(csv, table);
        AssertTypes(protocol, table);
        Assert.Equal(["client_id", "session"], table.Header[..2]);
        Assert.Equal(["status", "wai-sr.status"], table.Header[Array.IndexOf(table.Header, "status")..][..2]);
    }

    [Fact]
    public void Write_PassThroughNamedLikeAProtocolColumn_IsRenamedAsForAnInstrument()
    {
        var protocol = Load("plugins/alliance/protocols/alliance-and-symptoms.yaml");
        var input = Encoding.UTF8.GetBytes("status,wai-sr.total,wai1\r\nx,y,4\r\n");
        var table = Read(Score(protocol, input, DataFormat.Csv, DataFormat.Parquet).Output);
        Assert.Equal(["status_2", "wai-sr.total_2", "status", "wai-sr.status"], table.Header[..4]);
        Assert.Contains("wai-sr.total", table.Header);
        Assert.Equal("x|y", Line(table.Rows[0][..2]));
    }

    [Fact]
    public void ResultWriter_RowByRow_WritesTheSameCellsAsThePipeline()
    {
        var protocol = Load("plugins/symptoms/protocols/nhs-talking-therapies.yaml");
        var input = Encoding.UTF8.GetBytes(Generate(protocol, seed: 5, count: 40));
        using var reader = ResponseReader.Open(new MemoryStream(input), DataFormat.Csv, protocol.ReaderPlan);
        using var stream = new MemoryStream();
        var writer = new ResultWriter(ResultFormat.Create(DataFormat.Parquet, protocol, reader.Columns!, positional: true), stream);
        var row = new ResponseRow(protocol.ReaderPlan);
        var result = protocol.CreateResult();
        while (reader.Read(row))
        {
            if (row.Malformed is { } reason)
            {
                protocol.ScoreMalformed(result, row.Line, reason);
            }
            else
            {
                protocol.Score(row.Values, row.Texts, result);
            }

            writer.Write(row, result);
        }

        writer.Complete();
        Assert.Equal(Read(Score(protocol, input, DataFormat.Csv, DataFormat.Parquet).Output).Rows, Read(stream.ToArray()).Rows);
        Assert.Equal(41, Read(stream.ToArray()).Rows.Count);
    }

    /// <summary>Scores (and their <c>_unrounded</c> values) are doubles; every other column is a string.</summary>
    private static void AssertTypes(ProtocolPlan protocol, Table table)
    {
        var numbers = protocol.Instruments.SelectMany(p => p.Definition.Scores.SelectMany(s =>
            new[] { $"{p.Definition.Id}.{s.Id}", $"{p.Definition.Id}.{s.Id}_unrounded" })).ToHashSet(StringComparer.Ordinal);
        Assert.Contains(table.Header, numbers.Contains);
        foreach (var name in table.Header)
        {
            // Parquet.Net reads a string column back as ReadOnlyMemory<char>.
            var type = table.Types[name] == typeof(ReadOnlyMemory<char>) ? typeof(string) : table.Types[name];
            Assert.True((numbers.Contains(name) ? typeof(double) : typeof(string)) == type, $"column '{name}' is {type.Name}");
        }
    }

    private static readonly string[] Odd = ["", " ", "abc", "NaN", "1.5", "-0", "99", "2.0"];

    /// <summary>CSV rows over every item of the protocol, some answers odd or missing, and a malformed last row.</summary>
    private static string Generate(ProtocolPlan protocol, int seed, int count)
    {
        var random = new Random(seed);
        var items = protocol.Instruments
            .SelectMany(p => p.Definition.Items.Select(i => (i.Id, Options: p.Definition.FindScale(i.Scale)!.Options.Select(o => o.Value).Order().ToArray())))
            .DistinctBy(i => i.Id, StringComparer.Ordinal).ToArray();
        var sb = new StringBuilder("client,").Append(string.Join(",", items.Select(i => i.Id))).Append(",site\r\n");
        for (var r = 0; r < count; r++)
        {
            sb.Append('c').Append((r % 97).ToString(CultureInfo.InvariantCulture));
            var level = random.NextDouble();
            foreach (var (_, options) in items)
            {
                var cell = options[Math.Clamp((int)Math.Round(level * (options.Length - 1)) + random.Next(-1, 2), 0, options.Length - 1)].ToString(CultureInfo.InvariantCulture);
                sb.Append(',').Append(random.Next(10) switch { 0 => string.Empty, 1 => Odd[random.Next(Odd.Length)], _ => cell });
            }

            sb.Append(',').Append(random.Next(4) switch { 0 => string.Empty, 1 => "=cmd", _ => "site " + random.Next(3).ToString(CultureInfo.InvariantCulture) }).Append("\r\n");
        }

        return sb.Append("bad,\"oops").Append("\r\n").ToString();
    }

    /// <summary>Column <paramref name="c"/> of a generated input, the malformed last row left out (null for an empty cell).</summary>
    private static IEnumerable<string?> CsvInputCells(byte[] input, int c) =>
        TestCsv.Parse(Encoding.UTF8.GetString(input)).Skip(1).SkipLast(1).Select(r => r[c].Length == 0 ? null : r[c]);

    private static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Instruments.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("Instruments.sln not found");
    }
}
