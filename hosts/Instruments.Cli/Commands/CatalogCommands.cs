using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Instruments.Definitions;
using Instruments.Diagnostics;

namespace Instruments.Cli.Commands;

/// <summary><c>instruments list</c> and <c>instruments describe</c>.</summary>
internal static class CatalogCommands
{
    private static readonly (string, CatalogFormat)[] TextOrJson = [("text", CatalogFormat.Text), ("json", CatalogFormat.Json)];

    public static HostCommand CreateList(CliContext context)
    {
        var command = new HostCommand(
            "list",
            "List every loaded instrument: id, version, title, item count, scores, respondent and licence.",
            string.Empty,
            $"""
            Instruments are loaded from the built-in plugins folder, from each --plugins DIR and from the folders
            in the {InstrumentCatalog.EnvironmentVariable} environment variable (separated by '{Path.PathSeparator}'). A folder holds
            plugins (<plugin>/instruments/*.yaml), an instruments/ folder, or *.yaml files directly.
            """);
        var format = CliOptions.Choice("--format", "-f", "FORMAT", "text (default) or json", TextOrJson);
        var plugins = CliOptions.Plugins();
        command.Options.Add(format);
        command.Options.Add(plugins);
        command.SetAction(r => List(new CatalogSettings(null, r.GetValue(format) ?? CatalogFormat.Text, CliOptions.PluginFolders(r, plugins, context), null), context.Out, context.Error));
        return command;
    }

    public static HostCommand CreateDescribe(CliContext context)
    {
        var command = new HostCommand(
            "describe",
            "Show an instrument: items, response options, scores (method, items, missing rule, bands), flags, citation and licence.",
            "<instrument>",
            """
            <instrument> is the id of a loaded instrument or the path of a .yaml file. Instruments whose item texts are
            licensed separately (licence texts: restricted) are shown without texts unless --texts names a texts file.
            """);
        var instrument = new Argument<string>("instrument") { Arity = ArgumentArity.ZeroOrOne };
        var format = CliOptions.Choice("--format", "-f", "FORMAT", "text (default) or json", TextOrJson);
        var plugins = CliOptions.Plugins();
        var texts = TextsOption.Create();
        command.Arguments.Add(instrument);
        command.Options.Add(format);
        command.Options.Add(plugins);
        command.Options.Add(texts);
        command.RequireArguments(instrument, 1);
        command.SetAction(r => Describe(
            new CatalogSettings(r.GetValue(instrument), r.GetValue(format) ?? CatalogFormat.Text, CliOptions.PluginFolders(r, plugins, context), r.GetValue(texts)),
            context.Out,
            context.Error));
        return command;
    }

    internal static JsonWriterOptions JsonOptions => DiagnosticWriters.JsonOptions;

    public static int List(CatalogSettings args, TextWriter stdout, TextWriter stderr)
    {
        var catalog = InstrumentCatalog.Load(args.Plugins);
        catalog.ReportProblems(stderr);
        if (args.Format == CatalogFormat.Json)
        {
            using var buffer = new MemoryStream();
            using (var w = new Utf8JsonWriter(buffer, JsonOptions))
            {
                w.WriteStartArray();
                foreach (var (def, path) in catalog.Entries)
                {
                    w.WriteStartObject();
                    DefinitionJsonWriter.WriteSummaryProperties(w, def);
                    w.WriteString("source", path);
                    w.WriteEndObject();
                }

                w.WriteEndArray();
            }

            stdout.WriteLine(Encoding.UTF8.GetString(buffer.ToArray()));
            return ExitCodes.Success;
        }

        if (catalog.Entries.IsEmpty)
        {
            stderr.WriteLine("instruments: no instruments are loaded (built-in folder: " + InstrumentCatalog.BuiltInFolder + ")");
            return ExitCodes.Success;
        }

        var rows = catalog.Entries.Select(e => new[]
        {
            e.Definition.Id,
            e.Definition.Version,
            e.Definition.Title,
            e.Definition.Items.Length.ToString(CultureInfo.InvariantCulture),
            string.Join(", ", e.Definition.Scores.Select(s => s.Id)),
            RespondentName(e.Definition.Respondent) ?? "-",
            e.Definition.License.Texts == TextLicense.Restricted ? "restricted" : "shipped",
            e.Definition.License.Name,
        }.Select(cell => TerminalText.Escape(cell)).ToArray()).ToList();
        WriteTable(stdout, ["ID", "VERSION", "TITLE", "ITEMS", "SCORES", "RESPONDENT", "TEXTS", "LICENSE"], rows);
        if (!catalog.Host.Protocols.IsEmpty)
        {
            stdout.WriteLine();
            var protocols = catalog.Host.Protocols.Select(p => new[]
            {
                p.Definition.Id,
                p.Definition.Version,
                p.Definition.Title,
                string.Join(", ", p.Plan.Members.Select(m => $"{m.Id}={m.Plan.Definition.Id}.{m.Score.Id}")),
                string.Join(", ", p.Plan.Outcomes.Select(o => o.Id)),
            }.Select(cell => TerminalText.Escape(cell)).ToArray()).ToList();
            WriteTable(stdout, ["PROTOCOL", "VERSION", "TITLE", "MEASURES", "OUTCOMES"], protocols);
        }

        return ExitCodes.Success;
    }

