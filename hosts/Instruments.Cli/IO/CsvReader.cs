namespace Instruments.Cli.IO;

/// <summary>
/// A streaming RFC 4180 CSV reader: comma separated, fields optionally quoted with <c>"</c>, a doubled quote inside
/// a quoted field is one quote, quoted fields may hold commas and line breaks; records end with LF, CRLF or CR.
/// Blank lines are skipped. The current record's fields are exposed as spans over an internal buffer (no
/// allocation per field). A record that breaks the quoting rules is reported as malformed with a reason, and
/// reading resumes on the next line, so one broken record never swallows the rest of the file.
/// </summary>
internal sealed class CsvReader : IDisposable
{
    /// <summary>Longest accepted record, in characters; a longer one is malformed.</summary>
    public const int MaxRecordChars = 4 * 1024 * 1024;

    private readonly TextReader _reader;
    private char[] _buf = new char[64 * 1024];
    private int _pos;     // start of the unconsumed text
    private int _len;     // end of the buffered text
    private bool _eof;
    private int _line = 1;

    private char[] _field = new char[1024];   // unescaped field text of the current record, back to back
    private int _fieldLength;
    private readonly List<(int Start, int Length)> _fields = [];

    public CsvReader(TextReader reader) => _reader = reader;

    /// <summary>The 1-based line on which the current record starts.</summary>
    public int Line { get; private set; }

    /// <summary>Why the current record could not be read, or null when it is well-formed.</summary>
    public string? Malformed { get; private set; }

    /// <summary>Number of fields of the current record.</summary>
    public int FieldCount => _fields.Count;

    /// <summary>The unescaped text of field <paramref name="i"/> of the current record.</summary>
    public ReadOnlySpan<char> this[int i] => _field.AsSpan(_fields[i].Start, _fields[i].Length);

    /// <summary>Reads the next record; false at the end of the input.</summary>
    public bool Read()
    {
        while (true)
        {
            var outcome = TryParse(out var end, out var errorAt, out var reason);
            switch (outcome)
            {
                case Outcome.NeedMore:
                    if (!Fill())
                    {
                        // The record is longer than the buffer may grow: malformed; resume after its first line.
                        Line = _line;
                        Malformed = $"the row is longer than {MaxRecordChars:N0} characters (an unclosed quote?)";
                        var resume = ResumeAfterLineBreak(_pos);
                        Skip(resume < 0 ? _len : resume);
                        _fields.Clear();
                        return true;
                    }

                    continue;
                case Outcome.End:
                    return false;
                case Outcome.Blank:
                    Skip(end);
                    continue;
                case Outcome.Record:
                    Line = _line;
                    Malformed = null;
                    Skip(end);
                    return true;
                default:
                {
                    var resume = ResumeAfterLineBreak(errorAt);
                    if (resume < 0)
                    {
                        // The rest of the broken line is not buffered yet: read it first (the record is parsed again).
                        if (Fill())
                        {
                            continue;
                        }

                        resume = _len;
                    }

                    Line = _line;
                    Malformed = reason;
                    _fields.Clear();
                    Skip(resume);
                    return true;
                }
            }
        }
    }

    private enum Outcome
    {
        NeedMore,
        End,
        Blank,
        Record,
        Malformed,
    }

