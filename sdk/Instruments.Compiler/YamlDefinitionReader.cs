using System.Collections.Immutable;
using System.Globalization;
using Instruments.Course;
using Instruments.Definitions;
using Instruments.Diagnostics;
using Instruments.Scoring;
using Instruments.Text;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Instruments.Compiler;

/// <summary>
/// Binds the YAML node tree to an <see cref="InstrumentDefinition"/> by hand (the typed deserializer would lose
/// positions): checks keys (unknown, missing, duplicate) and value types, and records every node's location.
/// Values are read as strings and converted explicitly, so <c>no</c> never becomes <c>false</c>.
/// </summary>
internal sealed class YamlDefinitionReader(string path, YamlSourceLocator locator, List<Diagnostic> diagnostics)
{
    internal static readonly string[] TopKeys =
        ["instrument", "version", "title", "citation", "license", "respondent", "counterpart", "language", "instructions", "notes",
         "missing_codes", "response_scales", "items", "scores", "flags", "examples", "code"];

    internal static readonly string[] LicenseKeys = ["name", "texts", "url", "notice"];
    internal static readonly string[] CounterpartKeys = ["instrument", "scores"];
    internal static readonly string[] ScaleKeys = ["options"];
    internal static readonly string[] OptionKeys = ["value", "label", "code"];
    internal static readonly string[] ItemKeys = ["id", "text", "scale", "reverse", "optional", "keep", "code"];
    internal static readonly string[] ScoreKeys = ["id", "title", "items", "method", "expression", "missing", "rounding", "bands", "sources", "change", "code"];
    internal static readonly string[] CodeKeys = ["system", "code", "display", "sources"];
    internal static readonly string[] MissingKeys = ["max", "prorate", "rounding", "sources"];
    internal static readonly string[] RoundingKeys = ["method", "ties", "digits", "sources"];
    internal static readonly string[] BandKeys = ["min", "max", "below", "label", "description"];
    internal static readonly string[] ChangeKeys = ["direction", "caseness", "reliable_change", "clinical_significance", "sudden_gains", "ruptures"];

    internal static readonly string[] RuptureKeys = ["id", "k", "sd", "points", "repair_within", "sources"];
    internal static readonly string[] CasenessKeys = ["min", "max", "sources"];
    internal static readonly string[] ReliableChangeKeys = ["id", "method", "threshold", "sd", "reliability", "critical", "sources"];
    internal static readonly string[] ClinicalKeys = ["functional", "dysfunctional", "cutoff", "reliable_change", "sources"];
    internal static readonly string[] NormKeys = ["mean", "sd"];
    internal static readonly string[] SuddenGainKeys = ["cutoff", "reliable_change", "relative", "stability", "sources"];
    internal static readonly string[] FlagKeys = ["id", "when", "severity", "message", "sources"];
    internal static readonly string[] ExampleKeys = ["name", "source", "responses", "series", "expect"];
    internal static readonly string[] AdministrationKeys = ["occasion", "responses"];
    internal static readonly string[] CourseExpectKeys =
        ["first", "last", "change", "case_first", "case_last", "recovered", "reliable_change", "category", "sudden_gains", "sudden_losses",
         "ruptures", "repairs", "early_slope"];
    internal static readonly string[] ExpectKeys = ["status", "scores", "unrounded", "bands", "flags", "unevaluated_flags", "prorated", "diagnostics"];

    private bool _failed;
    private bool _incomplete;

    /// <summary>True when the reader reported an error (the definition, if any, must not be scored).</summary>
    public bool Failed => _failed;

    /// <summary>
    /// True when every error the reader reported was contained (an unknown key, an optional value of the wrong type
    /// left at its default): the definition read is whole, so the binder's checks of references, scores and bands
    /// are still meaningful and run in the same pass. False when something was dropped or a required value is
    /// missing, which would make the binder report follow-on errors.
    /// </summary>
    public bool CanBind => !_incomplete;

    public InstrumentDefinition? Read(YamlNode root)
    {
        var top = Map(root, "the instrument file", string.Empty, TopKeys);
        if (top is null)
        {
            return null;
        }

        var id = top.RequiredString("instrument", "instrument") ?? string.Empty;
        var version = top.RequiredString("version", "version") ?? string.Empty;
        var title = top.RequiredString("title", "title") ?? string.Empty;
        var license = ReadLicense(top);
        var scales = ReadScales(top);
        var items = ReadList(top, "items", "items", required: true, ReadItem);
        var scores = ReadList(top, "scores", "scores", required: true, ReadScore);
        var flags = ReadList(top, "flags", "flags", required: false, ReadFlag);
        var (examples, courseExamples) = ReadExamples(top);
        var missingCodes = ReadIntList(top, "missing_codes", "missing_codes");
        Respondent? respondent = top.Enum<Respondent>("respondent", "respondent", RespondentNames);
        var counterpart = ReadCounterpart(top);

        if (license is null)
        {
            _incomplete = true;
            return null;
        }

        return new InstrumentDefinition
        {
            Id = id,
            Version = version,
            Title = title,
            Citation = top.OptionalString("citation", "citation"),
            License = license,
            Respondent = respondent,
            Counterpart = counterpart,
            Language = top.OptionalString("language", "language"),
            Instructions = top.OptionalString("instructions", "instructions"),
            Notes = top.OptionalString("notes", "notes"),
            Code = ReadCode(top, "code"),
            MissingCodes = missingCodes,
            ResponseScales = scales,
            Items = items,
            Scores = scores,
            Flags = flags,
            Examples = examples,
            CourseExamples = courseExamples,
        };
    }

    internal static readonly (string Name, Respondent Value)[] RespondentNames =
        [("client", Respondent.Client), ("therapist", Respondent.Therapist), ("observer", Respondent.Observer), ("other", Respondent.Other)];

    internal static readonly (string Name, TextLicense Value)[] TextLicenseNames =
        [("shipped", TextLicense.Shipped), ("restricted", TextLicense.Restricted)];

    internal static readonly (string Name, ScoreMethod Value)[] MethodNames =
        [("sum", ScoreMethod.Sum), ("mean", ScoreMethod.Mean)];

    internal static readonly (string Name, RoundingMethod Value)[] RoundingMethodNames =
        [("nearest", RoundingMethod.Nearest), ("none", RoundingMethod.None)];

    internal static readonly (string Name, RoundingTies Value)[] RoundingTiesNames =
        [("half-up", RoundingTies.HalfUp), ("half-down", RoundingTies.HalfDown), ("half-even", RoundingTies.HalfEven),
         ("half-away-from-zero", RoundingTies.HalfAwayFromZero), ("unstated", RoundingTies.Unstated)];

