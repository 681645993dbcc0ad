using System.Text;
using Instruments.Data;
using Instruments.Scoring;
using Microsoft.Extensions.Primitives;

namespace Instruments.Server;

/// <summary>
/// The <c>Instruments-Column-Map</c> request header: the console host's <c>--map</c> for a score request, as
/// <c>column=item</c> pairs separated by commas (<c>phq1=phq9_1, phq2=phq9_2</c>; several header fields are read as
/// one list), each side percent-encoded where it holds <c>,</c>, <c>=</c>, <c>%</c> or non-ASCII. It is read as the
/// map file <c>column,item</c> with one line per pair (pair 1 is line 2), so the SDK's <see cref="ColumnMap"/> checks
/// it as it checks a file, and the same warnings (a mapped column the CSV lacks) are given.
/// </summary>
internal static class ColumnMapHeader
{
    /// <summary>The header name.</summary>
    public const string Field = "Instruments-Column-Map";

    /// <summary>The map's name in messages.</summary>
    public const string Source = "Instruments-Column-Map header";

    /// <summary>The map in <paramref name="values"/> (null when there is no such header), checked against <paramref name="plan"/>.</summary>
    /// <exception cref="ResponseFileException">The header is not a column map for <paramref name="plan"/>.</exception>
    public static ColumnMap? Parse(StringValues values, ScoringPlan plan)
    {
        if (StringValues.IsNullOrEmpty(values))
        {
            return null;
        }

        var csv = new StringBuilder("column,item\n");
        var pair = 0;
        foreach (var raw in values.SelectMany(v => (v ?? string.Empty).Split(',')))
        {
            var text = raw.Trim();
            if (text.Length == 0)
            {
                continue;
            }

            pair++;
            var eq = text.IndexOf('=', StringComparison.Ordinal);
            var column = eq < 0 ? string.Empty : Uri.UnescapeDataString(text[..eq].Trim());
            var item = eq < 0 ? string.Empty : Uri.UnescapeDataString(text[(eq + 1)..].Trim());
            if (column.Length == 0 || item.Length == 0)
            {
                throw new ResponseFileException($"column map '{Source}' line {pair + 1}: '{text}' is not a 'column=item' pair");
            }

            csv.Append(Quote(column)).Append(',').Append(Quote(item)).Append('\n');
        }

        if (pair == 0)
        {
            throw new ResponseFileException($"column map '{Source}' has no 'column=item' pair");
        }

        var map = ColumnMap.Parse(csv.ToString(), Source);
        map.Validate(plan);
        return map;
    }

    private static string Quote(string cell) => "\"" + cell.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}
