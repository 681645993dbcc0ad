using System.Globalization;
using System.Text;
using Instruments.Compiler;
using Instruments.Course;
using Instruments.Data;
using Instruments.Scoring;
using Instruments.Tests.Shared;

namespace Instruments.Sql.Tests;

/// <summary>
/// A protocol's query against the engine: generated rows (each instrument's part of a row drawn on its own, with the
/// edges of <see cref="Differential"/>, so that every pair of instrument statuses is met) are scored by the Data
/// layer's protocol CSV pipeline (what <c>instruments score &lt;protocol&gt; --input x.csv</c> writes) and by the
/// emitted query, and every cell is compared.
/// </summary>
internal static class ProtocolDifferential
{
    /// <summary>The shipped protocols (plugins/*/protocols/*.yaml), as repository-relative paths.</summary>
    public static TheoryData<string> ShippedProtocols() => Paths.Shipped("protocols");

    /// <summary>Every shipped instrument, compiled (what a protocol may name), plus the synthetic test instrument.</summary>
    public static IReadOnlyList<ScoringPlan> Instruments { get; } =
    [
        .. ((IEnumerable<object[]>)DuckDbDifferentialTests.ShippedInstruments()).Select(row => (string)row[0])
            .Select(path => DuckDbDifferentialTests.Compile(File.ReadAllText(Path.Combine(Paths.RepoRoot, path)), path)),
        DuckDbDifferentialTests.Compile(Synthetic.Yaml, "synthetic.yaml"),
    ];

    /// <summary>
    /// A test-only protocol over the synthetic instrument (rounding with an <c>_unrounded</c> column, a kept and an
    /// optional item, flags, missing codes) and the PHQ-9, which no shipped protocol pairs.
    /// </summary>
    public const string SyntheticProtocol = """
        protocol: synthetic-and-phq
        version: 1.0.0
        title: SQL differential test protocol
        measures:
          - { id: syn, instrument: synthetic, score: halfup }
          - { id: dep, instrument: phq-9, score: total }
        """;

    public static ProtocolPlan Compile(string yaml, string path)
    {
        var compilation = ProtocolCompiler.Compile(InstrumentSource.FromText(yaml, path), Instruments);
        Assert.False(compilation.HasErrors, string.Join("\n", compilation.Diagnostics));
        return compilation.Plan!;
    }

    public static ProtocolPlan Shipped(string path) => Compile(File.ReadAllText(Path.Combine(Paths.RepoRoot, path)), path);

