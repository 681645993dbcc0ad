// The embedding sample (docs/embedding.md walks through it). It references the SDK as NuGet packages, as an
// application outside this repository does; samples/embedding/run.sh packs the SDK and runs it. Each numbered
// section does one step, checks its own result ("ok" or "FAIL"), and the program exits with 1 when any check fails.
using Instruments.Compiler;
using Instruments.Data;
using Instruments.Diagnostics;
using Instruments.Expressions;
using Instruments.Hosting;
using Instruments.Plugins;
using Instruments.Reports;
using Instruments.Scoring;

var failures = 0;
void Check(bool ok, string what)
{
    Console.WriteLine((ok ? "ok    " : "FAIL  ") + what);
    failures += ok ? 0 : 1;
}

var work = Directory.CreateTempSubdirectory("instruments-embedding-");
try
{
    // ---- 1. Compile an instrument from a YAML string, with a function registered in C# ----------------------------
    var functions = ScoringFunctions.Empty.Add(SamplePlugin.PercentOf);
    var compilation = InstrumentCompiler.Compile(Mood.Yaml, "mood.yaml", functions: functions);
    foreach (var d in compilation.Diagnostics)
        Console.Error.WriteLine(d);                     // mood.yaml(12,7): warning INS1054: ...
    if (compilation.HasErrors) return 1;
    var plan = compilation.CreatePlan("acme.mood").Plan!;   // once; immutable, share it between threads
    Check(compilation.Diagnostics.IsEmpty, $"1. compiled '{plan.Definition.Id}' from a string with percent_of() from C#");

    // A mistake in the YAML is a diagnostic with a position, never an exception.
    var broken = InstrumentCompiler.Compile(Mood.Yaml.Replace("reverse: true", "revers: true"), "broken.yaml");
    var typo = broken.Diagnostics.FirstOrDefault(d => d.Id == "INS1010");
    Check(broken.HasErrors && typo is { Location.Line: > 0 }, $"1. a typo is a diagnostic: {typo}");

    // ---- 2. The same function from a plugin object, with its analyzer: plugins run through InstrumentHostBuilder --
    var host = new InstrumentHostBuilder()
        .AddPlugin(new SamplePlugin(), "sample")        // the application's own plugin: no folder, manifest or loading
        .AddInstrument(InstrumentSource.FromText(Mood.Yaml, "mood.yaml"))
        .Build();                                       // never throws for a plugin's or a text's mistakes
    foreach (var d in host.Diagnostics)
        Console.Error.WriteLine(d);                     // mood.yaml(1,13): warning SMP0001: Instrument 'acme.mood' ...
    var noCitation = host.Diagnostics.FirstOrDefault(d => d.Id == SamplePlugin.NoCitation.Id);
    Check(!host.HasErrors && noCitation is { Location.Line: > 0, Location.Path: "mood.yaml" },
        $"2. the plugin's analyzer ran on the instrument: {noCitation}");
    var hostPlan = host.Find("acme.mood")?.Plan;
    Check(hostPlan is not null && hostPlan.IndexOfScore("percent") >= 0, "2. the host compiled it with the plugin's percent_of()");

    // ---- 3. Score an array of values, into a reused result ---------------------------------------------------------
    var result = plan.CreateResult();                   // one per thread; reuse it for every response
    var total = plan.IndexOfScore("total");
    var percent = plan.IndexOfScore("percent");
    ResponseValue[] answers = [ResponseValue.FromInteger(1), ResponseValue.FromInteger(3), ResponseValue.FromInteger(3), ResponseValue.FromInteger(0)];
    plan.Score(answers, result);                        // values in item order; allocates nothing
    Check(result.Status == ResponseStatus.Complete && result.GetScore(total) == 9 && result.GetBand(total) == "Moderate"
        && result.GetScore(percent) == 56.25, $"3. array scored: total {result.GetScore(total)} ({result.GetBand(total)}), {result.GetScore(percent)}%");

    answers[1] = ResponseValue.FromInteger(9);          // not an option of the 0-4 scale
    plan.Score(answers, result);
    foreach (var d in result.Diagnostics)
        Console.WriteLine($"      {d.Id} {result.FormatMessage(d)}");
    Check(result.Status == ResponseStatus.Invalid && result.Diagnostics.ToArray().Any(d => d.Id == "RSP2001"),
        "3. an invalid value is a diagnostic on the result (RSP2001), not an exception");

    // ---- 4. Score a dictionary that also carries pass-through keys ------------------------------------------------
    var response = new Dictionary<string, string?>
    {
        ["respondent_id"] = "c07", ["visit"] = "week8", ["mood1"] = "0", ["mood2"] = "3", ["mood3"] = "4", ["mood4"] = "1",
    };
    string[] passThrough = ["respondent_id", "visit"];
    plan.Score(response, passThrough, result);          // into the reused result; declared keys are not RSP2003
    Check(result.Status == ResponseStatus.Complete && result.GetScore(total) == 12 && result.GetBand(total) == "High"
        && !result.Diagnostics.ToArray().Any(d => d.Id == "RSP2003"),
        $"4. dictionary scored: total {result.GetScore(total)} ({result.GetBand(total)}), pass-through keys not RSP2003");

    var withTypo = new Dictionary<string, string?>(response) { ["mood5"] = "2" };
    var typoResult = plan.Score(withTypo, passThrough);  // a new result each call: convenient, allocating
    Check(typoResult.Diagnostics.ToArray().Count(d => d.Id == "RSP2003") == 1, "4. a key that is neither an item nor declared is RSP2003");

    // ---- 5. Read flags ---------------------------------------------------------------------------------------------
    var selfHarm = plan.IndexOfFlag("self_harm");
    Check(result.GetFlag(selfHarm) == FlagState.Raised, $"5. flag '{plan.Definition.Flags[selfHarm].Id}' raised");

    var unknownFlag = plan.CreateResult();
    plan.Score([ResponseValue.FromInteger(2), ResponseValue.FromInteger(2), ResponseValue.FromInteger(2), ResponseValue.Missing], unknownFlag);
    Check(unknownFlag.GetFlag(selfHarm) == FlagState.Unknown && unknownFlag.Diagnostics.ToArray().Any(d => d.Id == "RSP2008"),
        "5. a flag whose input is missing is Unknown (RSP2008): check by hand");

    // ---- 6. Render a Markdown report of the response scored from the dictionary ------------------------------------
    var reportResponse = ReportResponse.Create(result, row: 1, response);   // copies the result: reuse it after
    var model = ReportModel.Create(plan, [reportResponse], combined: false);
    var renderer = new ReportRenderer();                // limits and clock; one for the application
    var rendering = renderer.Render(renderer.GetBuiltIn(ReportFormat.Markdown), model);
    foreach (var d in rendering.Diagnostics)
        Console.Error.WriteLine(d);                     // template mistakes and exceeded limits: TPL4xxx
    var markdown = rendering.Text ?? string.Empty;     // null when rendering failed
    Check(rendering.Succeeded && markdown.Contains("c07", StringComparison.Ordinal) && markdown.Contains("week8", StringComparison.Ordinal)
        && markdown.Contains("High", StringComparison.Ordinal) && markdown.Contains("Ask about self-harm today.", StringComparison.Ordinal),
        $"6. Markdown report rendered ({rendering.Text?.Length} characters)");

    // ---- 7. Read a CSV file and write results, row by row (ResponseReader + ResultWriter) ------------------------
    var csvPath = Path.Combine(AppContext.BaseDirectory, "responses.csv");
    var rowByRow = new MemoryStream();
    var counted = new int[3];
    using (var reader = ResponseReader.Open(File.OpenRead(csvPath), DataFormat.Csv, plan, w => Console.Error.WriteLine(w)))
    {
        var writer = new ResultWriter(ResultFormat.CreateCsv(plan, reader.Columns!, positional: true), rowByRow);
        var row = new ResponseRow(plan);                // reused for every row, like the result
        while (reader.Read(row))
        {
            row.Score(plan, result);                    // a row that could not be read becomes invalid (RSP2010)
            counted[(int)result.Status]++;
            writer.Write(row, result);
        }

        writer.Complete();
    }

    var lines = System.Text.Encoding.UTF8.GetString(rowByRow.ToArray()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
    foreach (var line in lines)
        Console.WriteLine("      " + line);
    Check(lines.Length == 7 && lines[0].StartsWith("respondent_id,visit,status,total,total_band,percent", StringComparison.Ordinal)
        && counted is [3, 1, 2], $"7. CSV read and written row by row: {lines.Length - 1} rows, {counted[0]} complete, {counted[1]} partial, {counted[2]} invalid");

    // ---- 8. Score a whole file on all cores, output in input order (ScoringPipeline), written atomically ----------
    var scoredPath = Path.Combine(work.FullName, "scored.csv");
    using (var reader = ResponseReader.Open(File.OpenRead(csvPath), DataFormat.Csv, plan))
    using (var output = OutputFile.Create(scoredPath))  // a temporary file until Commit
    {
        var pipeline = new ScoringPipeline(plan, reader);
        var format = ResultFormat.CreateCsv(plan, pipeline.DiscoverColumns(), positional: true);
        var counts = pipeline.Run(format, output.Stream, new ScoringPipelineOptions { Warnings = w => Console.Error.WriteLine(w) });
        output.Commit();
        Check(counts == new ScoreCounts(3, 1, 2), $"8. pipeline scored {counts.Total} rows: {counts.Complete} complete, {counts.Partial} partial, {counts.Invalid} invalid");
    }

    Check(File.ReadAllBytes(scoredPath).AsSpan().SequenceEqual(rowByRow.ToArray()), "8. the pipeline wrote the same bytes as the row-by-row loop");
}
finally
{
    work.Delete(recursive: true);
}

Console.WriteLine(failures == 0 ? "embedding sample: all checks passed" : $"embedding sample: {failures} check(s) failed");
return failures == 0 ? 0 : 1;

/// <summary>The sample's instrument, as the YAML text an application might keep in a database.</summary>
internal static class Mood
{
    public const string Yaml = """
        instrument: acme.mood
        version: 1.0.0
        title: ACME mood check (a made-up instrument for the embedding sample)
        license: { name: Made up for this sample; free to use, texts: shipped }
        respondent: client
        language: en
        response_scales:
          freq5:
            options:
              - { value: 0, label: Never }
              - { value: 1, label: Rarely }
              - { value: 2, label: Sometimes }
              - { value: 3, label: Often }
              - { value: 4, label: Always }
        items:
          - { id: mood1, scale: freq5, reverse: true, text: I felt cheerful. }
          - { id: mood2, scale: freq5, text: I felt low. }
          - { id: mood3, scale: freq5, text: I felt worried. }
          - { id: mood4, scale: freq5, text: I thought about harming myself. }
        scores:
          - id: total
            title: Distress
            items: [mood1, mood2, mood3, mood4]
            method: sum
            missing: { max: 0 }
            sources: [made up for the embedding sample]
            bands:
              - { min: 0, max: 5, label: Low }
              - { min: 6, max: 10, label: Moderate }
              - { min: 11, max: 16, label: High }
          - id: percent
            title: Distress, percent of the maximum
            expression: "percent_of(total, 16)"
            sources: [made up for the embedding sample]
        flags:
          - id: self_harm
            when: "mood4 >= 1"
            severity: critical
            message: Ask about self-harm today.
            sources: [made up for the embedding sample]
        """;
}

/// <summary>
/// A compiled plugin, as a third party would ship it: a function YAML expressions can call and an analyzer that
/// checks every loaded definition.
/// </summary>
public sealed class SamplePlugin : InstrumentPlugin
{
    /// <summary><c>percent_of(x, max)</c>: x as a percentage of max. Pure: no state, no I/O, no allocation.</summary>
    public static readonly ScoringFunction PercentOf = new("percent_of", 2, 2, a => a[0] * 100 / a[1], resultMin: 0, resultMax: 100);

    /// <summary>The analyzer's diagnostic.</summary>
    public static readonly DiagnosticDescriptor NoCitation = new(
        "SMP0001", "No citation", "Instrument '{0}' cites no source", "Sample", DiagnosticSeverity.Warning);

    /// <inheritdoc />
    public override System.Collections.Immutable.ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => [NoCitation];

    /// <inheritdoc />
    public override void Initialize(PluginContext context)
    {
        context.RegisterFunction(PercentOf);
        context.RegisterDefinitionAnalyzer(c =>
        {
            if (c.Definition.Citation is null)
                c.ReportDiagnostic(NoCitation, "instrument", c.Definition.Id);
        });
    }
}