    public static int Describe(CatalogSettings args, TextWriter stdout, TextWriter stderr)
    {
        var (plan, protocol) = InstrumentCatalog.ResolveForScoring(args.Instrument!, args.Plugins, stderr);
        if (protocol is not null)
        {
            if (args.Format == CatalogFormat.Json)
            {
                stdout.WriteLine(ProtocolDescription.Json(protocol));
            }
            else
            {
                stdout.Write(TerminalText.Escape(ProtocolDescription.Text(protocol), keepLayout: true));
            }

            return ExitCodes.Success;
        }

        var def = TextsOption.Apply(plan!.Definition, args.Texts, stderr);
        if (args.Format == CatalogFormat.Json)
        {
            stdout.WriteLine(DefinitionJsonWriter.ToJson(def, TextsOption.Placeholder));
        }
        else
        {
            // Texts come from definition and texts files: control characters print escaped, never raw.
            stdout.Write(TerminalText.Escape(DescribeText(def), keepLayout: true));
        }

        return ExitCodes.Success;
    }

    internal static string? RespondentName(Respondent? r) => DefinitionJsonWriter.RespondentName(r);

    internal static void WrapText(StringBuilder sb, string text, string indent) => Wrap(sb, text, indent);

    private static string Num(double v) => v.ToString("R", CultureInfo.InvariantCulture);