    /// <summary>
    /// Scores generated rows both ways and compares every cell of the engine's CSV; <paramref name="backend"/> runs the
    /// query over a table 'responses' of the given text cells and returns its rows ordered by 'rid'.
    /// </summary>
    public static Coverage Run(ProtocolPlan protocol, SqlDialect dialect, int seed, int rows,
        Func<string, List<string>, List<string?[]>, List<Dictionary<string, object?>>> backend)
    {
        var emitted = SqlEmitter.Emit(protocol, new SqlEmitOptions { Dialect = dialect, Table = "responses" });
        Assert.True(emitted.Query is not null, string.Join("\n", emitted.Diagnostics));

        var random = new Random(seed);
        var columns = new List<string> { "rid" };
        columns.AddRange(protocol.ReaderPlan.Definition.Items.Select(i => i.Id));
        columns.Add("site");
        var data = new List<string?[]>();
        for (var r = 0; r < rows; r++)
        {
            var cells = new string?[columns.Count];
            cells[0] = r.ToString("D6", CultureInfo.InvariantCulture);
            cells[^1] = random.Next(4) == 0 ? "=cmd" : "site" + random.Next(3).ToString(CultureInfo.InvariantCulture);
            foreach (var plan in protocol.Instruments)
            {
                // Each instrument's cells drawn on their own (a level, then missing, codes, odd text or out of range).
                var own = Differential.Row(plan, random, r, plan.ItemCount + 2);
                for (var i = 0; i < plan.ItemCount; i++)
                {
                    cells[columns.IndexOf(plan.Definition.Items[i].Id)] = own[i + 1];
                }
            }

            data.Add(cells);
        }

        var engine = EngineCsv(protocol, columns, data);
        var sql = backend(emitted.Query!, columns, data);
        Assert.Equal(data.Count, engine.Rows.Count);
        Assert.Equal(data.Count, sql.Count);
        var coverage = new Coverage(protocol);
        var sqlOnly = SqlOnlyColumns(protocol);
        for (var r = 0; r < data.Count; r++)
        {
            var expected = engine.Rows[r];
            var actual = sql[r];
            for (var c = 0; c < engine.Header.Length; c++)
            {
                var name = engine.Header[c];
                Assert.True(actual.ContainsKey(name), $"the SQL output has no column '{name}'");
                Differential.CompareCell(name, expected[c], actual[name], r, data[r], columns);
            }

            // Nothing else: no working column leaks out (PostgreSQL starts with every input column, the items too).
            var extra = actual.Keys.Except(engine.Header).Except(sqlOnly)
                .Except(dialect is SqlDialect.PostgreSql or SqlDialect.ClickHouse ? columns : []).Where(c => dialect != SqlDialect.ClickHouse || !c.StartsWith("__ins_", StringComparison.Ordinal)).ToList();
            Assert.True(extra.Count == 0, "SQL columns the engine does not write: " + string.Join(", ", extra));

            // The SQL-only columns agree with each instrument's diagnostics and flags.
            foreach (var plan in protocol.Instruments)
            {
                var p = plan.Definition.Id + ".";
                var diagnostics = expected[Array.IndexOf(engine.Header, p + "diagnostics")].Split(';');
                var flags = expected[Array.IndexOf(engine.Header, p + "flags")].Split(';');
                foreach (var score in plan.Definition.Scores.Where(s => s.Missing.Prorate))
                {
                    Assert.Equal(diagnostics.Contains("RSP2011:" + score.Id), actual[p + score.Id + "_prorated"] is true);
                }

                foreach (var flag in plan.Definition.Flags)
                {
                    var state = actual[p + "flag_" + flag.Id];
                    Assert.Equal(diagnostics.Contains("RSP2008:" + flag.Id), state is null);
                    Assert.Equal(flags.Contains(flag.Id), state is true);
                }
            }

            coverage.Add(engine.Header, expected);
        }

        return coverage;
    }

    /// <summary>The columns the query adds beyond the CSV: <c>&lt;instrument&gt;.&lt;score&gt;_prorated</c> and <c>&lt;instrument&gt;.flag_&lt;flag&gt;</c>.</summary>
    public static IReadOnlyList<string> SqlOnlyColumns(ProtocolPlan protocol) =>
    [
        .. protocol.Instruments.SelectMany(plan =>
            plan.Definition.Scores.Where(s => s.Expression is null && s.Method == Definitions.ScoreMethod.Sum && s.Missing.MaxMissing > 0)
                .Select(s => plan.Definition.Id + "." + s.Id + "_prorated")
                .Concat(plan.Definition.Flags.Select(f => plan.Definition.Id + ".flag_" + f.Id))),
    ];

    /// <summary>The reference: the console host's protocol CSV for the same rows, from the Data layer in process.</summary>
    public static Differential.EngineOutput EngineCsv(ProtocolPlan protocol, List<string> columns, List<string?[]> data)
    {
        var csv = new StringBuilder();
        csv.Append(string.Join(",", columns.Select(Quote))).Append('\n');
        foreach (var row in data)
        {
            csv.Append(string.Join(",", row.Select(Quote))).Append('\n');
        }

        return EngineCsv(protocol, Encoding.UTF8.GetBytes(csv.ToString()));
    }