    // Parses one record from _buf[_pos.._len). Nothing is consumed: on NeedMore the caller reads more and parses again.
    private Outcome TryParse(out int end, out int errorAt, out string? reason)
    {
        end = errorAt = _pos;
        reason = null;
        _fields.Clear();
        _fieldLength = 0;
        var buf = _buf;
        var i = _pos;
        if (i == _len)
        {
            return _eof ? Outcome.End : Outcome.NeedMore;
        }

        if (buf[i] is '\n' or '\r')
        {
            return LineBreak(i, out end) ? Outcome.Blank : Outcome.NeedMore;
        }

        while (true)
        {
            var start = _fieldLength;
            if (i < _len && buf[i] == '"')
            {
                var open = i;
                i++;
                while (true)
                {
                    if (i == _len)
                    {
                        if (!_eof)
                        {
                            return Outcome.NeedMore;
                        }

                        errorAt = open;
                        reason = "a quoted field is not closed (a '\"' is missing)";
                        return Outcome.Malformed;
                    }

                    var c = buf[i];
                    if (c == '"')
                    {
                        if (i + 1 == _len && !_eof)
                        {
                            return Outcome.NeedMore;
                        }

                        if (i + 1 < _len && buf[i + 1] == '"')
                        {
                            Append('"');
                            i += 2;
                            continue;
                        }

                        i++;
                        break;
                    }

                    Append(c);
                    i++;
                }

                _fields.Add((start, _fieldLength - start));
                if (i == _len)
                {
                    if (!_eof)
                    {
                        return Outcome.NeedMore;
                    }

                    end = i;
                    return Outcome.Record;
                }

                var next = buf[i];
                if (next == ',')
                {
                    i++;
                    if (i == _len && _eof)
                    {
                        _fields.Add((_fieldLength, 0));
                        end = i;
                        return Outcome.Record;
                    }

                    continue;
                }

                if (next is '\n' or '\r')
                {
                    return LineBreak(i, out end) ? Outcome.Record : Outcome.NeedMore;
                }

                errorAt = i;
                reason = $"unexpected '{Printable(next)}' after a closing quote (a quote inside a quoted field must be doubled)";
                return Outcome.Malformed;
            }

            // Unquoted field.
            var from = i;
            while (i < _len)
            {
                var c = buf[i];
                if (c is ',' or '\n' or '\r')
                {
                    break;
                }

                if (c == '"')
                {
                    errorAt = i;
                    reason = "a '\"' inside an unquoted field (quote the whole field and double the quote)";
                    return Outcome.Malformed;
                }

                i++;
            }

            if (i == _len && !_eof)
            {
                return Outcome.NeedMore;
            }

            AppendRange(buf.AsSpan(from, i - from));
            _fields.Add((start, _fieldLength - start));
            if (i == _len)
            {
                end = i;
                return Outcome.Record;
            }

            if (buf[i] == ',')
            {
                i++;
                if (i == _len)
                {
                    if (!_eof)
                    {
                        return Outcome.NeedMore;
                    }

                    _fields.Add((_fieldLength, 0));
                    end = i;
                    return Outcome.Record;
                }

                continue;
            }

            return LineBreak(i, out end) ? Outcome.Record : Outcome.NeedMore;
        }
    }

    // At a CR or LF: the position after the line break (CRLF counts as one). False when a CR ends the buffer.
    private bool LineBreak(int i, out int end)
    {
        if (_buf[i] == '\r')
        {
            if (i + 1 == _len && !_eof)
            {
                end = i;
                return false;
            }

            end = i + 1 < _len && _buf[i + 1] == '\n' ? i + 2 : i + 1;
            return true;
        }

        end = i + 1;
        return true;
    }

    // The position just after the first line break at or after 'from'; the end of the text at the end of the input;
    // -1 when no line break is buffered yet.
    private int ResumeAfterLineBreak(int from)
    {
        for (var i = from; i < _len; i++)
        {
            if (_buf[i] == '\n')
            {
                return i + 1;
            }

            if (_buf[i] == '\r')
            {
                return i + 1 < _len && _buf[i + 1] == '\n' ? i + 2 : i + 1;
            }
        }

        return _eof ? _len : -1;
    }

    // Consumes _buf[_pos..end), counting its lines.
    private void Skip(int end)
    {
        for (var i = _pos; i < end; i++)
        {
            var c = _buf[i];
            if (c == '\n' || (c == '\r' && (i + 1 >= _len || _buf[i + 1] != '\n')))
            {
                _line++;
            }
        }

        _pos = end;
    }

    // Reads more text, keeping the unconsumed part; false when the record would exceed the limit.
    private bool Fill()
    {
        if (_pos > 0)
        {
            Array.Copy(_buf, _pos, _buf, 0, _len - _pos);
            _len -= _pos;
            _pos = 0;
        }

        if (_len == _buf.Length)
        {
            if (_buf.Length >= MaxRecordChars)
            {
                return false;
            }

            Array.Resize(ref _buf, Math.Min(MaxRecordChars, _buf.Length * 2));
        }

        var n = _reader.Read(_buf, _len, _buf.Length - _len);
        if (n == 0)
        {
            _eof = true;
        }

        _len += n;
        return true;
    }

    private void Append(char c)
    {
        if (_fieldLength == _field.Length)
        {
            Array.Resize(ref _field, _field.Length * 2);
        }

        _field[_fieldLength++] = c;
    }

    private void AppendRange(ReadOnlySpan<char> text)
    {
        if (_fieldLength + text.Length > _field.Length)
        {
            Array.Resize(ref _field, Math.Max(_field.Length * 2, _fieldLength + text.Length));
        }

        text.CopyTo(_field.AsSpan(_fieldLength));
        _fieldLength += text.Length;
    }

    private static string Printable(char c) => char.IsControl(c) ? $"\\u{(int)c:x4}" : c.ToString();

    public void Dispose() => _reader.Dispose();
}
