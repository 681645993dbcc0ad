using Instruments.Definitions;

namespace Instruments.Compiler.Tests.Schemas;

/// <summary>
/// The schema and the compiler agree. Every shipped instrument and protocol file names its schema on its first line and
/// validates against it; a corpus of structural mistakes is rejected by both, and a set of valid variants accepted by
/// both.
/// </summary>
/// <remarks>
/// The boundary: the schema checks structure, what the readers check (unknown keys INS1010, missing keys INS1011,
/// value types INS1012, words INS1016, and the readers' shape checks INS1079, INS1086, INS1122, INS1153), plus the
/// binder's id and version patterns (INS1014, INS1015), which an editor can show as the user types. It does not check
/// meaning: references (an unknown item or scale, INS1020-), band ranges and gaps (INS1050-), change-rule values
/// (INS1080-), examples' results, sources (INS1070): a file the schema accepts may still fail to compile for those.
/// Known divergences, left out of the corpus: the compiler reads every scalar as text, so a quoted number or boolean
/// ("5", "true") passes the compiler but not the schema, and YAML 1.2 spellings the compiler does not take
/// (True, 1e3, 5.0 for an integer) pass the schema but not the compiler.
/// </remarks>
public sealed class SchemaAgreementTests
{
    private const string Instrument = "instrument.schema.json";
    private const string Protocol = "protocol.schema.json";
    private const string Texts = "texts.schema.json";

    public static TheoryData<string> ShippedFiles()
    {
        var root = SchemaValidation.RepoRoot();
        var data = new TheoryData<string>();
        foreach (var folder in new[] { "plugins", "samples" })
        {
            foreach (var file in Directory.EnumerateFiles(Path.Combine(root, folder), "*.yaml", SearchOption.AllDirectories)
                         .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                                     && !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                                     && Path.GetFileName(f) != "plugin.yaml")
                         .Order(StringComparer.Ordinal))
            {
                data.Add(Path.GetRelativePath(root, file).Replace('\\', '/'));
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(ShippedFiles))]
    public void ShippedFile_NamesItsSchemaOnTheFirstLine_AndValidates(string relative)
    {
        var file = Path.Combine(SchemaValidation.RepoRoot(), relative);
        var text = File.ReadAllText(file);
        var kind = ProtocolCompiler.IsProtocol(text) ? Protocol : Instrument;
        Assert.Equal(SchemaValidation.SchemaPath(kind), SchemaValidation.ModelineTarget(file));
        Assert.Null(SchemaValidation.Errors(kind, text));
    }

    [Fact]
    public void ThereAreShippedFiles() => Assert.True(ShippedFiles().Count >= 14);

    // ---- instrument files ----

    private const string Base = """
        instrument: demo
        version: 1.0.0
        title: Demo
        license:
          name: Test licence
          texts: shipped
        response_scales:
          freq:
            options:
              - { value: 0, label: Never }
              - { value: 1, label: Sometimes }
              - { value: 2, label: Often }
        items:
          - { id: mood, scale: freq }
          - { id: sleep, scale: freq }
        scores:
          - id: total
            items: [mood, sleep]
            method: sum
            sources: [Test manual]
            bands:
              - { min: 0, max: 1, label: Low }
              - { min: 2, max: 4, label: High }

        """;

    private const string Total = "    method: sum\n";

