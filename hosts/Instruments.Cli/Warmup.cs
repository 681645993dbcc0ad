using Instruments.Compiler;

namespace Instruments.Cli;

/// <summary>
/// Compiles a small built-in definition on a background thread as the host starts, for the commands that compile
/// instruments. The compilers' code runs for the first time there, on the second core, while the main thread parses
/// the command line and reads the plugin manifests: the runtime's first-call work (type loading, binding precompiled
/// code, jitting generic code that could not be precompiled) is then mostly done when the command compiles its own
/// instruments. The result is thrown away; nothing is registered, read or written.
/// </summary>
internal static class Warmup
{
    private static readonly string[] Compiling = ["score", "track", "agree", "report", "describe", "validate", "test", "sql", "export", "list"];

    /// <summary>A definition with the parts the shipped ones use: scales with codes, a sum with a missing rule, bands, a flag, change rules and an example.</summary>
    internal const string Yaml = """
        instrument: instruments-warm-up
        version: 1.0.0
        title: Warm-up
        citation: none
        license: { name: none, texts: shipped }
        respondent: client
        missing_codes: [-99]
        response_scales:
          four:
            options:
              - { value: 0, label: Not at all, code: { system: http://loinc.org, code: LA6568-5, sources: [none] } }
              - { value: 1, label: Several days }
              - { value: 2, label: More than half the days }
              - { value: 3, label: Nearly every day }
        items:
          - { id: w1, scale: four, text: one }
          - { id: w2, scale: four }
          - { id: w3, scale: four }
        scores:
          - id: total
            items: [w1, w2, w3]
            method: sum
            missing: { max: 0, sources: [none] }
            sources: [none]
            bands:
              - { min: 0, max: 4, label: Low }
              - { min: 5, max: 9, label: High }
            change:
              direction: lower-is-better
              caseness: { min: 5, sources: [none] }
              reliable_change:
                - { id: fixed, method: fixed, threshold: 3, sources: [none] }
                - { id: jt, method: jacobson-truax, sd: 2.5, reliability: 0.8, sources: [none] }
        flags:
          - { id: w3_positive, when: "w3 >= 1", severity: critical, message: w3, sources: [none] }
        examples:
          - name: low
            source: none
            responses: { w1: 0, w2: 1, w3: 0 }
            expect: { status: complete, scores: { total: 1 }, bands: { total: Low }, flags: [] }
        """;

    /// <summary>Starts the warm-up when <paramref name="args"/> name a command that compiles instruments (and not only its help).</summary>
    public static void Start(string[] args)
    {
        if (args.Length == 0 || !Compiling.Contains(args[0], StringComparer.Ordinal) || args.Contains("--help") || args.Contains("-h"))
        {
            return;
        }

        var thread = new Thread(() =>
        {
            try
            {
                InstrumentCompiler.Compile(Yaml, "instruments-warm-up.yaml");
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                // Only a head start.
            }
        })
        { IsBackground = true, Name = "instruments: warm-up" };
        thread.Start();
    }
}