    internal static readonly (string Name, ChangeDirection Value)[] DirectionNames =
        [("lower-is-better", ChangeDirection.LowerIsBetter), ("higher-is-better", ChangeDirection.HigherIsBetter)];

    internal static readonly (string Name, ReliableChangeMethod Value)[] ReliableChangeMethodNames =
        [("fixed", ReliableChangeMethod.Fixed), ("jacobson-truax", ReliableChangeMethod.JacobsonTruax)];

    internal static readonly (string Name, ClinicalCutoff Value)[] CutoffNames = [("a", ClinicalCutoff.A), ("c", ClinicalCutoff.C)];

    internal static readonly (string Name, ResponseStatus Value)[] StatusNames =
        [("complete", ResponseStatus.Complete), ("partial", ResponseStatus.Partial), ("invalid", ResponseStatus.Invalid)];

    internal static readonly (string Name, FlagSeverity Value)[] SeverityNames =
        [("critical", FlagSeverity.Critical), ("warning", FlagSeverity.Warning), ("info", FlagSeverity.Info)];

    private LicenseInfo? ReadLicense(MapReader top)
    {
        var node = top.Required("license", "license");
        if (node is null)
        {
            return null;
        }

        var map = Map(node, "'license'", "license", LicenseKeys);
        if (map is null)
        {
            return null;
        }

        var name = map.RequiredString("name", "license.name");
        var texts = map.Enum("texts", "license.texts", TextLicenseNames, required: true);
        return new LicenseInfo
        {
            Name = name ?? string.Empty,
            Texts = texts ?? TextLicense.Shipped,
            Url = map.OptionalString("url", "license.url"),
            Notice = map.OptionalString("notice", "license.notice"),
        };
    }

    /// <summary>
    /// Reads <c>counterpart: { instrument: ID, scores: { THIS_SCORE: COUNTERPART_SCORE, ... } }</c> as written; the binder
    /// checks this instrument's side (INS1130-INS1132, INS1138), <c>InstrumentPairing.Resolve</c> the counterpart's.
    /// </summary>
    private CounterpartDeclaration? ReadCounterpart(MapReader top)
    {
        if (top.Get("counterpart") is not { } node)
        {
            return null;
        }

        Record("counterpart", node);
        var map = Map(node, "'counterpart'", "counterpart", CounterpartKeys);
        if (map is null)
        {
            return null;
        }

        var instrument = map.RequiredString("instrument", "counterpart.instrument");
        var scoresNode = map.Required("scores", "counterpart.scores");
        var pairs = ImmutableArray.CreateBuilder<ScorePairing>();
        if (scoresNode is YamlMappingNode scores)
        {
            foreach (var (keyNode, valueNode) in scores.Children)
            {
                if (keyNode is not YamlScalarNode { Value: { Length: > 0 } score })
                {
                    WrongType("a score id in 'counterpart.scores'", "text", keyNode);
                    continue;
                }

                if (valueNode is not YamlScalarNode { Value: { Length: > 0 } other })
                {
                    WrongType("'counterpart.scores." + score + "'", "the id of the counterpart's score", valueNode);
                    continue;
                }

                var pairPath = "counterpart.scores." + score;
                Record(pairPath, keyNode);
                Record(pairPath + ".value", valueNode);
                pairs.Add(new ScorePairing { Score = score, CounterpartScore = other, Location = Span(keyNode) });
            }
        }
        else if (scoresNode is not null)
        {
            WrongType("counterpart.scores", "a mapping from this instrument's score id to the counterpart's score id", scoresNode);
        }

        return instrument is null ? null : new CounterpartDeclaration { Instrument = instrument, Scores = pairs.ToImmutable(), Location = Span(map.Get("instrument")!) };
    }

    private ImmutableArray<ResponseScale> ReadScales(MapReader top)
    {
        var node = top.Required("response_scales", "response_scales");
        if (node is null)
        {
            return [];
        }

        if (node is not YamlMappingNode mapping)
        {
            WrongType("response_scales", "a mapping from scale id to its options", node);
            return [];
        }

        var result = ImmutableArray.CreateBuilder<ResponseScale>();
        foreach (var (keyNode, valueNode) in mapping.Children)
        {
            if (keyNode is not YamlScalarNode { Value: { } scaleId })
            {
                WrongType("a response scale id", "text", keyNode);
                continue;
            }

            var scalePath = "response_scales." + scaleId;
            locator.Record(scalePath, Span(keyNode));
            var map = Map(valueNode, $"response scale '{scaleId}'", scalePath, ScaleKeys);
            if (map is null)
            {
                continue;
            }

            var options = ReadList(map, "options", scalePath + ".options", required: true, (n, p) =>
            {
                var o = Map(n, "a response option", p, OptionKeys);
                if (o is null)
                {
                    return null;
                }

                var value = o.RequiredInt("value", p + ".value");
                var label = o.RequiredString("label", p + ".label");
                return value is null || label is null ? null : new ResponseOption { Value = value.Value, Label = label, Code = ReadCode(o, p + ".code") };
            });
            result.Add(new ResponseScale { Id = scaleId, Options = options });
        }

        return result.ToImmutable();
    }

    private ItemDefinition? ReadItem(YamlNode node, string itemPath)
    {
        var map = Map(node, "an item", itemPath, ItemKeys);
        if (map is null)
        {
            return null;
        }

        var id = map.RequiredString("id", itemPath + ".id");
        var scale = map.RequiredString("scale", itemPath + ".scale");
        var reverse = map.Bool("reverse", itemPath + ".reverse") ?? false;
        var optional = map.Bool("optional", itemPath + ".optional") ?? false;
        var keep = map.Bool("keep", itemPath + ".keep") ?? false;
        var text = map.OptionalString("text", itemPath + ".text");
        return id is null || scale is null ? null
            : new ItemDefinition { Id = id, Scale = scale, Reverse = reverse, Optional = optional, Keep = keep, Text = text, Code = ReadCode(map, itemPath + ".code") };
    }

