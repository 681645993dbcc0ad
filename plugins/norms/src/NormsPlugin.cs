using System.Collections.Immutable;
using System.Globalization;
using System.Text.RegularExpressions;
using Instruments.Definitions;
using Instruments.Diagnostics;
using Instruments.Expressions;
using Instruments.Plugins;

namespace Instruments.Plugins.Norms;

/// <summary>
/// Registers <c>phq9_t_women(raw)</c> and <c>phq9_t_men(raw)</c>: PHQ-9 raw totals to linear T-scores through the
/// lookup table <c>tables/phq9-t-kocalevent2013.csv</c>, and a check (NRM0001) that warns when such a function is
/// given a score that can be prorated (the table holds whole raw totals only).
/// </summary>
public sealed partial class NormsPlugin : InstrumentPlugin
{
    /// <summary>NRM0001: a norm-table function receives a score that can be non-integer.</summary>
    public static readonly DiagnosticDescriptor ProratedInputToNormTable = new(
        "NRM0001", "Norm table given a prorated score",
        "Score '{0}' passes '{1}' to norm table function '{2}', but '{1}' can be prorated (non-integer); the table holds whole raw totals only, so prorated responses get no T-score",
        "Norms", DiagnosticSeverity.Warning);

    private const string TableFile = "tables/phq9-t-kocalevent2013.csv";

    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => [ProratedInputToNormTable];

    /// <inheritdoc />
    public override void Initialize(PluginContext context)
    {
        var (women, men) = ReadTable(Path.Combine(context.PluginDirectory, TableFile));
        context.RegisterFunction(Lookup("phq9_t_women", women));
        context.RegisterFunction(Lookup("phq9_t_men", men));
        context.RegisterDefinitionAnalyzer(CheckProratedInputs);
    }

    [GeneratedRegex(@"\b(phq9_t_women|phq9_t_men)\s*\(\s*([A-Za-z_][A-Za-z0-9_]*)\s*\)", RegexOptions.CultureInvariant)]
    private static partial Regex Call();

    private static void CheckProratedInputs(DefinitionAnalysisContext context)
    {
        var scores = context.Definition.Scores;
        for (var i = 0; i < scores.Length; i++)
        {
            if (scores[i].Expression is not { } expression)
            {
                continue;
            }

            foreach (Match match in Call().Matches(expression))
            {
                var argument = context.Definition.FindScore(match.Groups[2].Value);
                if (argument is { Missing: { Prorate: true, MaxMissing: > 0 } })
                {
                    context.ReportDiagnostic(ProratedInputToNormTable, $"scores[{i}].expression", scores[i].Id, argument.Id, match.Groups[1].Value);
                }
            }
        }
    }

    /// <summary>A function that looks a whole raw total up in <paramref name="table"/>; anything else is missing.</summary>
    private static ScoringFunction Lookup(string name, double[] table) =>
        new(name, 1, 1, arguments =>
        {
            var raw = arguments[0];
            return raw >= 0 && raw < table.Length && raw == Math.Floor(raw) ? table[(int)raw] : double.NaN;
        }, resultMin: table.Min(), resultMax: table.Max());

    private static (double[] Women, double[] Men) ReadTable(string path)
    {
        var women = new List<double>();
        var men = new List<double>();
        foreach (var line in File.ReadLines(path))
        {
            if (line.Length == 0 || line[0] == '#' || line.StartsWith("raw,", StringComparison.Ordinal))
            {
                continue;
            }

            var cells = line.Split(',');
            var raw = int.Parse(cells[0], CultureInfo.InvariantCulture);
            if (raw != women.Count)
            {
                throw new InvalidDataException($"{TableFile}: raw totals must run 0, 1, 2 ... without gaps (found {raw} at row {women.Count}).");
            }

            women.Add(double.Parse(cells[1], CultureInfo.InvariantCulture));
            men.Add(double.Parse(cells[2], CultureInfo.InvariantCulture));
        }

        return ([.. women], [.. men]);
    }
}
