using System.Globalization;
using System.Text;
using DuckDB.NET.Data;
using Instruments.Compiler;
using Instruments.Data;
using Instruments.Definitions;
using Instruments.Scoring;
using Instruments.Tests.Shared;

namespace Instruments.Sql.Tests;

/// <summary>
/// The emitted DuckDB query against the engine: generated responses (every band's edges, missing and too many missing,
/// invalid codes, out-of-range and non-integer numbers, non-numeric text, missing codes, prorating limits, rounding ties,
/// optional and kept items) are scored by the Data layer's CSV pipeline (the reference) and by the query in an
/// in-process DuckDB, and every cell is compared: numbers within 1e-9, text exactly (diagnostics in the same order).
/// </summary>
public sealed class DuckDbDifferentialTests
{
    /// <summary>Every shipped instrument (plugins/*/instruments/*.yaml).</summary>
    public static TheoryData<string> ShippedInstruments() => Paths.Shipped("instruments");

    [Fact]
    public void ShippedInstruments_AreAllFound()
    {
        // 12 today: alliance (1), symptoms (7), wellbeing (4); the norms plugin ships functions and tables, no instrument.
        Assert.Equal(12, ShippedInstruments().Count);
    }

    [Theory]
    [MemberData(nameof(ShippedInstruments))]
    public void ShippedInstrument_SqlInDuckDb_MatchesTheEngineCellByCell(string path)
    {
        var yaml = File.ReadAllText(Path.Combine(Paths.RepoRoot, path));
        var plan = Compile(yaml, path);
        var report = Differential.Run(plan, seed: path.Length * 7919);
        report.AssertCovered(plan);
    }

    [Fact]
    public void EveryRoundingRule_BandKind_AndExpressionOperator_MatchesTheEngine()
    {
        var plan = Compile(Synthetic.Yaml, "synthetic.yaml");
        var report = Differential.Run(plan, seed: 12345, rows: 6000);
        report.AssertCovered(plan);
        foreach (var id in new[] { "RSP2007", "RSP2008", "RSP2009", "RSP2011", "RSP2015", "RSP2016" })
        {
            Assert.True(report.Diagnostics.Contains(id), $"no {id} met");
        }

        // The exclusive edges themselves were met (a value exactly at 'below' belongs to the next band).
        Assert.Contains(1.5, report.Values["m"]);
        Assert.Contains(2.5, report.Values["m"]);
        Assert.Contains(13.0, report.Values["halfup"]);

        // Ties of every kind were met (not only unsettled ones) and each was rounded as its rule says.
        foreach (var score in new[] { "halfup", "halfdown", "halfeven", "away", "unstated", "mean1" })
        {
            Assert.True(report.Ties.Contains(score), $"no rounding tie met for score '{score}'");
        }
    }

    internal static ScoringPlan Compile(string yaml, string path)
    {
        var compilation = InstrumentCompiler.Compile(yaml, path);
        Assert.False(compilation.HasErrors, string.Join("\n", compilation.Diagnostics));
        return compilation.CreatePlan(Assert.Single(compilation.Definitions));
    }
}

/// <summary>Generates responses, scores them both ways and compares.</summary>
internal static class Differential
{
    /// <summary>Every row of a query's result, as column name to value (NULL as null); a column name given twice fails.</summary>
    internal static List<Dictionary<string, object?>> ReadRows(System.Data.Common.DbDataReader result)
    {
        var rows = new List<Dictionary<string, object?>>();
        while (result.Read())
        {
            var row = new Dictionary<string, object?>(StringComparer.Ordinal);
            for (var c = 0; c < result.FieldCount; c++)
            {
                row.Add(result.GetName(c), result.IsDBNull(c) ? null : result.GetValue(c));
            }

            rows.Add(row);
        }

        return rows;
    }