    /// <summary>(case, text to find in the base, its replacement, the compiler's diagnostic).</summary>
    public static TheoryData<string, string, string, string> InstrumentMistakes() => new()
    {
        { "unknown top-level key", "title: Demo\n", "title: Demo\ncolour: red\n", "INS1010" },
        { "unknown item key", "{ id: mood, scale: freq }", "{ id: mood, scale: freq, revers: true }", "INS1010" },
        { "unknown band key", "{ min: 0, max: 1, label: Low }", "{ min: 0, max: 1, label: Low, colour: red }", "INS1010" },
        { "unknown rounding key", Total, Total + "    rounding: { method: none, digit: 1 }\n", "INS1010" },
        { "unknown license key", "  texts: shipped\n", "  texts: shipped\n  licence: MIT\n", "INS1010" },
        { "missing title", "title: Demo\n", "", "INS1011" },
        { "missing license", "license:\n  name: Test licence\n  texts: shipped\n", "", "INS1011" },
        { "missing item scale", "{ id: sleep, scale: freq }", "{ id: sleep }", "INS1011" },
        { "missing option label", "{ value: 2, label: Often }", "{ value: 2 }", "INS1011" },
        { "score without method or expression", Total, "", "INS1011" },
        { "band without max or below", "{ min: 2, max: 4, label: High }", "{ min: 2, label: High }", "INS1011" },
        { "rounding without method", Total, Total + "    rounding: { ties: half-up }\n", "INS1011" },
        { "change without direction", Total, Total + "    change: { caseness: { min: 2, sources: [x] } }\n", "INS1011" },
        { "flag without when", "", "flags:\n  - { id: f1, severity: info }\n", "INS1011" },
        { "option value not an integer", "{ value: 2, label: Often }", "{ value: two, label: Often }", "INS1012" },
        { "option value a decimal", "{ value: 2, label: Often }", "{ value: 2.5, label: Often }", "INS1012" },
        { "items not a list", "items: [mood, sleep]", "items: mood", "INS1012" },
        { "title a mapping", "title: Demo", "title: { en: Demo }", "INS1012" },
        { "empty title", "title: Demo", "title:", "INS1012" },
        { "reverse not a boolean", "{ id: mood, scale: freq }", "{ id: mood, scale: freq, reverse: yes }", "INS1012" },
        { "band min not a number", "{ min: 0, max: 1, label: Low }", "{ min: zero, max: 1, label: Low }", "INS1012" },
        { "rounding a word other than none", Total, Total + "    rounding: nearest\n", "INS1012" },
        { "missing_codes not integers", "title: Demo\n", "title: Demo\nmissing_codes: [n/a]\n", "INS1012" },
        { "unknown method", "method: sum", "method: total", "INS1016" },
        { "unknown licence texts", "texts: shipped", "texts: public", "INS1016" },
        { "unknown respondent", "title: Demo\n", "title: Demo\nrespondent: parent\n", "INS1016" },
        { "unknown tie rule", Total, Total + "    rounding: { method: nearest, ties: up, sources: [m] }\n", "INS1016" },
        { "unknown direction", Total, Total + "    change: { direction: down }\n", "INS1016" },
        { "unknown flag severity", "", "flags:\n  - { id: f1, when: \"mood > 1\", severity: high, sources: [m] }\n", "INS1016" },
        { "band with both max and below", "{ min: 2, max: 4, label: High }", "{ min: 2, max: 4, below: 5, label: High }", "INS1153" },
        { "fixed rule with a critical value", Total,
            Total + "    change:\n      direction: lower-is-better\n      reliable_change:\n        - { id: rc, method: fixed, threshold: 2, critical: 1.96, sources: [m] }\n",
            "INS1086" },
        { "rupture sd neither client nor a number", Total,
            Total + "    change:\n      direction: higher-is-better\n      ruptures:\n        - { id: drop, k: 2, sd: own, sources: [m] }\n", "INS1122" },
        { "series example with responses", "",
            "examples:\n  - name: s\n    source: s\n    responses: { mood: 1 }\n    series:\n      - { occasion: \"1\", responses: { mood: 1, sleep: 1 } }\n    expect: { total: { first: 2 } }\n",
            "INS1079" },
        { "instrument id with capitals", "instrument: demo", "instrument: Demo", "INS1014" },
        { "item id starting with a digit", "{ id: sleep, scale: freq }", "{ id: 2sleep, scale: freq }", "INS1014" },
        { "version not semantic", "version: 1.0.0", "version: v1", "INS1015" },
    };

    [Theory]
    [MemberData(nameof(InstrumentMistakes))]
    public void InstrumentMistake_IsRejectedByTheSchemaAndTheCompiler(string name, string find, string replace, string id)
    {
        var text = Apply(Base, find, replace);
        var compilation = InstrumentCompiler.Compile(text, "mistake.yaml");
        var errors = compilation.Diagnostics.Where(d => d.IsError).ToList();
        Assert.True(errors.Any(d => d.Id == id), $"{name}: the compiler gave [{string.Join("; ", errors)}], not {id}");
        Assert.True(SchemaValidation.Errors(Instrument, text) is not null, $"{name}: the schema accepts what the compiler rejects ({id})");
    }

