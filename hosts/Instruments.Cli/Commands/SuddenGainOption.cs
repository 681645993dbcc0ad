using System.Globalization;
using Instruments.Course;
using Instruments.Definitions;
using Instruments.Scoring;

namespace Instruments.Cli.Commands;

/// <summary>
/// <c>track --sudden-gains RULE|POINTS</c>: the sudden-gain cut-off the user states, for instruments that declare no
/// sudden-gain rule (no published cut-off exists for the shipped ones). Applied through the SDK
/// (<see cref="ScoringPlan.WithSuddenGains"/>), so the rule is checked like any definition's and every output and
/// report names it with its source.
/// </summary>
internal static class SuddenGainOption
{
    private const string Criteria =
        "Tang, T. Z., & DeRubeis, R. J. (1999). Sudden gains and critical sessions in cognitive-behavioral therapy for depression. "
        + "Journal of Consulting and Clinical Psychology, 67(6), 894-904 (the three criteria); missing-data critical values after "
        + "Lutz et al. (2013) as in the R package suddengains (Wiedemann et al. 2020)";

    public static (ScoringPlan? Plan, ProtocolPlan? Protocol) Apply(string? option, ScoringPlan? plan, ProtocolPlan? protocol, TextWriter stderr)
    {
        if (option is null)
        {
            return (plan, protocol);
        }

        var rule = Parse(option);
        if (protocol is null)
        {
            return (Variant(plan!, rule, option, stderr), null);
        }

        if (!protocol.Instruments.Any(p => p.Definition.CanTakeSuddenGains(rule)))
        {
            throw new CliException($"--sudden-gains {option}: no instrument of '{protocol.Definition.Id}' has a score it applies to "
                + (rule.ReliableChange is { } id ? $"(a reliable-change rule '{id}')" : "(change rules with a direction)"), showUsage: true);
        }

        var result = protocol.WithSuddenGains(rule);
        Refuse(result.Success, result.Diagnostics, option, protocol.Definition.Id, stderr);
        return (null, result.Plan);
    }

    private static SuddenGainRule Parse(string option)
    {
        var source = $"cut-off stated by the user: --sudden-gains {option}";
        if (double.TryParse(option, NumberStyles.Float, CultureInfo.InvariantCulture, out var points))
        {
            return new SuddenGainRule { Cutoff = points, Sources = [Criteria, source] };
        }

        return new SuddenGainRule { ReliableChange = option, Sources = [Criteria, source] };
    }

    private static ScoringPlan Variant(ScoringPlan plan, SuddenGainRule rule, string option, TextWriter stderr)
    {
        if (!plan.Definition.CanTakeSuddenGains(rule))
        {
            throw new CliException($"--sudden-gains {option}: no score of '{plan.Definition.Id}' has "
                + (rule.ReliableChange is { } name ? $"a reliable-change rule '{name}'" : "change rules (a direction), which sudden gains need"), showUsage: true);
        }

        var result = plan.WithSuddenGains(rule);
        Refuse(result.Success, result.Diagnostics, option, plan.Definition.Id, stderr);
        return result.Plan!;
    }

    private static void Refuse(bool success, IEnumerable<Diagnostics.Diagnostic> diagnostics, string option, string id, TextWriter stderr)
    {
        if (success)
        {
            return;
        }

        foreach (var d in diagnostics.Where(d => d.IsError))
        {
            stderr.WriteLine(TerminalText.Escape(d.ToString()));
        }

        throw new CliException($"--sudden-gains {option}: not a usable sudden-gain cut-off for '{id}'", showUsage: true);
    }
}