    // Cells that are not plain options: each exercises one reading rule of the engine.
    private static readonly string[] Odd =
    [
        "", " ", "abc", "1e1", "0x1", "1,5", "--1", "+", "-", ".", "NaN", "Infinity", "1 2", "\t", "99999999999",
        "0000000003", "1.", ".5", "+1", " 2 ", "2.0", "1.5", "-0", "٣", "1\u00a0", "12345678901234567890123456789",
        "0." + new string('0', 400) + "1", "1" + new string('0', 310), "-0.000", "3.0000000000000001",
    ];

    public static Report Run(ScoringPlan plan, int seed, int rows = 2500, Func<ScoringPlan, List<string>, List<string?[]>, List<Dictionary<string, object?>>>? backend = null)
    {
        backend ??= SqlRows;
        var def = plan.Definition;
        var random = new Random(seed);
        var columns = new List<string> { "rid" };
        columns.AddRange(def.Items.Select(i => i.Id));
        columns.Add("site");
        var data = new List<string?[]>();
        for (var r = 0; r < rows; r++)
        {
            data.Add(Row(plan, random, r, columns.Count));
        }

        var engine = EngineCsv(plan, columns, data);
        var sql = backend(plan, columns, data);
        Assert.Equal(data.Count, engine.Rows.Count);
        Assert.Equal(data.Count, sql.Count);
        var report = new Report(engine, plan);
        for (var r = 0; r < data.Count; r++)
        {
            var expected = engine.Rows[r];
            var actual = sql[r];
            for (var c = 0; c < engine.Header.Length; c++)
            {
                var name = engine.Header[c];
                Assert.True(actual.ContainsKey(name), $"the SQL output has no column '{name}'");
                CompareCell(name, expected[c], actual[name], r, data[r], columns);
            }

            // The SQL-only columns agree with the engine's diagnostics and flags.
            var diagnostics = expected[Array.IndexOf(engine.Header, "diagnostics")].Split(';');
            var flags = expected[Array.IndexOf(engine.Header, "flags")].Split(';');
            foreach (var score in def.Scores.Where(s => s.Missing.Prorate))
            {
                Assert.Equal(diagnostics.Contains("RSP2011:" + score.Id), actual[score.Id + "_prorated"] is true);
            }

            foreach (var flag in def.Flags)
            {
                var state = actual["flag_" + flag.Id];
                Assert.Equal(diagnostics.Contains("RSP2008:" + flag.Id), state is null);
                Assert.Equal(flags.Contains(flag.Id), state is true);
            }

            report.Add(expected, diagnostics);
        }

        return report;
    }

    internal static void CompareCell(string column, string expected, object? actual, int row, string?[] input, List<string> columns)
    {
        var text = actual switch
        {
            null => string.Empty,
            double d => d.ToString("R", CultureInfo.InvariantCulture),
            _ => Convert.ToString(actual, CultureInfo.InvariantCulture) ?? string.Empty,
        };
        var where = $"row {row} ({string.Join(",", columns.Zip(input, (n, v) => n + "=" + v))}), column '{column}'";
        if (actual is double value)
        {
            Assert.True(expected.Length > 0, $"{where}: engine empty, SQL {text}");
            var e = double.Parse(expected, CultureInfo.InvariantCulture);
            Assert.True(Math.Abs(e - value) <= 1e-9, $"{where}: engine {expected}, SQL {text}");
            return;
        }

        // The CSV writer guards a cell a spreadsheet would run as a formula with a leading apostrophe.
        if (expected.Length == text.Length + 1 && expected[0] == '\'' && text.Length > 0 && "=+-@\t\r".Contains(text[0], StringComparison.Ordinal))
        {
            expected = expected[1..];
        }

        Assert.True(expected == text, $"{where}: engine '{expected}', SQL '{text}'");
    }