    public static TheoryData<string, string, string> InstrumentVariants() => new()
    {
        { "the base", "", "" },
        { "optional top-level keys", "title: Demo\n",
            "title: Demo\ncitation: A manual\nrespondent: client\nlanguage: en\ninstructions: Answer all\nnotes: \"\"\nmissing_codes: [-99, 9]\n" },
        { "licence url and notice", "  texts: shipped\n", "  texts: shipped\n  url: https://example.org\n  notice: (c) the authors\n" },
        { "item text and switches", "{ id: mood, scale: freq }", "{ id: mood, scale: freq, text: \"How is your mood?\", reverse: true, optional: false, keep: false }" },
        { "numbers and booleans as text", "{ value: 1, label: Sometimes }", "{ value: 1, label: 2020 }" },
        { "rounding none", Total, Total + "    rounding: none\n" },
        { "rounding rule", Total, Total + "    rounding: { method: nearest, ties: half-up, digits: 0, sources: [Manual] }\n" },
        { "missing rule with rounding", Total,
            Total + "    missing: { max: 1, prorate: true, rounding: { method: nearest, ties: half-even, sources: [m] }, sources: [m] }\n" },
        { "half-open band", "{ min: 0, max: 1, label: Low }", "{ min: 0, below: 2, label: Low, description: Few symptoms }" },
        { "derived score", "      - { min: 2, max: 4, label: High }\n",
            "      - { min: 2, max: 4, label: High }\n  - { id: double, title: Twice, expression: \"total * 2\" }\n" },
        { "flag", "", "flags:\n  - { id: f1, when: \"mood >= 2\", severity: critical, message: Ask, sources: [m] }\n" },
        { "change rules", Total, Total + """
                change:
                  direction: lower-is-better
                  caseness: { min: 2, sources: [m] }
                  reliable_change:
                    - { id: jt, method: jacobson-truax, sd: 1.5, reliability: 0.8, critical: 1.96, sources: [m] }
                    - { id: rc, method: fixed, threshold: 2, sources: [m] }
                  clinical_significance:
                    functional: { mean: 0.5, sd: 0.5 }
                    dysfunctional: { mean: 3, sd: 1 }
                    cutoff: c
                    reliable_change: jt
                    sources: [m]
                  sudden_gains: { cutoff: 2, relative: 0.25, stability: true, sources: [m] }

            """ },
        { "rupture rules", Total, Total + """
                change:
                  direction: higher-is-better
                  ruptures:
                    - { id: sd-client, k: 2, sd: client, sources: [m] }
                    - { id: sd-stated, k: 1, sd: 0.9, sources: [m] }
                    - { id: points, points: 2, repair_within: 3, sources: [m] }

            """ },
        { "responses example", "", """
            examples:
              - name: all often
                source: computed
                responses: { mood: 2, sleep: null }
                expect:
                  status: partial
                  scores: { total: null }
                  unrounded: { total: null }
                  bands: { total: null }
                  flags: []
                  unevaluated_flags: []
                  prorated: []
                  diagnostics: [RSP2004]

            """ },
        { "series example", "      - { min: 2, max: 4, label: High }\n", "      - { min: 2, max: 4, label: High }\n" + """
                change:
                  direction: lower-is-better
                  caseness: { min: 2, sources: [m] }
                  reliable_change:
                    - { id: rc, method: fixed, threshold: 2, sources: [m] }
            examples:
              - name: course
                source: computed
                series:
                  - { occasion: "1", responses: { mood: 2, sleep: 2 } }
                  - { occasion: "2", responses: { mood: 0, sleep: 0 } }
                expect:
                  total:
                    first: 4
                    last: 0
                    change: -4
                    case_first: true
                    case_last: false
                    reliable_change: { rc: improved }
                    sudden_gains: null
                    sudden_losses: []

            """ },
    };

    [Theory]
    [MemberData(nameof(InstrumentVariants))]
    public void InstrumentVariant_IsAcceptedByTheSchemaAndTheCompiler(string name, string find, string replace)
    {
        var text = Apply(Base, find, replace);
        var compilation = InstrumentCompiler.Compile(text, "variant.yaml");
        Assert.True(!compilation.Diagnostics.Any(d => d.IsError), $"{name}: the compiler rejects it: {string.Join("; ", compilation.Diagnostics.Where(d => d.IsError))}");
        Assert.Null(SchemaValidation.Errors(Instrument, text));
    }

    // ---- protocol files ----

    private const string ProtocolBase = """
        protocol: pair
        version: 1.0.0
        title: Pair
        measures:
          - { id: dep, instrument: dep, score: total, reliable_change: rc }
          - { id: anx, instrument: anx, score: total }

        """;

    public static TheoryData<string, string, string, string> ProtocolMistakes() => new()
    {
        { "unknown top-level key", "title: Pair\n", "title: Pair\nmeasure: []\n", "INS1010" },
        { "unknown measure key", "score: total }", "score: total, rule: rc }", "INS1010" },
        { "missing measures", "measures:\n  - { id: dep, instrument: dep, score: total, reliable_change: rc }\n  - { id: anx, instrument: anx, score: total }\n", "", "INS1011" },
        { "measure without score", "{ id: anx, instrument: anx, score: total }", "{ id: anx, instrument: anx }", "INS1011" },
        { "outcome without when", "", "outcomes:\n  - { id: o1, sources: [m] }\n", "INS1011" },
        { "measures a mapping", "measures:\n", "measures: { }\nx:\n", "INS1012" },
        { "early_sessions not a whole number", "", "alliance_outcome: { alliance: dep, outcome: anx, early_sessions: three }\n", "INS1142" },
    };