    /// <summary>The console host's protocol CSV for a CSV input (<c>instruments score &lt;protocol&gt; --input x.csv</c>).</summary>
    public static Differential.EngineOutput EngineCsv(ProtocolPlan protocol, byte[] csv)
    {
        using var input = new MemoryStream(csv);
        using var reader = ResponseReader.Open(input, DataFormat.Csv, protocol.ReaderPlan);
        var pipeline = new ScoringPipeline(protocol, reader);
        var passThrough = pipeline.DiscoverColumns();
        using var output = new MemoryStream();
        pipeline.Run(ResultFormat.Create(DataFormat.Csv, protocol, passThrough, positional: reader.Columns is not null), output, new ScoringPipelineOptions { Workers = 1 });
        var lines = TestCsv.Parse(Encoding.UTF8.GetString(output.ToArray()));
        return new Differential.EngineOutput(lines[0], lines.Skip(1).ToList());
    }

    private static string Quote(string? cell) => "\"" + (cell ?? string.Empty).Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    /// <summary>What the generated rows covered, as the engine scored them.</summary>
    internal sealed class Coverage(ProtocolPlan protocol)
    {
        public HashSet<string> Statuses { get; } = new(StringComparer.Ordinal);

        /// <summary>The instruments' statuses side by side (<c>complete|invalid</c>) and the overall one.</summary>
        public HashSet<string> Combinations { get; } = new(StringComparer.Ordinal);

        /// <summary><c>instrument:ID</c> for every diagnostic ID met.</summary>
        public HashSet<string> Diagnostics { get; } = new(StringComparer.Ordinal);

        public HashSet<string> Bands { get; } = new(StringComparer.Ordinal);

        public void Add(string[] header, string[] row)
        {
            Statuses.Add(row[Array.IndexOf(header, "status")]);
            Combinations.Add(string.Join("|", protocol.Instruments.Select(p => row[Array.IndexOf(header, p.Definition.Id + ".status")])));
            foreach (var plan in protocol.Instruments)
            {
                var p = plan.Definition.Id + ".";
                foreach (var d in row[Array.IndexOf(header, p + "diagnostics")].Split(';').Where(d => d.Length > 0))
                {
                    Diagnostics.Add(plan.Definition.Id + ":" + d[..7]);
                }
            }

            for (var c = 0; c < header.Length; c++)
            {
                if (header[c].EndsWith("_band", StringComparison.Ordinal) && row[c].Length > 0)
                {
                    Bands.Add(header[c] + "=" + row[c]);
                }
            }
        }

        /// <summary>Every status of every instrument beside every status of the others; the reading diagnostics, prorating, every band.</summary>
        public void AssertCovered()
        {
            Assert.Equal(["complete", "invalid", "partial"], Statuses.Order(StringComparer.Ordinal));
            string[] statuses = ["complete", "partial", "invalid"];
            IEnumerable<string> all = [string.Empty];
            foreach (var _ in protocol.Instruments)
            {
                all = all.SelectMany(prefix => statuses.Select(s => prefix.Length == 0 ? s : prefix + "|" + s)).ToList();
            }

            foreach (var combination in all)
            {
                Assert.True(Combinations.Contains(combination), $"instrument statuses {combination} never met together");
            }

            foreach (var plan in protocol.Instruments)
            {
                var id = plan.Definition.Id;
                foreach (var d in new[] { "RSP2001", "RSP2002", "RSP2004", "RSP2006", "RSP2005" })
                {
                    Assert.True(Diagnostics.Contains(id + ":" + d), $"{id}: no {d} met");
                }

                if (plan.Definition.Scores.Any(s => s.Missing.Prorate))
                {
                    Assert.True(Diagnostics.Contains(id + ":RSP2011"), $"{id}: prorating never met");
                }

                foreach (var score in plan.Definition.Scores)
                {
                    foreach (var band in score.Bands)
                    {
                        Assert.True(Bands.Contains($"{id}.{score.Id}_band={band.Label}"), $"{id}.{score.Id}: band '{band.Label}' never met");
                    }
                }
            }
        }
    }
}
