using System.Globalization;

namespace Instruments.Compiler.Redcap;

/// <summary>One response option of a radio or dropdown field: its code and label.</summary>
internal readonly record struct RedcapChoice(int Code, string Label);

/// <summary>A choice that does not parse: where it is in the cell, its text, and why.</summary>
internal readonly record struct ChoiceProblem(int Offset, int Length, string Text, string Reason, int? DuplicateOf = null, string? FirstLabel = null);

/// <summary>
/// Parses REDCap's choices cell: <c>0, Not at all | 1, Several days | ...</c>. Choices are separated by '|'; each is a
/// code, a comma, then the label (which may hold further commas). REDCap allows any code of letters, digits and '_',
/// but an item's response values are integers, so a code that is not an integer does not parse here. Empty segments
/// (a trailing '|') are skipped.
/// </summary>
internal static class RedcapChoices
{
    public static List<RedcapChoice> Parse(string cell, List<ChoiceProblem> problems)
    {
        var choices = new List<RedcapChoice>();
        var seen = new Dictionary<int, string>();
        var start = 0;
        while (start <= cell.Length)
        {
            var bar = cell.IndexOf('|', start);
            var end = bar < 0 ? cell.Length : bar;
            var segment = cell[start..end];
            var lead = segment.Length - segment.TrimStart().Length;
            var text = segment.Trim();
            var offset = start + lead;
            if (text.Length > 0)
            {
                var comma = text.IndexOf(',');
                if (comma < 0)
                {
                    problems.Add(new ChoiceProblem(offset, text.Length, text, "has no comma between its code and its label ('code, label')"));
                }
                else
                {
                    var code = text[..comma].Trim();
                    var label = text[(comma + 1)..].Trim();
                    if (!int.TryParse(code, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
                    {
                        problems.Add(new ChoiceProblem(offset, text.Length, text, $"has the code '{code}', which is not a whole number (an item's response values are integers)"));
                    }
                    else if (label.Length == 0)
                    {
                        problems.Add(new ChoiceProblem(offset, text.Length, text, "has no label after its comma"));
                    }
                    else if (seen.TryGetValue(value, out var first))
                    {
                        problems.Add(new ChoiceProblem(offset, text.Length, text, "repeats a code", value, first));
                    }
                    else
                    {
                        seen[value] = label;
                        choices.Add(new RedcapChoice(value, label));
                    }
                }
            }

            if (bar < 0)
            {
                break;
            }

            start = bar + 1;
        }

        return choices;
    }
}