    internal static string?[] Row(ScoringPlan plan, Random random, int r, int width)
    {
        var def = plan.Definition;
        var cells = new string?[width];
        cells[0] = r.ToString("D6", CultureInfo.InvariantCulture);
        cells[^1] = random.Next(4) == 0 ? "=cmd" : "site" + random.Next(3).ToString(CultureInfo.InvariantCulture);
        // A level per row spreads totals over the whole range (so every band edge is met); then some cells go missing.
        var level = random.NextDouble();
        var spread = random.Next(3);
        for (var i = 0; i < def.Items.Length; i++)
        {
            var options = def.FindScale(def.Items[i].Scale)!.Options.Select(o => o.Value).Order().ToArray();
            var keyedLevel = def.Items[i].Reverse ? 1 - level : level;
            var target = (int)Math.Round(keyedLevel * (options.Length - 1)) + random.Next(-spread, spread + 1);
            var value = options[Math.Clamp(target, 0, options.Length - 1)];
            cells[i + 1] = value.ToString(CultureInfo.InvariantCulture);
        }

        var kind = random.Next(10);
        var n = def.Items.Length;
        if (kind <= 2)
        {
            // 1 to 3 unanswered (empty): the prorating limits.
            foreach (var i in Pick(random, n, 1 + random.Next(3)))
            {
                cells[i + 1] = random.Next(4) == 0 ? null : string.Empty;
            }
        }
        else if (kind == 3)
        {
            // Missing codes.
            foreach (var i in Pick(random, n, 1 + random.Next(3)))
            {
                cells[i + 1] = def.MissingCodes.IsDefaultOrEmpty ? "-99" : def.MissingCodes[random.Next(def.MissingCodes.Length)].ToString(CultureInfo.InvariantCulture);
            }
        }
        else if (kind == 4)
        {
            // Out of range, between options, or odd text.
            foreach (var i in Pick(random, n, 1 + random.Next(2)))
            {
                var scale = def.FindScale(def.Items[i].Scale)!;
                var values = scale.Options.Select(o => o.Value).ToArray();
                cells[i + 1] = random.Next(4) switch
                {
                    0 => (values.Max() + 1 + random.Next(3)).ToString(CultureInfo.InvariantCulture),
                    1 => (values.Min() - 1).ToString(CultureInfo.InvariantCulture),
                    2 => Enumerable.Range(values.Min(), values.Max() - values.Min() + 1).Except(values).FirstOrDefault(values.Max() + 5).ToString(CultureInfo.InvariantCulture),
                    _ => Odd[random.Next(Odd.Length)],
                };
            }
        }
        else if (kind == 5)
        {
            // Many unanswered: too many missing for every score.
            foreach (var i in Pick(random, n, Math.Max(1, n / 2 + random.Next(n / 2 + 1))))
            {
                cells[i + 1] = string.Empty;
            }
        }

        return cells;
    }

    private static IEnumerable<int> Pick(Random random, int n, int k) => Enumerable.Range(0, n).OrderBy(_ => random.Next()).Take(Math.Min(k, n));

    private static string Quote(string? cell) => "\"" + (cell ?? string.Empty).Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    /// <summary>The reference: the console host's CSV output for the same rows, from the Data layer in process.</summary>
    private static EngineOutput EngineCsv(ScoringPlan plan, List<string> columns, List<string?[]> data)
    {
        var csv = new StringBuilder();
        csv.Append(string.Join(",", columns.Select(Quote))).Append('\n');
        foreach (var row in data)
        {
            csv.Append(string.Join(",", row.Select(Quote))).Append('\n');
        }

        return EngineCsv(plan, Encoding.UTF8.GetBytes(csv.ToString()));
    }

    /// <summary>The console host's CSV output for a CSV input, from the Data layer in process.</summary>
    internal static EngineOutput EngineCsv(ScoringPlan plan, byte[] csv)
    {
        using var input = new MemoryStream(csv);
        using var reader = ResponseReader.Open(input, DataFormat.Csv, plan);
        var pipeline = new ScoringPipeline(plan, reader);
        var passThrough = pipeline.DiscoverColumns();
        using var output = new MemoryStream();
        pipeline.Run(ResultFormat.Create(DataFormat.Csv, plan, passThrough, positional: reader.Columns is not null), output, new ScoringPipelineOptions { Workers = 1 });
        var lines = TestCsv.Parse(Encoding.UTF8.GetString(output.ToArray()));
        return new EngineOutput(lines[0], lines.Skip(1).ToList());
    }