    private ScoreDefinition? ReadScore(YamlNode node, string scorePath)
    {
        var map = Map(node, "a score", scorePath, ScoreKeys);
        if (map is null)
        {
            return null;
        }

        var id = map.RequiredString("id", scorePath + ".id");
        var expression = map.OptionalString("expression", scorePath + ".expression");
        var method = map.Enum("method", scorePath + ".method", MethodNames, contained: false);
        var hasItems = map.Has("items");
        var items = ReadStringList(map, "items", scorePath + ".items");
        if (expression is null && method is null && id is not null && !map.Has("method"))
        {
            // A sum/mean score must say which; an expression score needs no method. A method that is present but
            // invalid has already been reported (INS1016).
            if (hasItems)
            {
                MissingKey(map, "method", $"score '{id}'");
            }
            else
            {
                MissingKey(map, "items", $"score '{id}' (or give it an 'expression')");
            }
        }

        var missing = MissingRule.None;
        if (map.Get("missing") is { } missingNode)
        {
            var m = Map(missingNode, "'missing'", scorePath + ".missing", MissingKeys);
            if (m is not null)
            {
                missing = new MissingRule
                {
                    MaxMissing = m.Int("max", scorePath + ".missing.max") ?? 0,
                    Prorate = m.Bool("prorate", scorePath + ".missing.prorate") ?? false,
                    Rounding = m.Get("rounding") is { } r ? ReadRounding(r, scorePath + ".missing.rounding") : null,
                    Sources = ReadSources(m, scorePath + ".missing.sources"),
                };
            }
        }

        var bands = ReadList(map, "bands", scorePath + ".bands", required: false, (n, p) =>
        {
            var b = Map(n, "a band", p, BandKeys);
            if (b is null)
            {
                return null;
            }

            var min = b.RequiredNumber("min", p + ".min");
            var label = b.RequiredString("label", p + ".label");

            // The upper bound is 'max' (inclusive, as manuals print bands) or 'below' (exclusive: a half-open band).
            double? max, below = null;
            if (b.Has("below"))
            {
                below = b.Number("below", p + ".below");
                max = b.Has("max") ? b.Number("max", p + ".max") : null;
                if (max is not null && below is not null)
                {
                    Report(InstrumentDiagnostics.BandBothUpperBounds, Span(b.Get("below")!), id ?? "?", label ?? "?",
                        DefinitionBinder.FormatNumber(max.Value), DefinitionBinder.FormatNumber(below.Value));
                    return null;
                }
            }
            else
            {
                max = b.RequiredNumber("max", p + ".max");
            }

            var upper = below ?? max;
            return min is null || upper is null || label is null ? null
                : new Band
                {
                    Min = min.Value, Max = upper.Value, UpperExclusive = below is not null, Label = label,
                    Description = b.OptionalString("description", p + ".description"),
                };
        });

        return id is null ? null : new ScoreDefinition
        {
            Id = id,
            Title = map.OptionalString("title", scorePath + ".title"),
            Method = expression is not null && method is null ? ScoreMethod.Expression : method ?? ScoreMethod.Sum,
            Items = items,
            Expression = expression,
            Missing = missing,
            Rounding = map.Get("rounding") is { } roundingNode ? ReadRounding(roundingNode, scorePath + ".rounding") : null,
            Bands = bands,
            Sources = ReadSources(map, scorePath + ".sources"),
            Code = ReadCode(map, scorePath + ".code"),
            Change = map.Get("change") is { } changeNode ? ReadChange(changeNode, scorePath + ".change", id) : null,
        };
    }

    /// <summary>
    /// Reads a rounding rule: the word <c>none</c>, or a mapping <c>{ method, ties, digits, sources }</c>. The binder
    /// checks what the values mean (INS1150-INS1152); an unknown method or tie rule is INS1016 here.
    /// </summary>
    private RoundingRule? ReadRounding(YamlNode node, string roundingPath)
    {
        if (node is YamlScalarNode { Value: "none" })
        {
            Record(roundingPath, node);
            return RoundingRule.None;
        }

        var m = Map(node, "'rounding'", roundingPath, RoundingKeys);
        if (m is null)
        {
            _incomplete = true;
            return null;
        }

        var method = m.Enum("method", roundingPath + ".method", RoundingMethodNames, required: true);
        if (method is null)
        {
            return null;
        }

        return new RoundingRule
        {
            Method = method.Value,
            Ties = m.Enum("ties", roundingPath + ".ties", RoundingTiesNames, contained: false) ?? RoundingTies.Unspecified,
            Digits = m.Int("digits", roundingPath + ".digits") ?? 0,
            Sources = ReadSources(m, roundingPath + ".sources"),
        };
    }

    /// <summary>
    /// Reads a score's <c>change</c> mapping as written; the binder checks what the values mean (INS1080-INS1093).
    /// Null (and the reader incomplete) when a required value is missing or has the wrong type.
    /// </summary>
    private ChangeRules? ReadChange(YamlNode node, string changePath, string? scoreId)
    {
        var what = scoreId is null ? "'change'" : $"the change rules of score '{scoreId}'";
        var map = Map(node, what, changePath, ChangeKeys);
        if (map is null)
        {
            _incomplete = true;
            return null;
        }

        var direction = map.Enum("direction", changePath + ".direction", DirectionNames, required: true);
        CasenessRule? caseness = null;
        if (map.Get("caseness") is { } casenessNode && Map(casenessNode, "'caseness'", changePath + ".caseness", CasenessKeys) is { } c)
        {
            caseness = new CasenessRule
            {
                Min = c.Number("min", changePath + ".caseness.min"),
                Max = c.Number("max", changePath + ".caseness.max"),
                Sources = ReadSources(c, changePath + ".caseness.sources"),
            };
        }

        var rules = ReadList(map, "reliable_change", changePath + ".reliable_change", required: false,
            (n, p) => ReadReliableChange(n, p, scoreId ?? string.Empty));
        ClinicalSignificanceRule? clinical = null;
        if (map.Get("clinical_significance") is { } clinicalNode)
        {
            clinical = ReadClinicalSignificance(clinicalNode, changePath + ".clinical_significance");
        }

        SuddenGainRule? sudden = null;
        if (map.Get("sudden_gains") is { } suddenNode
            && Map(suddenNode, "'sudden_gains'", changePath + ".sudden_gains", SuddenGainKeys) is { } g)
        {
            var p = changePath + ".sudden_gains";
            sudden = new SuddenGainRule
            {
                Cutoff = g.Number("cutoff", p + ".cutoff"),
                ReliableChange = g.OptionalString("reliable_change", p + ".reliable_change"),
                Relative = g.Number("relative", p + ".relative") ?? 0.25,
                Stability = g.Bool("stability", p + ".stability") ?? true,
                Sources = ReadSources(g, p + ".sources"),
            };
        }

        var ruptures = ReadList(map, "ruptures", changePath + ".ruptures", required: false,
            (n, p) => ReadRupture(n, p, scoreId ?? string.Empty));
        if (direction is null)
        {
            return null;
        }

        return new ChangeRules
        {
            Direction = direction.Value,
            Caseness = caseness,
            ReliableChange = rules,
            ClinicalSignificance = clinical,
            SuddenGains = sudden,
            Ruptures = ruptures,
        };
    }

