using Instruments.Diagnostics;

namespace Instruments.Compiler.Redcap;

/// <summary>One cell of a data dictionary: its text (quotes removed) and where it starts in the file.</summary>
internal sealed class DictionaryCell(string value, int line, int column, bool quoted)
{
    public static readonly DictionaryCell Empty = new(string.Empty, 0, 0, false);

    public string Value { get; } = value;

    /// <summary>1-based line of the cell's first character (its opening quote when quoted).</summary>
    public int Line { get; } = line;

    /// <summary>1-based column of the cell's first character (its opening quote when quoted).</summary>
    public int Column { get; } = column;

    public bool Quoted { get; } = quoted;

    /// <summary>
    /// Where character <paramref name="offset"/> of <see cref="Value"/> is in the file: walks the text as it was written
    /// (an opening quote, doubled quotes, line breaks inside a quoted cell).
    /// </summary>
    public Location At(string path, int offset, int length = 0)
    {
        if (Line == 0)
        {
            return Location.InFile(path);
        }

        var line = Line;
        var column = Column + (Quoted ? 1 : 0);
        for (var i = 0; i < offset && i < Value.Length; i++)
        {
            var c = Value[i];
            if (c == '\n' || (c == '\r' && (i + 1 >= Value.Length || Value[i + 1] != '\n')))
            {
                line++;
                column = 1;
            }
            else if (c == '\r')
            {
                // The CR of a CRLF: the LF that follows ends the line.
            }
            else
            {
                column += c == '"' && Quoted ? 2 : 1;
            }
        }

        return new Location(path, line, column, line, column + Math.Max(length, 0));
    }
}

/// <summary>
/// RFC 4180 CSV as REDCap writes a data dictionary (and as spreadsheets save it): comma-separated, fields quoted with
/// '"' when they hold a comma, a quote (doubled) or a line break; CRLF or LF line ends. Each cell keeps its line and
/// column so that diagnostics point into the file. A dictionary is small (it describes fields, not data): the whole
/// text is held in memory.
/// </summary>
internal static class DictionaryCsv
{
    /// <summary>The records of <paramref name="text"/>, blank lines skipped; null with <paramref name="error"/> set when a quote is never closed.</summary>
    public static List<DictionaryCell[]>? Parse(string text, out string? error, out int errorLine)
    {
        error = null;
        errorLine = 0;
        var records = new List<DictionaryCell[]>();
        var cells = new List<DictionaryCell>();
        var sb = new System.Text.StringBuilder();
        var i = text.Length > 0 && text[0] == '\uFEFF' ? 1 : 0;
        var line = 1;
        var lineStart = i;
        while (i <= text.Length)
        {
            // At the start of a cell.
            var cellLine = line;
            var cellColumn = i - lineStart + 1;
            sb.Clear();
            var quoted = i < text.Length && text[i] == '"';
            if (quoted)
            {
                i++;
                while (true)
                {
                    if (i >= text.Length)
                    {
                        error = "a quoted cell is never closed (a '\"' is missing)";
                        errorLine = cellLine;
                        return null;
                    }

                    var c = text[i];
                    if (c == '"')
                    {
                        if (i + 1 < text.Length && text[i + 1] == '"')
                        {
                            sb.Append('"');
                            i += 2;
                            continue;
                        }

                        i++;
                        break;
                    }

                    if (c == '\n' || (c == '\r' && (i + 1 >= text.Length || text[i + 1] != '\n')))
                    {
                        line++;
                        lineStart = i + 1;
                    }

                    sb.Append(c);
                    i++;
                }

                // Anything between the closing quote and the separator is kept, as spreadsheets do.
                while (i < text.Length && text[i] is not (',' or '\r' or '\n'))
                {
                    sb.Append(text[i++]);
                }
            }
            else
            {
                while (i < text.Length && text[i] is not (',' or '\r' or '\n'))
                {
                    sb.Append(text[i++]);
                }
            }

            cells.Add(new DictionaryCell(sb.ToString(), cellLine, cellColumn, quoted));
            if (i < text.Length && text[i] == ',')
            {
                i++;
                continue;
            }

            // The end of a record (a line break or the end of the text).
            if (!(cells.Count == 1 && cells[0].Value.Length == 0 && !cells[0].Quoted))
            {
                records.Add([.. cells]);
            }

            cells.Clear();
            if (i >= text.Length)
            {
                break;
            }

            i += text[i] == '\r' && i + 1 < text.Length && text[i + 1] == '\n' ? 2 : 1;
            line++;
            lineStart = i;
            if (i == text.Length)
            {
                break;
            }
        }

        return records;
    }
}