    private static string DescribeText(InstrumentDefinition def)
    {
        var sb = new StringBuilder();
        sb.AppendLine($"{def.Id} {def.Version}: {def.Title}");
        if (def.Respondent is not null || def.Language is not null)
        {
            sb.AppendLine($"respondent: {RespondentName(def.Respondent) ?? "-"}   language: {def.Language ?? "-"}");
        }

        if (def.Counterpart is { } counterpart)
        {
            sb.AppendLine($"counterpart: {counterpart.Instrument} ({string.Join(", ", counterpart.Scores.Select(p => p.Score + " = " + p.CounterpartScore))})");
        }

        if (def.Instructions is not null)
        {
            sb.AppendLine().AppendLine("Instructions:");
            Wrap(sb, def.Instructions, "  ");
        }

        var restricted = def.License.Texts == TextLicense.Restricted;
        sb.AppendLine().AppendLine($"Items ({def.Items.Length}):");
        if (restricted)
        {
            sb.AppendLine(def.License.TextsSource is { } textsSource
                ? $"  (item texts licensed separately, from {textsSource})"
                : "  (" + TextsOption.Placeholder + ")");
        }

        var idWidth = def.Items.Max(i => i.Id.Length);
        var tagWidth = def.Items.Max(i => ItemTag(i).Length);
        foreach (var item in def.Items)
        {
            sb.Append("  ").Append(item.Id.PadRight(idWidth)).Append("  ").Append(ItemTag(item).PadRight(tagWidth));
            if (item.Text is not null)
            {
                sb.Append("  ").Append(item.Text);
            }

            sb.AppendLine();
        }

        sb.AppendLine().AppendLine("Response options:");
        foreach (var scale in def.ResponseScales)
        {
            sb.AppendLine($"  {scale.Id}: " + string.Join(", ", scale.Options.Select(o => $"{o.Value} = {o.Label}")));
        }

        if (!def.MissingCodes.IsDefaultOrEmpty)
        {
            sb.AppendLine("  missing codes (not answered): " + string.Join(", ", def.MissingCodes));
        }

        sb.AppendLine().AppendLine("Scores:");
        foreach (var s in def.Scores)
        {
            sb.AppendLine($"  {s.Id}{(s.Title is null ? string.Empty : " (" + s.Title + ")")}: {ScoreMethodText(s)}");
            if (s.Method != ScoreMethod.Expression)
            {
                sb.AppendLine("    missing: " + MissingText(s));
            }

            if (s.Missing.Rounding is { } prorateRounding)
            {
                sb.AppendLine("    a prorated value: " + prorateRounding);
                Sources(sb, "rounding sources", prorateRounding.Sources);
            }

            if (s.Rounding is { } rounding)
            {
                sb.AppendLine("    every value: " + rounding);
                Sources(sb, "rounding sources", rounding.Sources);
            }

            foreach (var b in s.Bands)
            {
                // A half-open band ('below:') reads "10-<15".
                var range = b.UpperExclusive ? $"{Num(b.Min)}-<{Num(b.Max)}" : b.Min == b.Max ? Num(b.Min) : $"{Num(b.Min)}-{Num(b.Max)}";
                sb.AppendLine($"    {range,-7} {b.Label}{(b.Description is null ? string.Empty : ": " + b.Description)}");
            }

            Sources(sb, "sources", s.Sources);
            Sources(sb, "missing-data rule sources", s.Missing.Sources);

            if (s.Change is { } change)
            {
                ChangeText(sb, change);
            }
        }

        if (!def.Flags.IsDefaultOrEmpty)
        {
            sb.AppendLine().AppendLine("Flags:");
            foreach (var f in def.Flags)
            {
                sb.AppendLine($"  {f.Id} [{f.Severity.ToString().ToLowerInvariant()}] when {f.When}");
                if (f.Message is not null)
                {
                    sb.AppendLine("    " + f.Message);
                }

                Sources(sb, "sources", f.Sources);
            }
        }

        if (def.Citation is not null)
        {
            sb.AppendLine().AppendLine("Citation:");
            Wrap(sb, def.Citation, "  ");
        }

        sb.AppendLine().AppendLine("License:");
        sb.AppendLine("  " + def.License.Name + (restricted ? " (item texts licensed separately)" : " (item texts shipped)"));
        if (def.License.Url is not null)
        {
            sb.AppendLine("  " + def.License.Url);
        }

        if (def.License.Notice is not null)
        {
            Wrap(sb, def.License.Notice, "  ");
        }

        if (def.Notes is not null)
        {
            sb.AppendLine().AppendLine("Notes:");
            Wrap(sb, def.Notes, "  ");
        }

        if (!def.Examples.IsDefaultOrEmpty)
        {
            sb.AppendLine().AppendLine($"Worked examples: {def.Examples.Length} (run them with 'instruments test {def.Id}')");
        }

        return sb.ToString();
    }

    /// <summary>A score's change rules: each rule as declared, the thresholds and cut-offs that follow, and its sources.</summary>
    private static void ChangeText(StringBuilder sb, ChangeRules change)
    {
        var lower = change.Direction == ChangeDirection.LowerIsBetter;
        sb.AppendLine($"    change ({DefinitionJsonWriter.DirectionName(change.Direction)}):");
        if (change.Caseness is { } caseness)
        {
            sb.AppendLine(caseness.Min is { } min ? $"      caseness: a score of {Num(min)} or more is a case"
                : caseness.Max is { } max ? $"      caseness: a score of {Num(max)} or less is a case" : "      caseness: (no boundary)");
            Sources(caseness.Sources);
        }

        foreach (var rule in change.ReliableChange)
        {
            if (rule.Method == ReliableChangeMethod.Fixed)
            {
                sb.AppendLine($"      reliable change '{rule.Id}' (fixed): a change of at least {Num(rule.Threshold ?? double.NaN)} points, either way");
            }
            else
            {
                sb.AppendLine($"      reliable change '{rule.Id}' (Jacobson-Truax): sd {Num(rule.Sd ?? double.NaN)}, reliability "
                    + $"{Num(rule.Reliability ?? double.NaN)}, critical {Num(rule.Critical)}: S_diff {Fixed(rule.StandardErrorOfDifference)}; "
                    + $"a change of more than {Fixed(rule.PointThreshold)} points, either way");
            }

            Sources(rule.Sources);
        }

        if (change.ClinicalSignificance is { } cs)
        {
            var cut = cs.CutoffValue(change.Direction);
            sb.AppendLine($"      clinical significance: functional mean {Num(cs.FunctionalMean)} (sd {Num(cs.FunctionalSd)}), dysfunctional mean "
                + $"{Num(cs.DysfunctionalMean)} (sd {Num(cs.DysfunctionalSd)})");
            sb.AppendLine($"        cut-off a = {Fixed(cs.CutoffA(change.Direction))}, c = {Fixed(cs.CutoffC)}; uses "
                + $"{DefinitionJsonWriter.CutoffName(cs.Cutoff)}: functional = {(lower ? "below" : "above")} {Fixed(cut)}; categories use rule '{cs.ReliableChange}'");
            Sources(cs.Sources);
        }

        if (change.SuddenGains is { } sg)
        {
            var points = sg.Cutoff ?? (sg.ReliableChange is { } id ? change.FindReliableChange(id)?.PointThreshold : null) ?? double.NaN;
            var from = sg.ReliableChange is { } rid ? $" (the threshold of rule '{rid}')" : string.Empty;
            sb.AppendLine($"      sudden gains: a gain of at least {Fixed(points)} points{from} and at least {Num(sg.Relative * 100)}% of the pregain score"
                + (sg.Stability ? ", with the stability criterion (scores n-2..n against n+1..n+3)" : string.Empty));
            Sources(sg.Sources);
        }

        void Sources(System.Collections.Immutable.ImmutableArray<string> sources) => CatalogCommands.Sources(sb, "sources", sources, "        ");
    }