    /// <summary>
    /// Reads one rupture rule. <c>sd</c> is <c>client</c> or a number, and <c>repair_within</c> a whole number: other
    /// values are INS1122 and INS1123 here, where the file shows them; the binder checks the rest (INS1120-INS1124).
    /// </summary>
    private RuptureRule? ReadRupture(YamlNode node, string rulePath, string scoreId)
    {
        var map = Map(node, "a rupture rule", rulePath, RuptureKeys);
        if (map is null)
        {
            return null;
        }

        var id = map.RequiredString("id", rulePath + ".id");
        var k = map.Number("k", rulePath + ".k");
        var points = map.Number("points", rulePath + ".points");
        var clientSd = false;
        double? sd = null;
        if (map.Get("sd") is { } sdNode)
        {
            Record(rulePath + ".sd", sdNode);
            if (sdNode is YamlScalarNode { Value: "client" })
            {
                clientSd = true;
            }
            else if (sdNode is YamlScalarNode sdScalar && TryNumber(sdScalar.Value, out var stated))
            {
                sd = stated;
            }
            else
            {
                Report(InstrumentDiagnostics.InvalidRuptureSd, Span(sdNode), scoreId, id ?? string.Empty,
                    $"'sd' is {Describe(sdNode)}; it must be 'client' (the client's own series SD) or a positive number (a stated sample SD)");
            }
        }

        int? within = null;
        if (map.Get("repair_within") is { } withinNode)
        {
            Record(rulePath + ".repair_within", withinNode);
            if (withinNode is YamlScalarNode withinScalar && TryNumber(withinScalar.Value, out var w)
                && w == Math.Floor(w) && w >= int.MinValue && w <= int.MaxValue)
            {
                within = (int)w;
            }
            else
            {
                Report(InstrumentDiagnostics.InvalidRepairWindow, Span(withinNode), scoreId, id ?? string.Empty, Describe(withinNode));
            }
        }

        if (id is null)
        {
            return null;
        }

        return new RuptureRule
        {
            Id = id,
            K = k,
            ClientSd = clientSd,
            Sd = sd,
            Points = points,
            RepairWithin = within,
            Sources = ReadSources(map, rulePath + ".sources"),
        };
    }

    private ReliableChangeRule? ReadReliableChange(YamlNode node, string rulePath, string scoreId)
    {
        var map = Map(node, "a reliable-change rule", rulePath, ReliableChangeKeys);
        if (map is null)
        {
            return null;
        }

        var id = map.RequiredString("id", rulePath + ".id");
        var method = map.Enum("method", rulePath + ".method", ReliableChangeMethodNames, required: true);
        var threshold = map.Number("threshold", rulePath + ".threshold");
        var sd = map.Number("sd", rulePath + ".sd");
        var reliability = map.Number("reliability", rulePath + ".reliability");
        var critical = map.Number("critical", rulePath + ".critical");
        if (id is null || method is null)
        {
            return null;
        }

        if (method == ReliableChangeMethod.Fixed && critical is not null && map.Get("critical") is { } criticalNode)
        {
            // The model cannot tell "critical: 1.96" from the default; the file can, and a fixed rule has no critical value.
            Report(InstrumentDiagnostics.ParameterOfOtherMethod, Span(criticalNode), scoreId, id, "fixed", "critical", "jacobson-truax");
        }

        return new ReliableChangeRule
        {
            Id = id,
            Method = method.Value,
            Threshold = threshold,
            Sd = sd,
            Reliability = reliability,
            Critical = critical ?? 1.96,
            Sources = ReadSources(map, rulePath + ".sources"),
        };
    }

    private ClinicalSignificanceRule? ReadClinicalSignificance(YamlNode node, string clinicalPath)
    {
        var map = Map(node, "'clinical_significance'", clinicalPath, ClinicalKeys);
        if (map is null)
        {
            _incomplete = true;
            return null;
        }

        (double? Mean, double? Sd) Norm(string key)
        {
            var normNode = map.Required(key, clinicalPath + "." + key);
            if (normNode is null || Map(normNode, "'" + key + "'", clinicalPath + "." + key, NormKeys) is not { } n)
            {
                _incomplete = true;
                return (null, null);
            }

            return (n.RequiredNumber("mean", clinicalPath + "." + key + ".mean"), n.RequiredNumber("sd", clinicalPath + "." + key + ".sd"));
        }

        var functional = Norm("functional");
        var dysfunctional = Norm("dysfunctional");
        var cutoff = map.Enum("cutoff", clinicalPath + ".cutoff", CutoffNames, contained: false);
        var rule = map.RequiredString("reliable_change", clinicalPath + ".reliable_change");
        if (functional.Mean is not { } m0 || functional.Sd is not { } s0 || dysfunctional.Mean is not { } m1
            || dysfunctional.Sd is not { } s1 || rule is null || (cutoff is null && map.Has("cutoff")))
        {
            _incomplete = true;
            return null;
        }

        return new ClinicalSignificanceRule
        {
            FunctionalMean = m0,
            FunctionalSd = s0,
            DysfunctionalMean = m1,
            DysfunctionalSd = s1,
            Cutoff = cutoff ?? ClinicalCutoff.C,
            ReliableChange = rule,
            Sources = ReadSources(map, clinicalPath + ".sources"),
        };
    }

    private FlagDefinition? ReadFlag(YamlNode node, string flagPath)
    {
        var map = Map(node, "a flag", flagPath, FlagKeys);
        if (map is null)
        {
            return null;
        }

        var id = map.RequiredString("id", flagPath + ".id");
        var when = map.RequiredString("when", flagPath + ".when");
        var severity = map.Enum("severity", flagPath + ".severity", SeverityNames) ?? FlagSeverity.Warning;
        return id is null || when is null ? null
            : new FlagDefinition
            {
                Id = id, When = when, Severity = severity, Message = map.OptionalString("message", flagPath + ".message"),
                Sources = ReadSources(map, flagPath + ".sources"),
            };
    }