    private static List<Dictionary<string, object?>> SqlRows(ScoringPlan plan, List<string> columns, List<string?[]> data)
    {
        var emitted = SqlEmitter.Emit(plan, new SqlEmitOptions { Table = "responses" });
        Assert.True(emitted.Query is not null, string.Join("\n", emitted.Diagnostics));
        return DuckDbRows(emitted.Query!, columns, data);
    }

    /// <summary>The rows of <paramref name="query"/> over a DuckDB table 'responses' of the text cells, ordered by 'rid'.</summary>
    internal static List<Dictionary<string, object?>> DuckDbRows(string query, List<string> columns, List<string?[]> data)
    {
        using var connection = new DuckDBConnection("DataSource=:memory:");
        connection.Open();
        using (var create = connection.CreateCommand())
        {
            create.CommandText = "CREATE TABLE responses (" + string.Join(", ", columns.Select(c => "\"" + c + "\" VARCHAR")) + ")";
            create.ExecuteNonQuery();
        }

        using (var appender = connection.CreateAppender("responses"))
        {
            foreach (var row in data)
            {
                var r = appender.CreateRow();
                foreach (var cell in row)
                {
                    r.AppendValue(cell);
                }

                r.EndRow();
            }
        }

        using var command = connection.CreateCommand();
        command.CommandText = "SELECT * FROM (" + query.TrimEnd().TrimEnd(';') + ") ORDER BY rid";
        using var result = command.ExecuteReader();
        return Differential.ReadRows(result);
    }

    internal sealed record EngineOutput(string[] Header, List<string[]> Rows);

    /// <summary>
    /// As docs/scale.md loads a file: <c>read_csv(..., all_varchar = true)</c> into a DuckDB table, then
    /// <paramref name="query"/>; every cell of <paramref name="engine"/> (the console host's CSV of the same file) must
    /// be in the result and equal. Returns the number of rows.
    /// </summary>
    internal static int CompareOverReadCsv(string csvPath, string query, EngineOutput engine)
    {
        using var connection = new DuckDBConnection("DataSource=:memory:");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = $"CREATE TABLE responses AS SELECT * FROM read_csv('{csvPath.Replace("'", "''", StringComparison.Ordinal)}', all_varchar = true);";
        command.ExecuteNonQuery();
        command.CommandText = query;
        using var reader = command.ExecuteReader();
        var rows = ReadRows(reader);
        Assert.Equal(engine.Rows.Count, rows.Count);
        for (var r = 0; r < rows.Count; r++)
        {
            for (var c = 0; c < engine.Header.Length; c++)
            {
                Assert.True(rows[r].ContainsKey(engine.Header[c]), $"no column '{engine.Header[c]}'");
                CompareCell(engine.Header[c], engine.Rows[r][c], rows[r][engine.Header[c]], r, [], []);
            }
        }