    private static string Fixed(double v) => double.IsFinite(v) ? v.ToString("0.##", CultureInfo.InvariantCulture) : "-";

    private static string ItemTag(ItemDefinition item) =>
        "[" + item.Scale + (item.Reverse ? ", reverse" : string.Empty) + (item.Optional ? ", optional" : string.Empty)
        + (item.Keep ? ", kept (not scored)" : string.Empty) + "]";

    private static string ScoreMethodText(ScoreDefinition s) => s.Method switch
    {
        ScoreMethod.Expression => "expression " + s.Expression,
        _ => s.Method.ToString().ToLowerInvariant() + " of " + ItemList(s.Items),
    };

    private static string ItemList(IReadOnlyList<string> items) =>
        items.Count > 4 ? $"{items[0]} .. {items[^1]} ({items.Count} items)" : string.Join(", ", items);

    /// <summary>"    sources: a; b", or nothing when there are none.</summary>
    private static void Sources(StringBuilder sb, string what, System.Collections.Immutable.ImmutableArray<string> sources, string indent = "    ")
    {
        if (!sources.IsDefaultOrEmpty)
        {
            sb.AppendLine($"{indent}{what}: " + string.Join("; ", sources));
        }
    }

    private static string MissingText(ScoreDefinition s) =>
        s.Missing.MaxMissing == 0 ? "no item may be missing"
        : $"up to {s.Missing.MaxMissing} of {s.Items.Length} items may be missing" + (s.Missing.Prorate ? " (prorated)" : string.Empty);

    private static void Wrap(StringBuilder sb, string text, string indent, int width = 100)
    {
        var line = new StringBuilder();
        foreach (var word in text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))
        {
            if (line.Length > 0 && indent.Length + line.Length + 1 + word.Length > width)
            {
                sb.Append(indent).AppendLine(line.ToString());
                line.Clear();
            }

            if (line.Length > 0)
            {
                line.Append(' ');
            }

            line.Append(word);
        }

        if (line.Length > 0)
        {
            sb.Append(indent).AppendLine(line.ToString());
        }
    }

    internal static void WriteTable(TextWriter output, string[] header, IReadOnlyList<string[]> rows)
    {
        var widths = header.Select((h, c) => Math.Max(h.Length, rows.Count == 0 ? 0 : rows.Max(r => r[c].Length))).ToArray();
        void Line(string[] cells)
        {
            var sb = new StringBuilder();
            for (var c = 0; c < cells.Length; c++)
            {
                sb.Append(c == cells.Length - 1 ? cells[c] : cells[c].PadRight(widths[c] + 2));
            }

            output.WriteLine(sb.ToString().TrimEnd());
        }

        Line(header);
        foreach (var r in rows)
        {
            Line(r);
        }
    }
}

/// <summary>What <c>list</c> and <c>describe</c> print.</summary>
internal enum CatalogFormat
{
    Text,
    Json,
}

/// <summary>The arguments of <c>instruments list</c> and <c>instruments describe</c>.</summary>
/// <param name="Instrument">The instrument id or .yaml path (<c>describe</c>).</param>
/// <param name="Format">Output format.</param>
/// <param name="Plugins">The <c>--plugins</c> folders and those of <c>INSTRUMENTS_PLUGINS</c>.</param>
/// <param name="Texts">The <c>--texts</c> file (<c>describe</c>), or null.</param>
internal sealed record CatalogSettings(string? Instrument, CatalogFormat Format, IReadOnlyList<string> Plugins, string? Texts);
