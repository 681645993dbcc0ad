using System.Text;
using System.Text.Json;

namespace Instruments.Cli.Tests;

public sealed class ScoreTests
{
    private const string SwlsHeader = "respondent_id,swls1,swls2,swls3,swls4,swls5";
    private const string SwlsOutHeader = "respondent_id,status,total,total_band,flags,diagnostics";

    private static Task<RunResult> Score(string instrument, string stdin, params string[] more) =>
        Host.RunAsync(["score", instrument, "--input", "-", .. more], stdin, null);

    // ---- CSV ----

    [Fact]
    public async Task Csv_swls_exact_output()
    {
        var r = await Score("swls", SwlsHeader + "\nr1,5,5,5,5,5\nr2,7,7,7,7,7\n");
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal(
            SwlsOutHeader + "\r\n" +
            "r1,complete,25,Slightly satisfied,,\r\n" +
            "r2,complete,35,Extremely satisfied,,\r\n",
            r.Stdout);
    }

    [Fact]
    public async Task Csv_sample_file_scores_with_missing_and_missing_codes()
    {
        var r = await Host.RunAsync("score", "swls", "--input", "samples/swls.csv");
        Assert.True(r.ExitCode == 0, r.ToString());
        var lines = r.StdoutLines;
        Assert.Equal("respondent_id,session,date,status,total,total_band,flags,diagnostics", lines[0]);
        Assert.Equal(9, lines.Length);
        Assert.Equal("r001,1,2024-03-04,complete,25,Slightly satisfied,,", lines[1]);
        Assert.Equal("r002,1,2024-03-04,complete,35,Extremely satisfied,,", lines[2]);
        Assert.Equal("r005,1,2024-03-06,partial,,,,RSP2004:swls3;RSP2005:total", lines[5]);
        Assert.Equal("r006,2,2024-03-11,partial,,,,RSP2006:swls5;RSP2005:total", lines[6]);
        Assert.Contains("scored 8 rows", r.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Csv_phq9_sample_prorates_flags_and_reports_invalid_values()
    {
        var r = await Host.RunAsync("score", "phq-9", "--input", "samples/phq-9.csv");
        Assert.True(r.ExitCode == 1, r.ToString());
        var lines = r.StdoutLines;
        Assert.Equal("respondent_id,visit,date,status,total,total_band,flags,diagnostics", lines[0]);
        Assert.Equal("p102,baseline,2024-05-02,complete,3,Minimal,item9_positive,", lines[2]);
        Assert.Equal("p103,baseline,2024-05-03,partial,7.875,Mild,,RSP2004:phq9_4;RSP2011:total", lines[3]);
        Assert.Equal("p104,baseline,2024-05-03,partial,,,item9_positive,RSP2004:phq9_3;RSP2004:phq9_4;RSP2004:phq9_5;RSP2005:total", lines[4]);
        Assert.StartsWith("p105,week4,2024-05-30,invalid,", lines[5], StringComparison.Ordinal);
        Assert.Contains("RSP2001:phq9_2", lines[5], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Csv_malformed_rows_keep_row_count_and_name_the_line()
    {
        var input = SwlsHeader + "\n" +
                    "r1,5,5,5,5,5\n" +           // line 2
                    "r2,5,5,5\n" +               // line 3: too few fields
                    "r3,\"bad\"x,5,5,5,5\n" +    // line 4: text after a closing quote
                    "r4,7,7,7,7,7\n" +           // line 5
                    "r5,\"open,5,5,5,5\n" +      // line 6: quote never closed
                    "r6,6,6,6,6,6\n";            // line 7
        var r = await Score("swls", input);
        Assert.True(r.ExitCode == 1, r.ToString());
        Assert.Equal(
            [
                SwlsOutHeader,
                "r1,complete,25,Slightly satisfied,,",
                ",invalid,,,,RSP2010:line 3",
                ",invalid,,,,RSP2010:line 4",
                "r4,complete,35,Extremely satisfied,,",
                ",invalid,,,,RSP2010:line 6",
                "r6,complete,30,Satisfied,,",
            ],
            r.StdoutLines);
    }

    [Fact]
    public async Task Csv_quoted_fields_with_commas_quotes_and_newlines_pass_through()
    {
        var r = await Score("swls", "respondent_id,note,swls1,swls2,swls3,swls4,swls5\nr1,\"a, \"\"b\"\"\nc\",5,5,5,5,5\n");
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal("respondent_id,note,status,total,total_band,flags,diagnostics\r\nr1,\"a, \"\"b\"\"\nc\",complete,25,Slightly satisfied,,\r\n", r.Stdout);
    }

    [Fact]
    public async Task Csv_unknown_columns_are_passed_through_in_input_order()
    {
        var r = await Score("swls", "site,swls1,swls2,respondent_id,swls3,swls4,swls5,wave\nA,5,5,x1,5,5,5,2\n");
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal(["site,respondent_id,wave,status,total,total_band,flags,diagnostics", "A,x1,2,complete,25,Slightly satisfied,,"], r.StdoutLines);
        Assert.DoesNotContain("RSP2003", r.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Csv_missing_item_columns_warn_once_and_make_rows_partial()
    {
        var r = await Score("swls", "respondent_id,swls1,swls2,swls3\nr1,5,5,5\nr2,6,6,6\n");
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal(
            [
                SwlsOutHeader,
                "r1,partial,,,,RSP2004:swls4;RSP2004:swls5;RSP2005:total",
                "r2,partial,,,,RSP2004:swls4;RSP2004:swls5;RSP2005:total",
            ],
            r.StdoutLines);
        var warning = Assert.Single(r.StderrLines, l => l.Contains("warning", StringComparison.Ordinal));
        Assert.Contains("swls4, swls5", warning, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Csv_empty_file_exits_2_with_one_line()
    {
        using var dir = new TempDir();
        var r = await Host.RunAsync("score", "swls", "--input", dir.File("empty.csv", string.Empty));
        Assert.Equal(2, r.ExitCode);
        Assert.Equal(string.Empty, r.Stdout);
        var line = Assert.Single(r.StderrLines);
        Assert.StartsWith("instruments: error: the input is empty", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Csv_header_only_gives_zero_rows_and_exit_0()
    {
        var r = await Score("swls", SwlsHeader + "\n");
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal([SwlsOutHeader], r.StdoutLines);
    }

    [Fact]
    public async Task Csv_with_bom_and_crlf()
    {
        using var dir = new TempDir();
        var path = dir["bom.csv"];
        var text = SwlsHeader + "\r\nr1,5,5,5,5,5\r\nr2,7,7,7,7,7\r\n";
        File.WriteAllBytes(path, [.. Encoding.UTF8.GetPreamble(), .. Encoding.UTF8.GetBytes(text)]);
        var r = await Host.RunAsync("score", "swls", "--input", path);
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal([SwlsOutHeader, "r1,complete,25,Slightly satisfied,,", "r2,complete,35,Extremely satisfied,,"], r.StdoutLines);
    }

    [Fact]
    public async Task Formulas_are_neutralised_in_text_columns_but_numbers_stay_numbers()
    {
        using var dir = new TempDir();
        var yaml = dir.File("bipolar.yaml", """
            instrument: bipolar
            version: 1.0.0
            title: Bipolar test scale
            license: { name: Test, texts: shipped }
            response_scales:
              b: { options: [ { value: -2, label: "=Very low" }, { value: -1, label: Low }, { value: 0, label: Neutral }, { value: 1, label: High }, { value: 2, label: Very high } ] }
            items:
              - { id: q1, scale: b }
              - { id: q2, scale: b }
            scores:
              - id: total
                items: [q1, q2]
                method: sum
                bands:
                  - { min: -4, max: -1, label: "-Negative" }
                  - { min: 0, max: 4, label: "@Positive" }
            """);
        var r = await Host.RunAsync(["score", yaml, "--input", "-"], "id,delta,note,q1,q2\n=cmd|' /C calc'!A0,-5,+SUM(A1),-2,-2\n@x,+3,\tx,1,1\n", null);
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal(
            [
                "id,delta,note,status,total,total_band,flags,diagnostics",
                "'=cmd|' /C calc'!A0,-5,'+SUM(A1),complete,-4,'-Negative,,",
                "'@x,+3,'\tx,complete,2,'@Positive,,",
            ],
            r.StdoutLines);
    }

    [Fact]
    public async Task Respondent_id_formula_gets_a_quote_prefix()
    {
        var r = await Score("swls", SwlsHeader + "\n=cmd,5,5,5,5,5\n");
        Assert.Equal("'=cmd,complete,25,Slightly satisfied,,", r.StdoutLines[1]);
    }

    [Fact]
    public async Task Invalid_values_give_exit_1_and_invalid_status()
    {
        var r = await Score("swls", SwlsHeader + "\nr1,5,5,5,5,5\nr2,9,5,5,5,x\n");
        Assert.True(r.ExitCode == 1, r.ToString());
        Assert.Equal("r2,invalid,,,,RSP2001:swls1;RSP2002:swls5;RSP2005:total", r.StdoutLines[2]);
    }

    // ---- JSON and NDJSON ----

    [Fact]
    public async Task Json_input_and_json_output_exact()
    {
        var input = """
            [
              { "respondent_id": "r1", "session": 1, "swls1": 5, "swls2": 5, "swls3": 5, "swls4": 5, "swls5": 5 },
              { "respondent_id": "r2", "swls1": "7", "swls2": 7, "swls3": 7, "swls4": 7, "swls5": 7, "ok": true, "n": null }
            ]
            """;
        var r = await Score("swls", input, "--input-format", "json", "--format", "json");
        Assert.True(r.ExitCode == 0, r.ToString());
        using var doc = JsonDocument.Parse(r.Stdout);
        var compact = JsonSerializer.Serialize(doc.RootElement);
        Assert.Equal(
            """{"instrument":"swls","version":"1.0.0","results":[""" +
            """{"row":1,"fields":{"respondent_id":"r1","session":1},"status":"complete","scores":{"total":25},"bands":{"total":"Slightly satisfied"},"flags":[],"diagnostics":[]},""" +
            """{"row":2,"fields":{"respondent_id":"r2","ok":true,"n":null},"status":"complete","scores":{"total":35},"bands":{"total":"Extremely satisfied"},"flags":[],"diagnostics":[]}]}""",
            compact);
    }

    [Fact]
    public async Task Json_sample_file_to_csv()
    {
        var r = await Host.RunAsync("score", "swls", "--input", "samples/swls.json");
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal("respondent_id,session,status,total,total_band,flags,diagnostics", r.StdoutLines[0]);
        Assert.Equal("r001,1,complete,25,Slightly satisfied,,", r.StdoutLines[1]);
        Assert.Equal(5, r.StdoutLines.Length);
    }

    [Fact]
    public async Task Json_malformed_elements_keep_row_count_and_name_the_line()
    {
        var input = "[\n" +
                    "{\"id\":\"a\",\"swls1\":5,\"swls2\":5,\"swls3\":5,\"swls4\":5,\"swls5\":5},\n" + // line 2
                    "{\"id\":\"b\" \"oops\"},\n" +                                             // line 3: broken
                    "{\"id\":\"c\",\"swls1\":[5]},\n" +                                         // line 4: array value
                    "42,\n" +                                                                   // line 5: not an object
                    "{\"id\":\"d\",\"swls1\":7,\"swls2\":7,\"swls3\":7,\"swls4\":7,\"swls5\":7}\n" + // line 6
                    "]\n";
        var r = await Score("swls", input, "--input-format", "json", "--format", "ndjson");
        Assert.True(r.ExitCode == 1, r.ToString());
        var rows = r.StdoutLines.Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(5, rows.Count);
        Assert.Equal([1, 2, 3, 4, 5], rows.Select(x => x.GetProperty("row").GetInt32()));
        Assert.Equal(["complete", "invalid", "invalid", "invalid", "complete"], rows.Select(x => x.GetProperty("status").GetString()));
        foreach (var (row, line) in new[] { (1, 3), (2, 4), (3, 5) })
        {
            var d = Assert.Single(rows[row].GetProperty("diagnostics").EnumerateArray());
            Assert.Equal("RSP2010", d.GetProperty("id").GetString());
            Assert.StartsWith($"Line {line}: ", d.GetProperty("message").GetString(), StringComparison.Ordinal);
            Assert.Equal(JsonValueKind.Null, rows[row].GetProperty("scores").GetProperty("total").ValueKind);
        }

        Assert.Equal(35, rows[4].GetProperty("scores").GetProperty("total").GetDouble());
    }

    [Fact]
    public async Task Ndjson_input_exact_output()
    {
        var input = "{\"respondent_id\":\"r1\",\"swls1\":5,\"swls2\":5,\"swls3\":5,\"swls4\":5,\"swls5\":5}\r\n" +
                    "\n" +
                    "{\"respondent_id\":\"r2\",\"swls1\":7,\"swls2\":7,\"swls3\":7,\"swls4\":7,\"swls5\":-99}\n";
        var r = await Score("swls", input, "--input-format", "ndjson", "--format", "ndjson");
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal(
            [
                """{"row":1,"fields":{"respondent_id":"r1"},"status":"complete","scores":{"total":25},"bands":{"total":"Slightly satisfied"},"flags":[],"diagnostics":[]}""",
                """{"row":2,"fields":{"respondent_id":"r2"},"status":"partial","scores":{"total":null},"bands":{"total":null},"flags":[],"diagnostics":[{"id":"RSP2006","severity":"info","item":"swls5","message":"Item 'swls5': missing code -99 (not answered)"},{"id":"RSP2005","severity":"warning","score":"total","message":"Score 'total' not computed: 1 of its 5 items missing, at most 0 allowed"}]}""",
            ],
            r.StdoutLines);
    }

    [Fact]
    public async Task Ndjson_malformed_lines_keep_row_count_and_name_the_line()
    {
        var input = "{\"id\":\"a\",\"swls1\":5,\"swls2\":5,\"swls3\":5,\"swls4\":5,\"swls5\":5}\n" + // line 1
                    "{\"id\":\"b\", broken\n" +                                                 // line 2
                    "{\"id\":\"c\",\"swls1\":{\"x\":1}}\n" +                                    // line 3
                    "{\"id\":\"d\",\"swls1\":7,\"swls2\":7,\"swls3\":7,\"swls4\":7,\"swls5\":7}\n"; // line 4
        var r = await Score("swls", input, "--input-format", "ndjson");
        Assert.True(r.ExitCode == 1, r.ToString());
        Assert.Equal(
            [
                "id,status,total,total_band,flags,diagnostics",
                "a,complete,25,Slightly satisfied,,",
                ",invalid,,,,RSP2010:line 2",
                ",invalid,,,,RSP2010:line 3",
                "d,complete,35,Extremely satisfied,,",
            ],
            r.StdoutLines);
    }

    [Fact]
    public async Task Ndjson_sample_with_prorating_and_flag()
    {
        var r = await Host.RunAsync("score", "phq-9", "--input", "samples/phq-9.ndjson", "--format", "json");
        Assert.True(r.ExitCode == 1, r.ToString());
        using var doc = JsonDocument.Parse(r.Stdout);
        var results = doc.RootElement.GetProperty("results");
        Assert.Equal("phq-9", doc.RootElement.GetProperty("instrument").GetString());
        Assert.Equal(4, results.GetArrayLength());
        Assert.Equal("item9_positive", Assert.Single(results[1].GetProperty("flags").EnumerateArray()).GetString());
        Assert.Equal(7.875, results[2].GetProperty("scores").GetProperty("total").GetDouble());
        Assert.Equal("total", Assert.Single(results[2].GetProperty("prorated").EnumerateArray()).GetString());
        Assert.False(results[0].TryGetProperty("prorated", out _));
        Assert.Equal("invalid", results[3].GetProperty("status").GetString());
    }

    // ---- files, streams, errors ----

    [Fact]
    public async Task Stdin_to_stdout_has_nothing_but_results_on_stdout()
    {
        var r = await Score("swls", SwlsHeader + "\nr1,5,5,5,5,5\n", "--output", "-", "--quiet");
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal(SwlsOutHeader + "\r\nr1,complete,25,Slightly satisfied,,\r\n", r.Stdout);
        Assert.Equal(string.Empty, r.Stderr);
    }

    [Fact]
    public async Task Output_file_is_written_completely_and_atomically()
    {
        using var dir = new TempDir();
        var input = dir.File("in.csv", SwlsHeader + "\nr1,5,5,5,5,5\n");
        var output = dir["out.json"];
        File.WriteAllText(output, "old content");
        var r = await Host.RunAsync("score", "swls", "--input", input, "--output", output);
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal(string.Empty, r.Stdout);
        using var doc = JsonDocument.Parse(File.ReadAllText(output));   // format from the extension
        Assert.Equal(25, doc.RootElement.GetProperty("results")[0].GetProperty("scores").GetProperty("total").GetDouble());
        Assert.Equal(["in.csv", "out.json"], Directory.GetFiles(dir.Path).Select(Path.GetFileName).Order());
    }

    [Fact]
    public async Task Output_folder_that_does_not_exist_exits_2_and_writes_nothing()
    {
        using var dir = new TempDir();
        var input = dir.File("in.csv", SwlsHeader + "\nr1,5,5,5,5,5\n");
        var r = await Host.RunAsync("score", "swls", "--input", input, "--output", Path.Combine(dir.Path, "missing", "out.csv"));
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("does not exist", Assert.Single(r.StderrLines), StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(dir.Path, "missing")));
        Assert.Equal(["in.csv"], Directory.GetFiles(dir.Path).Select(Path.GetFileName));
    }

    [Fact]
    public async Task Failed_run_leaves_no_output_file()
    {
        using var dir = new TempDir();
        var input = dir.File("in.csv", string.Empty);
        var r = await Host.RunAsync("score", "swls", "--input", input, "--output", dir["out.csv"]);
        Assert.Equal(2, r.ExitCode);
        Assert.Equal(["in.csv"], Directory.GetFiles(dir.Path).Select(Path.GetFileName));
    }

    [Fact]
    public async Task Missing_input_file_is_one_line()
    {
        var r = await Host.RunAsync("score", "swls", "--input", "no-such-file.csv");
        Assert.Equal(2, r.ExitCode);
        Assert.Equal(["instruments: error: input file 'no-such-file.csv' does not exist"], r.StderrLines);
    }

    [Fact]
    public async Task Unknown_instrument_suggests_close_ids_and_lists_available()
    {
        var r = await Host.RunAsync("score", "swl", "--input", "samples/swls.csv");
        Assert.Equal(2, r.ExitCode);
        var line = Assert.Single(r.StderrLines);
        Assert.Contains("unknown instrument 'swl'; did you mean 'swls'", line, StringComparison.Ordinal);
        Assert.Contains("phq-9, shs, swls", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Instrument_file_with_errors_exits_2()
    {
        using var dir = new TempDir();
        var yaml = dir.File("bad.yaml", "instrument: bad\nversion: 1.0.0\n");
        var r = await Host.RunAsync("score", yaml, "--input", "samples/swls.csv");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("error INS1011", r.Stderr, StringComparison.Ordinal);
        Assert.Equal(string.Empty, r.Stdout);
    }

    [Fact]
    public async Task Unknown_option_is_one_line_plus_usage_and_exit_2()
    {
        var r = await Host.RunAsync("score", "swls", "--input", "samples/swls.csv", "--fromat", "json");
        Assert.Equal(2, r.ExitCode);
        Assert.Equal(2, r.StderrLines.Length);
        Assert.Equal("instruments: error: unknown option '--fromat' for 'score'; did you mean '--format'?", r.StderrLines[0]);
        Assert.StartsWith("usage: instruments score", r.StderrLines[1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Plugins_folder_adds_instruments()
    {
        using var dir = new TempDir();
        dir.File("mine/plugin.yaml", "id: mine\nversion: 1.0.0\nsdk: \">=0.1.0 <1.0.0\"\n");
        dir.File("mine/instruments/two.yaml", """
            instrument: two
            version: 1.0.0
            title: Two items
            license: { name: Test, texts: shipped }
            response_scales:
              yn: { options: [ { value: 0, label: No }, { value: 1, label: Yes } ] }
            items:
              - { id: a, scale: yn }
              - { id: b, scale: yn }
            scores:
              - { id: total, items: [a, b], method: sum }
            """);
        var r = await Host.RunAsync(["score", "two", "--input", "-", "--plugins", dir.Path], "a,b\n1,1\n", null);
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal(["status,total,flags,diagnostics", "complete,2,,"], r.StdoutLines);
        var env = await Host.RunAsync(["list", "--format", "json"], null, null, new Dictionary<string, string?> { ["INSTRUMENTS_PLUGINS"] = dir.Path });
        Assert.Contains("\"two\"", env.Stdout, StringComparison.Ordinal);

        // A folder of loose YAML files (no manifest) works too.
        var loose = await Host.RunAsync(["score", "two", "--input", "-", "--plugins", dir["mine/instruments"]], "a,b\n1,0\n", null);
        Assert.True(loose.ExitCode == 0, loose.ToString());
        Assert.Equal(["status,total,flags,diagnostics", "complete,1,,"], loose.StdoutLines);
    }

    [Fact]
    public async Task Large_input_streams_one_output_row_per_input_row()
    {
        const int rows = 200_000;
        using var dir = new TempDir();
        var input = dir["big.csv"];
        using (var w = new StreamWriter(input))
        {
            w.Write("respondent_id,swls1,swls2,swls3,swls4,swls5\n");
            for (var i = 0; i < rows; i++)
            {
                var v = (i % 7) + 1;
                w.Write($"r{i},{v},{v},{v},{v},{v}\n");
            }
        }

        var output = dir["big.out.csv"];
        var r = await Host.RunAsync("score", "swls", "--input", input, "--output", output, "--quiet");
        Assert.True(r.ExitCode == 0, r.ToString());
        var count = 0;
        string? last = null;
        foreach (var line in File.ReadLines(output))
        {
            count++;
            last = line;
        }

        Assert.Equal(rows + 1, count);
        Assert.StartsWith($"r{rows - 1},complete,{(((rows - 1) % 7) + 1) * 5},", last, StringComparison.Ordinal);
    }
}
