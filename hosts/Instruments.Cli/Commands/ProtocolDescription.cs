using System.Globalization;
using System.Text;
using System.Text.Json;
using Instruments.Course;
using Instruments.Definitions;

namespace Instruments.Cli.Commands;

/// <summary><c>instruments describe &lt;protocol&gt;</c>: the measures with the rules they use, the outcomes, and every source.</summary>
internal static class ProtocolDescription
{
    private static string Num(double v) => v.ToString("R", CultureInfo.InvariantCulture);

    private static string Caseness(CasenessRule c) => c.Min is { } min ? $"{Num(min)} or more is a case" : $"{Num(c.Max!.Value)} or less is a case";

    private static string Rule(ReliableChangeRule r) => r.Method == ReliableChangeMethod.Fixed
        ? $"'{r.Id}': a change of {Num(r.PointThreshold)} points or more"
        : $"'{r.Id}': Jacobson-Truax, |change| / {Num(r.StandardErrorOfDifference)} > {Num(r.Critical)} (about {Num(Math.Round(r.PointThreshold, 2))} points)";

    public static string Text(ProtocolPlan plan)
    {
        var def = plan.Definition;
        var sb = new StringBuilder();
        sb.AppendLine($"{def.Id} {def.Version}: {def.Title}");
        sb.AppendLine("Protocol: its instruments are scored from the same rows; its outcomes combine their change across a course.");
        if (def.Citation is { } citation)
        {
            sb.AppendLine("Citation:");
            CatalogCommands.WrapText(sb, citation, "  ");
        }

        sb.AppendLine();
        sb.AppendLine("Measures:");
        foreach (var m in plan.Members)
        {
            var instrument = m.Plan.Definition;
            sb.AppendLine($"  {m.Id}: {instrument.Id} {instrument.Version}, score '{m.Score.Id}'");
            var change = m.Score.Change;
            sb.AppendLine("    caseness: " + (change?.Caseness is { } c ? Caseness(c) : "none declared (case facts unknown)"));
            foreach (var source in change?.Caseness?.Sources ?? [])
            {
                CatalogCommands.WrapText(sb, "source: " + source, "      ");
            }

            sb.AppendLine("    reliable change: " + (m.ReliableChange is { } r ? Rule(r) : m.Measure.ReliableChange is { } id ? $"'{id}' (not declared by the score)" : "none named"));
            foreach (var source in m.ReliableChange?.Sources ?? [])
            {
                CatalogCommands.WrapText(sb, "source: " + source, "      ");
            }

            sb.AppendLine($"    facts: {m.Id}_case_first, {m.Id}_case_last, {m.Id}_improved, {m.Id}_unchanged, {m.Id}_deteriorated");
        }

        sb.AppendLine();
        sb.AppendLine(plan.Outcomes.IsEmpty ? "Outcomes: none" : "Outcomes (in order; unknown facts keep an outcome unknown unless the rest decides it):");
        foreach (var o in plan.Outcomes)
        {
            sb.AppendLine($"  {o.Id}" + (o.Title is { } title ? ": " + title : string.Empty));
            sb.AppendLine("    when: " + o.When);
            foreach (var source in o.Sources)
            {
                CatalogCommands.WrapText(sb, "source: " + source, "      ");
            }
        }

        if (plan.AllianceOutcome is { } pairing)
        {
            sb.AppendLine();
            sb.AppendLine("Alliance and outcome (a view of the data, not an outcome rule; see docs/alliance.md):");
            sb.AppendLine($"  per client: the early alliance, the mean of '{pairing.Alliance.Id}' over the first {pairing.EarlySessions} administrations (usable ones), beside the change in '{pairing.Outcome.Id}'");
            sb.AppendLine("  across clients: Pearson's r with its n (none with fewer than 3 clients); correlational, this service's clients only");
        }

        if (def.Notes is { } notes)
        {
            sb.AppendLine();
            sb.AppendLine("Notes:");
            CatalogCommands.WrapText(sb, notes, "  ");
        }

        return sb.ToString();
    }

    public static string Json(ProtocolPlan plan) => ProtocolJsonWriter.ToJson(plan);
}