    /// <summary>
    /// Reads a <c>code: { system, code, display, sources }</c> mapping, or null when the key is absent. A missing
    /// <c>system</c> or <c>code</c> is left empty for the binder to report (INS1170), so a definition built in C# is
    /// checked the same way.
    /// </summary>
    private CodeDeclaration? ReadCode(MapReader owner, string codePath)
    {
        if (owner.Get("code") is not { } node || Map(node, "'code'", codePath, CodeKeys) is not { } m)
        {
            return null;
        }

        return new CodeDeclaration
        {
            System = m.OptionalString("system", codePath + ".system") ?? string.Empty,
            Code = m.OptionalString("code", codePath + ".code") ?? string.Empty,
            Display = m.OptionalString("display", codePath + ".display"),
            Sources = ReadSources(m, codePath + ".sources"),
        };
    }

    private ImmutableArray<string> ReadSources(MapReader map, string listPath) =>
        ReadStringList(map, "sources", listPath, "a citation or URL", "a list of citations or URLs");

    private InstrumentExample? ReadExample(YamlNode node, string examplePath)
    {
        var map = Map(node, "an example", examplePath, ExampleKeys);
        if (map is null)
        {
            return null;
        }

        var name = map.RequiredString("name", examplePath + ".name");
        var source = map.RequiredString("source", examplePath + ".source");
        var responses = ImmutableDictionary.CreateBuilder<string, string?>(StringComparer.Ordinal);
        if (map.Get("responses") is { } responsesNode)
        {
            ReadScalarMap(responsesNode, "responses", examplePath + ".responses", "a value (a number, a code, text or null)", (key, value) =>
            {
                responses[key] = IsNull(value) ? null : value.Value;
                return true;
            });
        }

        var expectNode = map.Required("expect", examplePath + ".expect");
        var expect = expectNode is null ? null : ReadExpectation(expectNode, examplePath + ".expect");
        return name is null || source is null || expect is null ? null
            : new InstrumentExample { Name = name, Source = source, Responses = responses.ToImmutable(), Expect = expect };
    }

    /// <summary>An expectation's map of score id to number or null (<c>scores</c>, <c>unrounded</c>).</summary>
    private ImmutableDictionary<string, double?> ReadNumbers(MapReader map, string key, string expectPath)
    {
        var numbers = ImmutableDictionary.CreateBuilder<string, double?>(StringComparer.Ordinal);
        if (map.Get(key) is { } node)
        {
            ReadScalarMap(node, key, expectPath + "." + key, "a number or null", (k, value) =>
            {
                if (IsNull(value))
                {
                    numbers[k] = null;
                    return true;
                }

                if (TryNumber(value.Value, out var number))
                {
                    numbers[k] = number;
                    return true;
                }

                return false;
            });
        }

        return numbers.ToImmutable();
    }

    private ExampleExpectation? ReadExpectation(YamlNode node, string expectPath)
    {
        var map = Map(node, "'expect'", expectPath, ExpectKeys);
        if (map is null)
        {
            return null;
        }

        var scores = ReadNumbers(map, "scores", expectPath);
        var unrounded = ReadNumbers(map, "unrounded", expectPath);

        var bands = ImmutableDictionary.CreateBuilder<string, string?>(StringComparer.Ordinal);
        if (map.Get("bands") is { } bandsNode)
        {
            ReadScalarMap(bandsNode, "bands", expectPath + ".bands", "a band label or null", (key, value) =>
            {
                bands[key] = IsNull(value) ? null : value.Value;
                return true;
            });
        }

        ImmutableArray<string>? Ids(string key, string expected) =>
            map.Has(key) ? ReadStringList(map, key, expectPath + "." + key, expected, "a list of " + expected + "s") : null;

        return new ExampleExpectation
        {
            Status = map.Enum("status", expectPath + ".status", StatusNames),
            Scores = scores,
            Unrounded = unrounded,
            Bands = bands.ToImmutable(),
            Flags = Ids("flags", "flag id"),
            UnevaluatedFlags = Ids("unevaluated_flags", "flag id"),
            Prorated = Ids("prorated", "score id"),
            Diagnostics = Ids("diagnostics", "diagnostic ID") ?? [],
        };
    }

    /// <summary>
    /// Reads the <c>examples</c> list: an entry with <c>series:</c> is a <see cref="CourseExample"/> (located under
    /// <c>course_examples[j]</c>), any other an <see cref="InstrumentExample"/> (under <c>examples[k]</c>, k counting
    /// those only, so that the binder's paths name the same entries).
    /// </summary>
    private (ImmutableArray<InstrumentExample> Examples, ImmutableArray<CourseExample> Courses) ReadExamples(MapReader top)
    {
        var node = top.Get("examples");
        if (node is null)
        {
            return ([], []);
        }

        if (node is not YamlSequenceNode sequence)
        {
            WrongType("examples", "a list", node);
            return ([], []);
        }

        locator.Record("examples", Span(node));
        var examples = ImmutableArray.CreateBuilder<InstrumentExample>();
        var courses = ImmutableArray.CreateBuilder<CourseExample>();
        foreach (var child in sequence.Children)
        {
            var isSeries = child is YamlMappingNode m && m.Children.Any(p => p.Key is YamlScalarNode { Value: "series" });
            var childPath = isSeries ? $"course_examples[{courses.Count}]" : $"examples[{examples.Count}]";
            locator.Record(childPath, Span(child));
            object? read = isSeries ? ReadCourseExample(child, childPath) : ReadExample(child, childPath);
            switch (read)
            {
                case InstrumentExample example:
                    examples.Add(example);
                    break;
                case CourseExample course:
                    courses.Add(course);
                    break;
                default:
                    _failed = _incomplete = true;
                    break;
            }
        }

        return (examples.ToImmutable(), courses.ToImmutable());
    }

    internal static readonly (string Name, ChangeOutcome Value)[] OutcomeNames =
        [("improved", ChangeOutcome.Improved), ("unchanged", ChangeOutcome.Unchanged), ("deteriorated", ChangeOutcome.Deteriorated)];

    internal static readonly (string Name, ClinicalCategory Value)[] CategoryNames =
        [("recovered", ClinicalCategory.Recovered), ("improved", ClinicalCategory.Improved), ("unchanged", ClinicalCategory.Unchanged),
         ("deteriorated", ClinicalCategory.Deteriorated)];

    internal static readonly (string Name, bool Value)[] BoolNames = [("true", true), ("false", false)];