    [Theory]
    [MemberData(nameof(ProtocolMistakes))]
    public void ProtocolMistake_IsRejectedByTheSchemaAndTheCompiler(string name, string find, string replace, string id)
    {
        var text = Apply(ProtocolBase, find, replace);
        var compilation = ProtocolCompiler.Compile(InstrumentSource.FromText(text, "p.yaml"), ProtocolTestInstruments.All);
        var errors = compilation.Diagnostics.Where(d => d.IsError).ToList();
        Assert.True(errors.Any(d => d.Id == id), $"{name}: the compiler gave [{string.Join("; ", errors)}], not {id}");
        Assert.True(SchemaValidation.Errors(Protocol, text) is not null, $"{name}: the schema accepts what the compiler rejects ({id})");
    }

    public static TheoryData<string, string, string> ProtocolVariants() => new()
    {
        { "the base", "", "" },
        { "optional keys", "title: Pair\n", "title: Pair\ncitation: A paper\nnotes: Nothing left out\n" },
        { "outcomes", "", "outcomes:\n  - { id: either, title: A case, when: dep_case_first or anx_case_first, sources: [m] }\n" },
    };

    [Theory]
    [MemberData(nameof(ProtocolVariants))]
    public void ProtocolVariant_IsAcceptedByTheSchemaAndTheCompiler(string name, string find, string replace)
    {
        var text = Apply(ProtocolBase, find, replace);
        var compilation = ProtocolCompiler.Compile(InstrumentSource.FromText(text, "p.yaml"), ProtocolTestInstruments.All);
        Assert.True(!compilation.Diagnostics.Any(d => d.IsError), $"{name}: the compiler rejects it: {string.Join("; ", compilation.Diagnostics.Where(d => d.IsError))}");
        Assert.Null(SchemaValidation.Errors(Protocol, text));
    }

    // ---- texts files ----

    private const string TextsBase = """
        instrument: demo
        version: 1.0.0
        language: en
        instructions: Answer every question.
        texts:
          mood: How is your mood?
          sleep: How do you sleep?

        """;

    public static TheoryData<string, string, string, string> TextsMistakes() => new()
    {
        { "unknown key", "language: en\n", "language: en\nlang: en\n", "INS1010" },
        { "missing texts", "texts:\n  mood: How is your mood?\n  sleep: How do you sleep?\n", "", "INS1011" },
        { "missing instrument", "instrument: demo\n", "", "INS1011" },
        { "texts a list", "texts:\n  mood: How is your mood?\n  sleep: How do you sleep?\n", "texts: [a, b]\n", "INS1012" },
        { "an empty text", "sleep: How do you sleep?", "sleep:", "INS1012" },
        { "empty language", "language: en", "language: \"\"", "INS1012" },
    };

    [Theory]
    [MemberData(nameof(TextsMistakes))]
    public void TextsMistake_IsRejectedByTheSchemaAndTheReader(string name, string find, string replace, string id)
    {
        var text = Apply(TextsBase, find, replace);
        var applied = InstrumentTexts.Apply(DemoDefinition(), text, "demo.texts.yaml");
        Assert.True(applied.Diagnostics.Any(d => d.IsError && d.Id == id), $"{name}: the reader gave [{string.Join("; ", applied.Diagnostics)}], not {id}");
        Assert.True(SchemaValidation.Errors(Texts, text) is not null, $"{name}: the schema accepts what the reader rejects ({id})");
    }

    [Theory]
    [InlineData("the base", "", "")]
    [InlineData("only the required keys", "version: 1.0.0\nlanguage: en\ninstructions: Answer every question.\n", "")]
    public void TextsVariant_IsAcceptedByTheSchemaAndTheReader(string name, string find, string replace)
    {
        var text = Apply(TextsBase, find, replace);
        var applied = InstrumentTexts.Apply(DemoDefinition(), text, "demo.texts.yaml");
        Assert.True(!applied.Diagnostics.Any(d => d.IsError), $"{name}: the reader rejects it: {string.Join("; ", applied.Diagnostics)}");
        Assert.Null(SchemaValidation.Errors(Texts, text));
    }

    private static InstrumentDefinition DemoDefinition() =>
        InstrumentCompiler.Compile(Base, "demo.yaml").Definitions.Single();

    private static string Apply(string text, string find, string replace)
    {
        text = text.Replace("\r\n", "\n", StringComparison.Ordinal);
        if (find.Length == 0)
        {
            return text + replace;
        }

        Assert.True(text.Contains(find, StringComparison.Ordinal), "the base has no '" + find + "'");
        var at = text.IndexOf(find, StringComparison.Ordinal);
        return text[..at] + replace + text[(at + find.Length)..];
    }
}