        return rows.Count;
    }

    /// <summary>What the generated rows covered, as the engine scored them.</summary>
    internal sealed class Report(EngineOutput engine, ScoringPlan plan)
    {
        public HashSet<string> Diagnostics { get; } = new(StringComparer.Ordinal);

        public HashSet<string> Ties { get; } = new(StringComparer.Ordinal);

        public HashSet<string> Statuses { get; } = new(StringComparer.Ordinal);

        public Dictionary<string, HashSet<double>> Values { get; } = new(StringComparer.Ordinal);

        public HashSet<string> Bands { get; } = new(StringComparer.Ordinal);

        public void Add(string[] row, string[] diagnostics)
        {
            Statuses.Add(row[Array.IndexOf(engine.Header, "status")]);
            foreach (var d in diagnostics.Where(d => d.Length > 0))
            {
                Diagnostics.Add(d[..7]);
                if (d.StartsWith("RSP2015:", StringComparison.Ordinal))
                {
                    Ties.Add(d[8..]);
                }
            }

            for (var c = 0; c < engine.Header.Length; c++)
            {
                // A settled tie shows as an unrounded value exactly halfway at the decimals of the first rule applied.
                if (row[c].Length > 0 && engine.Header[c].EndsWith("_unrounded", StringComparison.Ordinal))
                {
                    var id = engine.Header[c][..^"_unrounded".Length];
                    var score = plan.Definition.Scores.First(s => s.Id == id);
                    var rule = row[Array.IndexOf(engine.Header, "diagnostics")].Contains("RSP2011:" + id, StringComparison.Ordinal) && score.Missing.Rounding is { } r ? r : score.Rounding!;
                    var x = double.Parse(row[c], CultureInfo.InvariantCulture) * Math.Pow(10, rule.Digits);
                    if (Math.Abs(x - Math.Floor(x) - 0.5) < 1e-9)
                    {
                        Ties.Add(id);
                    }
                }

                if (row[c].Length > 0 && engine.Header[c].EndsWith("_band", StringComparison.Ordinal))
                {
                    Bands.Add(engine.Header[c] + "=" + row[c]);
                }
                else if (row[c].Length > 0 && double.TryParse(row[c], NumberStyles.Float, CultureInfo.InvariantCulture, out var v))
                {
                    (Values.TryGetValue(engine.Header[c], out var set) ? set : Values[engine.Header[c]] = []).Add(v);
                }
            }
        }

        /// <summary>The edges were met: every band's lowest and highest whole value, every status, the reading diagnostics.</summary>
        public void AssertCovered(ScoringPlan plan)
        {
            Assert.Equal(["complete", "invalid", "partial"], Statuses.Order(StringComparer.Ordinal));
            foreach (var id in new[] { "RSP2001", "RSP2002", "RSP2004", "RSP2006" })
            {
                Assert.True(Diagnostics.Contains(id), $"no {id} met");
            }

            foreach (var score in plan.Definition.Scores)
            {
                if (score.Expression is null && score.Missing.MaxMissing < score.Items.Length)
                {
                    Assert.True(Diagnostics.Contains("RSP2005"), $"score '{score.Id}': too many missing never met");
                }

                if (score.Missing.Prorate)
                {
                    Assert.True(Diagnostics.Contains("RSP2011"), $"score '{score.Id}': prorating never met");
                }

                var values = Values.GetValueOrDefault(score.Id) ?? [];
                foreach (var band in score.Bands)
                {
                    Assert.True(Bands.Contains(score.Id + "_band=" + band.Label), $"score '{score.Id}': band '{band.Label}' never met");
                    // Both edges, where the score takes whole values there.
                    Assert.True(values.Contains(band.Min) || !values.Any(v => double.IsInteger(v)), $"score '{score.Id}': band '{band.Label}' lowest value {band.Min} never met");
                    var top = band.UpperExclusive ? band.Max - 1 : band.Max;
                    Assert.True(values.Contains(top) || values.Any(v => v > top && v < band.Max + (band.UpperExclusive ? 0 : 1)) || !values.Any(v => double.IsInteger(v)),
                        $"score '{score.Id}': band '{band.Label}' highest value {top} never met");
                }
            }
        }
    }
}

internal static class Paths
{
    public static string RepoRoot { get; } = FindRoot();

    /// <summary>The shipped YAML files of one kind (plugins/*/<paramref name="folder"/>/*.yaml), as repository-relative paths, in order.</summary>
    public static TheoryData<string> Shipped(string folder)
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.GetFiles(Path.Combine(RepoRoot, "plugins"), "*.yaml", SearchOption.AllDirectories)
                     .Where(f => Path.GetFileName(Path.GetDirectoryName(f)) == folder).Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetRelativePath(RepoRoot, file).Replace('\\', '/'));
        }

        return data;
    }

    private static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Instruments.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("Instruments.sln not found above " + AppContext.BaseDirectory);
    }
}