    private CourseExample? ReadCourseExample(YamlNode node, string examplePath)
    {
        var map = Map(node, "an example", examplePath, ExampleKeys);
        if (map is null)
        {
            return null;
        }

        var name = map.RequiredString("name", examplePath + ".name");
        var source = map.RequiredString("source", examplePath + ".source");
        if (map.Get("responses") is { } responsesNode)
        {
            // Contained: the responses are ignored, the series is read.
            ReportContained(InstrumentDiagnostics.CourseExampleShapeConflict, Span(responsesNode), name ?? "?");
        }

        var seriesNode = map.Required("series", examplePath + ".series");
        var series = ImmutableArray.CreateBuilder<CourseAdministration>();
        if (seriesNode is YamlSequenceNode list)
        {
            for (var i = 0; i < list.Children.Count; i++)
            {
                var path = $"{examplePath}.series[{i}]";
                locator.Record(path, Span(list.Children[i]));
                if (ReadAdministration(list.Children[i], path) is { } administration)
                {
                    series.Add(administration);
                }
                else
                {
                    _incomplete = true;
                }
            }
        }
        else if (seriesNode is not null && !(seriesNode is YamlScalarNode s && IsNull(s)))
        {
            WrongType("series", "a list of { occasion, responses }", seriesNode);
            return null;
        }

        var expectNode = map.Required("expect", examplePath + ".expect");
        var expect = ImmutableDictionary.CreateBuilder<string, CourseExpectation>(StringComparer.Ordinal);
        if (expectNode is YamlMappingNode scores)
        {
            foreach (var (keyNode, valueNode) in scores.Children)
            {
                if (keyNode is not YamlScalarNode { Value: { Length: > 0 } scoreId })
                {
                    WrongType("a key in 'expect'", "a score id", keyNode);
                    continue;
                }

                var scorePath = examplePath + ".expect." + scoreId;
                locator.Record(scorePath, Span(keyNode));
                if (ReadCourseExpectation(valueNode, scoreId, scorePath) is { } expectation)
                {
                    expect[scoreId] = expectation;
                }
            }
        }
        else if (expectNode is not null)
        {
            WrongType("expect", "a mapping of score id to what its course must give", expectNode);
            return null;
        }

        return name is null || source is null || expectNode is null ? null
            : new CourseExample { Name = name, Source = source, Series = series.ToImmutable(), Expect = expect.ToImmutable() };
    }

    private CourseAdministration? ReadAdministration(YamlNode node, string path)
    {
        var map = Map(node, "an administration", path, AdministrationKeys);
        if (map is null)
        {
            return null;
        }

        var occasion = map.RequiredString("occasion", path + ".occasion");
        var responses = ImmutableDictionary.CreateBuilder<string, string?>(StringComparer.Ordinal);
        if (map.Get("responses") is { } responsesNode)
        {
            ReadScalarMap(responsesNode, "responses", path + ".responses", "a value (a number, a code, text or null)", (key, value) =>
            {
                responses[key] = IsNull(value) ? null : value.Value;
                return true;
            });
        }

        return occasion is null ? null : new CourseAdministration { Occasion = occasion, Responses = responses.ToImmutable() };
    }

    private CourseExpectation? ReadCourseExpectation(YamlNode node, string scoreId, string path)
    {
        var map = Map(node, "the expectation of score '" + scoreId + "'", path, CourseExpectKeys);
        if (map is null)
        {
            return null;
        }

        Expected<double> Number(string key) => Stated<double>(map, key, path, "a number or null", v => TryNumber(v, out var x) ? x : null);

        Expected<T> Word<T>(string key, (string Name, T Value)[] names) where T : struct =>
            Stated<T>(map, key, path, "one of: " + string.Join(", ", names.Select(n => n.Name)) + ", or null",
                v => names.FirstOrDefault(n => n.Name == v) is { Name: not null } hit ? hit.Value : (T?)null);

        var reliable = ImmutableDictionary.CreateBuilder<string, ChangeOutcome?>(StringComparer.Ordinal);
        if (map.Get("reliable_change") is { } reliableNode)
        {
            var expected = "one of: improved, unchanged, deteriorated, or null";
            ReadScalarMap(reliableNode, "reliable_change", path + ".reliable_change", expected, (rule, value) =>
            {
                if (IsNull(value))
                {
                    reliable[rule] = null;
                    return true;
                }

                foreach (var (word, outcome) in OutcomeNames)
                {
                    if (word == value.Value)
                    {
                        reliable[rule] = outcome;
                        return true;
                    }
                }

                return false;
            });
        }

        return new CourseExpectation
        {
            First = Number("first"),
            Last = Number("last"),
            Change = Number("change"),
            CaseFirst = Word("case_first", BoolNames),
            CaseLast = Word("case_last", BoolNames),
            Recovered = Word("recovered", BoolNames),
            ReliableChange = reliable.ToImmutable(),
            Category = Word("category", CategoryNames),
            SuddenGains = Occasions(map, "sudden_gains", path),
            SuddenLosses = Occasions(map, "sudden_losses", path),
            Ruptures = RuleOccasions(map, "ruptures", path),
            Repairs = RuleOccasions(map, "repairs", path),
            EarlySlope = Number("early_slope"),
        };
    }

    /// <summary>A mapping of rupture rule id to a list of occasions (<c>null</c>: none); the list items' locations are recorded.</summary>
    private ImmutableDictionary<string, ImmutableArray<string>> RuleOccasions(MapReader map, string key, string path)
    {
        var result = ImmutableDictionary.CreateBuilder<string, ImmutableArray<string>>(StringComparer.Ordinal);
        if (map.Get(key) is not { } node)
        {
            return result.ToImmutable();
        }

        var mapPath = path + "." + key;
        if (node is not YamlMappingNode mapping)
        {
            WrongType(key, "a mapping of rupture rule id to a list of occasions", node);
            return result.ToImmutable();
        }

        locator.Record(mapPath, Span(node));
        foreach (var (keyNode, valueNode) in mapping.Children)
        {
            if (keyNode is not YamlScalarNode { Value: { Length: > 0 } id })
            {
                WrongType("a key in '" + key + "'", "a rupture rule id", keyNode);
                continue;
            }

            locator.Record(mapPath + "." + id, Span(keyNode));
            if (valueNode is YamlScalarNode nullNode && IsNull(nullNode))
            {
                result[id] = [];
                continue;
            }

            if (valueNode is not YamlSequenceNode sequence)
            {
                WrongType(key + "." + id, "a list of occasions", valueNode);
                continue;
            }

            var list = ImmutableArray.CreateBuilder<string>();
            for (var i = 0; i < sequence.Children.Count; i++)
            {
                var child = sequence.Children[i];
                if (child is YamlScalarNode { Value: { Length: > 0 } occasion } scalar && !IsNull(scalar))
                {
                    locator.Record($"{mapPath}.{id}[{i}]", Span(child));
                    list.Add(occasion);
                }
                else
                {
                    WrongType($"{key}.{id}[{i}]", "an occasion", child);
                }
            }

            result[id] = list.ToImmutable();
        }

        return result.ToImmutable();
    }

    /// <summary>A stated field: absent key = not stated; null = stated as absent; a wrong value is reported and left unstated.</summary>
    private Expected<T> Stated<T>(MapReader map, string key, string path, string expected, Func<string?, T?> parse) where T : struct
    {
        if (map.Get(key) is not { } node)
        {
            return default;
        }

        Record(path + "." + key, node);
        if (node is YamlScalarNode scalar)
        {
            if (IsNull(scalar))
            {
                return new Expected<T>(null);
            }

            if (parse(scalar.Value) is { } value)
            {
                return value;
            }
        }

        WrongType(key, expected, node);
        return default;
    }

    /// <summary>A list of occasions (null: none); absent: not checked.</summary>
    private ImmutableArray<string>? Occasions(MapReader map, string key, string path)
    {
        if (map.Get(key) is not { } node)
        {
            return null;
        }

        if (node is YamlScalarNode scalar && IsNull(scalar))
        {
            Record(path + "." + key, node);
            return [];
        }

        return ReadStringList(map, key, path + "." + key, "an occasion", "a list of occasions");
    }

    /// <summary>
    /// Reads a mapping of id to scalar, recording each key's location under <paramref name="mapPath"/>.KEY and its
    /// value's under <paramref name="mapPath"/>.KEY.value; <paramref name="read"/> returns false when the value has the wrong type.
    /// </summary>
    private void ReadScalarMap(YamlNode node, string key, string mapPath, string expected, Func<string, YamlScalarNode, bool> read)
    {
        if (node is not YamlMappingNode mapping)
        {
            WrongType(key, "a mapping (id: value)", node);
            return;
        }

        locator.Record(mapPath, Span(node));
        foreach (var (keyNode, valueNode) in mapping.Children)
        {
            if (keyNode is not YamlScalarNode { Value: { Length: > 0 } id })
            {
                WrongType("a key in '" + key + "'", "an id", keyNode);
                continue;
            }

            locator.Record(mapPath + "." + id, Span(keyNode));
            Record(mapPath + "." + id + ".value", valueNode);
            if (valueNode is not YamlScalarNode scalar || !read(id, scalar))
            {
                WrongType(key + "." + id, expected, valueNode);
            }
        }
    }

    /// <summary>A plain <c>null</c>, <c>~</c> or empty value (a quoted "null" is text).</summary>
    private static bool IsNull(YamlScalarNode node) =>
        node.Style is not (ScalarStyle.SingleQuoted or ScalarStyle.DoubleQuoted)
        && node.Value is null or "" or "~" or "null" or "Null" or "NULL";

    // ---- helpers ----

    private ImmutableArray<T> ReadList<T>(MapReader map, string key, string listPath, bool required, Func<YamlNode, string, T?> read)
        where T : class
    {
        var node = required ? map.Required(key, listPath) : map.Get(key);
        if (node is null)
        {
            return [];
        }

        if (node is not YamlSequenceNode sequence)
        {
            WrongType(key, "a list", node);
            return [];
        }

        locator.Record(listPath, Span(node));
        var result = ImmutableArray.CreateBuilder<T>();
        for (var i = 0; i < sequence.Children.Count; i++)
        {
            var child = sequence.Children[i];
            var childPath = $"{listPath}[{i}]";
            locator.Record(childPath, Span(child));
            if (read(child, childPath) is { } value)
            {
                result.Add(value);
            }
            else
            {
                _failed = _incomplete = true;
            }
        }

        return result.ToImmutable();
    }

    private ImmutableArray<string> ReadStringList(MapReader map, string key, string listPath) =>
        ReadStringList(map, key, listPath, "an item id", "a list of item ids");

    private ImmutableArray<string> ReadStringList(MapReader map, string key, string listPath, string expectedElement, string expectedList)
    {
        var node = map.Get(key);
        if (node is null)
        {
            return [];
        }

        if (node is not YamlSequenceNode sequence)
        {
            WrongType(key, expectedList, node);
            return [];
        }

        locator.Record(listPath, Span(node));
        var result = ImmutableArray.CreateBuilder<string>();
        for (var i = 0; i < sequence.Children.Count; i++)
        {
            var child = sequence.Children[i];
            locator.Record($"{listPath}[{i}]", Span(child));
            if (child is YamlScalarNode { Value: { Length: > 0 } v })
            {
                result.Add(v);
            }
            else
            {
                WrongType($"{key}[{i}]", expectedElement, child);
            }
        }

        return result.ToImmutable();
    }

    private ImmutableArray<int> ReadIntList(MapReader map, string key, string listPath)
    {
        var node = map.Get(key);
        if (node is null)
        {
            return [];
        }

        if (node is not YamlSequenceNode sequence)
        {
            WrongType(key, "a list of integers", node);
            return [];
        }

        var result = ImmutableArray.CreateBuilder<int>();
        for (var i = 0; i < sequence.Children.Count; i++)
        {
            var child = sequence.Children[i];
            locator.Record($"{listPath}[{i}]", Span(child));
            if (child is YamlScalarNode s && TryInt(s.Value, out var v))
            {
                result.Add(v);
            }
            else
            {
                WrongType($"{key}[{i}]", "an integer", child);
            }
        }

        return result.ToImmutable();
    }

    private MapReader? Map(YamlNode node, string what, string mapPath, string[] allowed)
    {
        if (node is not YamlMappingNode mapping)
        {
            // 'what' may already be quoted ("'license'"); the message quotes it again.
            WrongType(what.Trim('\''), "a mapping (key: value pairs)", node);
            return null;
        }

        if (mapPath.Length > 0)
        {
            locator.Record(mapPath, Span(node));
        }

        foreach (var (keyNode, _) in mapping.Children)
        {
            var key = keyNode is YamlScalarNode k ? k.Value ?? string.Empty : string.Empty;
            if (keyNode is not YamlScalarNode)
            {
                WrongType("a key in " + what, "text", keyNode);
            }
            else if (Array.IndexOf(allowed, key) < 0 && key != "<<")
            {
                // Contained: the key is ignored and nothing else is read differently.
                ReportContained(InstrumentDiagnostics.UnknownKey, Span(keyNode), key, what,
                    NameSuggester.DidYouMean(key, allowed) is { Length: > 0 } hint ? hint : "; allowed keys: " + string.Join(", ", allowed));
            }
        }

        return new MapReader(this, mapping, what);
    }

    private void MissingKey(MapReader map, string key, string what) =>
        Report(InstrumentDiagnostics.MissingRequiredKey, YamlDocumentReader.At(path, map.Node.Start), key, what);

    private void WrongType(string what, string expected, YamlNode found, bool contained = false)
    {
        if (contained)
        {
            ReportContained(InstrumentDiagnostics.WrongValueType, Span(found), what, expected, Describe(found));
        }
        else
        {
            Report(InstrumentDiagnostics.WrongValueType, Span(found), what, expected, Describe(found));
        }
    }

    /// <summary>Reports an error after which the definition is incomplete (the binder does not run on it).</summary>
    private void Report(DiagnosticDescriptor descriptor, Location location, params object?[] args)
    {
        if (descriptor.DefaultSeverity == DiagnosticSeverity.Error)
        {
            _incomplete = true;
        }

        ReportContained(descriptor, location, args);
    }

    /// <summary>Reports a mistake that leaves the rest of the definition whole (see <see cref="CanBind"/>).</summary>
    private void ReportContained(DiagnosticDescriptor descriptor, Location location, params object?[] args)
    {
        if (descriptor.DefaultSeverity == DiagnosticSeverity.Error)
        {
            _failed = true;
        }

        diagnostics.Add(Diagnostic.Create(descriptor, location, args));
    }

    private void Record(string definitionPath, YamlNode node) =>
        locator.Record(definitionPath, Span(node), YamlDocumentReader.VerbatimStyle(node));

    private Location Span(YamlNode node) => YamlDocumentReader.Span(path, node.Start, node.End);

    /// <summary>How a node is named in "must be X, not Y" messages.</summary>
    internal static string Describe(YamlNode node) => node switch
    {
        YamlSequenceNode => "a list",
        YamlMappingNode => "a mapping",
        YamlScalarNode { Value: null or "" } => "empty",
        YamlScalarNode s => "'" + (s.Value!.Length > 40 ? s.Value[..40] + "..." : s.Value) + "'",
        _ => "something else",
    };

    private static bool TryInt(string? text, out int value) =>
        int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value);

    private static bool TryNumber(string? text, out double value) =>
        double.TryParse(text, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out value)
        && double.IsFinite(value);

    /// <summary>Typed access to one mapping; every read records the value's location.</summary>
    private sealed class MapReader(YamlDefinitionReader owner, YamlMappingNode node, string what)
    {
        public YamlMappingNode Node { get; } = node;

        public bool Has(string key) => Get(key) is not null;

        public YamlNode? Get(string key)
        {
            foreach (var (k, v) in Node.Children)
            {
                if (k is YamlScalarNode { Value: { } name } && name == key)
                {
                    return v;
                }
            }

            return null;
        }

        public YamlNode? Required(string key, string valuePath)
        {
            var value = Get(key);
            if (value is null)
            {
                owner.MissingKey(this, key, what);
            }
            else
            {
                owner.Record(valuePath, value);
            }

            return value;
        }

        // contained: true when a wrong value just leaves the key at its default, which changes no other check.
        private YamlScalarNode? Scalar(string key, string valuePath, bool required, string expected, bool contained = false)
        {
            var value = required ? Required(key, valuePath) : Get(key);
            if (value is null)
            {
                return null;
            }

            owner.Record(valuePath, value);
            if (value is YamlScalarNode scalar && (scalar.Value is { Length: > 0 } || scalar.Style is ScalarStyle.SingleQuoted or ScalarStyle.DoubleQuoted))
            {
                return scalar;
            }

            owner.WrongType(key, expected, value, contained && !required);
            return null;
        }

        public string? RequiredString(string key, string valuePath) => Scalar(key, valuePath, true, "text")?.Value;

        public string? OptionalString(string key, string valuePath) => Scalar(key, valuePath, false, "text", contained: true)?.Value;

        public int? RequiredInt(string key, string valuePath) => ToInt(Scalar(key, valuePath, true, "an integer"), key);

        public int? Int(string key, string valuePath) => ToInt(Scalar(key, valuePath, false, "an integer"), key);

        public double? RequiredNumber(string key, string valuePath) => ToNumber(Scalar(key, valuePath, true, "a number"), key);

        /// <summary>An optional number; a value that is not a finite number is an error that stops binding.</summary>
        public double? Number(string key, string valuePath) => ToNumber(Scalar(key, valuePath, false, "a number"), key);

        private double? ToNumber(YamlScalarNode? s, string key)
        {
            if (s is null)
            {
                return null;
            }

            if (TryNumber(s.Value, out var v))
            {
                return v;
            }

            owner.WrongType(key, "a number", s);
            return null;
        }

        public bool? Bool(string key, string valuePath)
        {
            var s = Scalar(key, valuePath, false, "true or false", contained: true);
            switch (s?.Value)
            {
                case null:
                    return null;
                case "true":
                    return true;
                case "false":
                    return false;
                default:
                    owner.WrongType(key, "true or false", s, contained: true);
                    return null;
            }
        }

        // contained: true (the default for an optional key) when a wrong value just leaves the key unset; the score
        // method says false, since a score read with the wrong method would fail the band checks for no reason of its own.
        public T? Enum<T>(string key, string valuePath, (string Name, T Value)[] names, bool required = false, bool contained = true) where T : struct
        {
            contained &= !required;
            var s = Scalar(key, valuePath, required, "one of: " + string.Join(", ", names.Select(n => n.Name)), contained);
            if (s?.Value is null)
            {
                return null;
            }

            foreach (var (name, value) in names)
            {
                if (name == s.Value)
                {
                    return value;
                }
            }

            var allowed = string.Join(", ", names.Select(n => n.Name));
            if (contained)
            {
                owner.ReportContained(InstrumentDiagnostics.InvalidEnumValue, owner.Span(s), s.Value, key, allowed);
            }
            else
            {
                owner.Report(InstrumentDiagnostics.InvalidEnumValue, owner.Span(s), s.Value, key, allowed);
            }

            return null;
        }

        private int? ToInt(YamlScalarNode? s, string key)
        {
            if (s is null)
            {
                return null;
            }

            if (TryInt(s.Value, out var v))
            {
                return v;
            }

            owner.WrongType(key, "an integer", s);
            return null;
        }
    }
}
