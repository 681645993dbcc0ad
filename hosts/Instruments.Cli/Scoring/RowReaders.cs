using System.Text;
using System.Text.Json;
using Instruments.Cli.IO;
using Instruments.Scoring;
using Instruments.Text;

namespace Instruments.Cli.Scoring;

/// <summary>How a pass-through value is written back in JSON output.</summary>
internal enum FieldKind : byte
{
    /// <summary>A string.</summary>
    Text,

    /// <summary>A JSON number or boolean, kept as its literal text.</summary>
    Literal,

    /// <summary>JSON null.</summary>
    Null,
}

/// <summary>One input value that is not an item, passed through to the output unchanged.</summary>
internal readonly record struct PassField(string Name, string? Value, FieldKind Kind);

/// <summary>One input row, reused: its item values (in definition order), pass-through fields, line and, when it could not be read, why.</summary>
internal sealed class InputRow(int itemCount)
{
    public int Line { get; set; }

    public string? Malformed { get; set; }

    public ResponseValue[] Values { get; } = new ResponseValue[itemCount];

    public List<PassField> Fields { get; } = [];

    public void Clear(int line)
    {
        Line = line;
        Malformed = null;
        Array.Clear(Values);
        Fields.Clear();
    }
}

/// <summary>Reads input rows one at a time (streaming).</summary>
internal abstract class RowReader : IDisposable
{
    /// <summary>The pass-through columns, when the input fixes them in advance (CSV); rows then carry them in this order.</summary>
    public virtual IReadOnlyList<string>? Columns => null;

    /// <summary>Reads the next row into <paramref name="row"/>; false at the end of the input.</summary>
    public abstract bool Read(InputRow row);

    public abstract void Dispose();
}

/// <summary>CSV with a header row; columns named by item id are items, every other column is passed through.</summary>
internal sealed class CsvRowReader : RowReader
{
    private readonly CsvReader _csv;
    private readonly int[] _itemOfColumn;    // column -> item index, or -1 for pass-through
    private readonly string[] _names;
    private readonly string[] _passColumns;

    public CsvRowReader(TextReader text, ScoringPlan plan, TextWriter stderr)
    {
        _csv = new CsvReader(text);
        if (!_csv.Read())
        {
            throw new CliException("the input is empty: a CSV input needs a header row naming the item columns");
        }

        if (_csv.Malformed is { } reason)
        {
            throw new CliException($"the CSV header (line {_csv.Line}) cannot be read: {reason}");
        }

        _names = new string[_csv.FieldCount];
        _itemOfColumn = new int[_csv.FieldCount];
        var itemSeen = new bool[plan.ItemCount];
        var pass = new List<string>();
        for (var c = 0; c < _names.Length; c++)
        {
            var name = _csv[c].Trim().ToString();
            _names[c] = name;
            var item = plan.IndexOfItem(name);
            _itemOfColumn[c] = item;
            if (item < 0)
            {
                pass.Add(name);
                continue;
            }

            if (itemSeen[item])
            {
                throw new CliException($"the CSV header names item '{name}' twice");
            }

            itemSeen[item] = true;
        }

        _passColumns = [.. pass];
        var missing = Enumerable.Range(0, plan.ItemCount).Where(i => !itemSeen[i]).Select(i => plan.Definition.Items[i].Id).ToList();
        if (missing.Count > 0)
        {
            var hints = missing
                .Select(m => (m, close: NameSuggester.Closest(m, pass, 1)))
                .Where(x => x.close.Count > 0)
                .Select(x => $"'{x.close[0]}' for '{x.m}'")
                .ToList();
            var hint = hints.Count > 0 ? " (column names are case-sensitive; did you mean " + string.Join(", ", hints) + "?)" : string.Empty;
            stderr.WriteLine($"instruments: warning: the input has no column for {(missing.Count == 1 ? "item" : "items")} {string.Join(", ", missing)}; {(missing.Count == 1 ? "it counts" : "they count")} as missing in every row{hint}");
        }
    }

    public override IReadOnlyList<string> Columns => _passColumns;

    public override bool Read(InputRow row)
    {
        if (!_csv.Read())
        {
            return false;
        }

        row.Clear(_csv.Line);
        if (_csv.Malformed is { } reason)
        {
            row.Malformed = reason;
            return true;
        }

        if (_csv.FieldCount != _names.Length)
        {
            row.Malformed = $"expected {_names.Length} fields (as in the header), found {_csv.FieldCount}";
            return true;
        }

        var values = row.Values;
        for (var c = 0; c < _names.Length; c++)
        {
            var item = _itemOfColumn[c];
            if (item >= 0)
            {
                values[item] = ResponseValue.Parse(_csv[c]);
            }
            else
            {
                row.Fields.Add(new PassField(_names[c], _csv[c].ToString(), FieldKind.Text));
            }
        }

        return true;
    }

    public override void Dispose() => _csv.Dispose();
}

/// <summary>Turns one JSON object (UTF-8) into a row: item keys become values, every other key is passed through.</summary>
internal sealed class JsonObjectParser
{
    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _items;
    private readonly Dictionary<string, string> _names = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> _nameLookup;
    private readonly ScoringPlan _plan;
    private readonly bool[] _seen;
    private char[] _chars = new char[256];

    public JsonObjectParser(ScoringPlan plan)
    {
        _plan = plan;
        var items = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < plan.ItemCount; i++)
        {
            items[plan.Definition.Items[i].Id] = i;
        }

        _items = items.GetAlternateLookup<ReadOnlySpan<char>>();
        _nameLookup = _names.GetAlternateLookup<ReadOnlySpan<char>>();
        _seen = new bool[plan.ItemCount];
    }

    public void Parse(ReadOnlySpan<byte> json, InputRow row)
    {
        Array.Clear(_seen);
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = 64 });
        try
        {
            if (!reader.Read())
            {
                row.Malformed = "expected a JSON object, found nothing";
                return;
            }

            if (reader.TokenType != JsonTokenType.StartObject)
            {
                row.Malformed = $"expected a JSON object, found {Describe(reader.TokenType)}";
                return;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var name = DecodeName(ref reader);
                var item = _items.TryGetValue(name, out var index) ? index : -1;
                var key = item >= 0 ? null : Intern(name);
                reader.Read();
                switch (reader.TokenType)
                {
                    case JsonTokenType.StartObject:
                    case JsonTokenType.StartArray:
                        row.Fields.Clear();
                        row.Malformed = $"'{name}' holds {Describe(reader.TokenType)}; expected a number, a string or null";
                        return;
                    case JsonTokenType.String when item >= 0:
                        row.Values[item] = reader.ValueIsEscaped || reader.HasValueSequence
                            ? ResponseValue.Parse(reader.GetString().AsSpan())
                            : ResponseValue.Parse(reader.ValueSpan);
                        break;
                    case JsonTokenType.String:
                        row.Fields.Add(new PassField(key!, reader.GetString(), FieldKind.Text));
                        break;
                    case JsonTokenType.Number when item >= 0:
                        row.Values[item] = reader.TryGetDouble(out var d) && double.IsFinite(d)
                            ? ResponseValue.FromNumber(d)
                            : ResponseValue.NonNumeric(Encoding.UTF8.GetString(reader.ValueSpan));
                        break;
                    case JsonTokenType.True or JsonTokenType.False when item >= 0:
                        row.Values[item] = ResponseValue.NonNumeric(reader.TokenType == JsonTokenType.True ? "true" : "false");
                        break;
                    case JsonTokenType.Null when item >= 0:
                        row.Values[item] = ResponseValue.Missing;
                        break;
                    case JsonTokenType.Null:
                        row.Fields.Add(new PassField(key!, null, FieldKind.Null));
                        break;
                    default:
                        row.Fields.Add(new PassField(key!, Encoding.UTF8.GetString(reader.ValueSpan), FieldKind.Literal));
                        break;
                }

                if (item >= 0)
                {
                    if (_seen[item])
                    {
                        row.Fields.Clear();
                        row.Malformed = $"item '{name}' is given twice";
                        return;
                    }

                    _seen[item] = true;
                }
            }

            // Anything after the object other than white space is an error (the reader throws).
            while (reader.Read())
            {
            }
        }
        catch (JsonException ex)
        {
            row.Fields.Clear();
            Array.Clear(row.Values);
            row.Malformed = "invalid JSON: " + CleanMessage(ex.Message);
        }
    }

    private ReadOnlySpan<char> DecodeName(ref Utf8JsonReader reader)
    {
        if (reader.ValueIsEscaped || reader.HasValueSequence)
        {
            return reader.GetString().AsSpan();
        }

        var bytes = reader.ValueSpan;
        if (_chars.Length < bytes.Length)
        {
            _chars = new char[bytes.Length * 2];
        }

        var n = Encoding.UTF8.GetChars(bytes, _chars);
        return _chars.AsSpan(0, n);
    }

    private string Intern(ReadOnlySpan<char> name)
    {
        if (_nameLookup.TryGetValue(name, out var s))
        {
            return s;
        }

        s = name.ToString();
        if (_names.Count < 10_000)
        {
            _names[s] = s;
        }

        return s;
    }

    private static string Describe(JsonTokenType t) => t switch
    {
        JsonTokenType.StartObject => "an object",
        JsonTokenType.StartArray => "an array",
        JsonTokenType.String => "a string",
        JsonTokenType.Number => "a number",
        JsonTokenType.True or JsonTokenType.False => "a boolean",
        JsonTokenType.Null => "null",
        _ => t.ToString(),
    };

    // "'x' is an invalid start of a value. LineNumber: 0 | BytePositionInLine: 8." -> "'x' is an invalid start of a value (at byte 9)"
    private static string CleanMessage(string message)
    {
        var at = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
        if (at < 0)
        {
            return message.TrimEnd('.');
        }

        var head = message[..at].TrimEnd().TrimEnd('.');
        var pos = message.IndexOf("BytePositionInLine: ", StringComparison.Ordinal);
        if (pos >= 0 && int.TryParse(message.AsSpan(pos + 20).TrimEnd('.'), out var b))
        {
            head += $" (at byte {b + 1} of the row)";
        }

        return head;
    }
}

/// <summary>NDJSON: one JSON object per line; blank lines are skipped.</summary>
internal sealed class NdjsonRowReader(Stream stream, ScoringPlan plan) : RowReader
{
    private readonly ByteInput _input = new(stream);
    private readonly JsonObjectParser _parser = new(plan);

    public override bool Read(InputRow row)
    {
        var scanFrom = _input.Position;
        while (true)
        {
            if (!_input.EnsureData())
            {
                return false;
            }

            var buf = _input.Buffer;
            var nl = Array.IndexOf(buf, (byte)'\n', scanFrom, _input.Length - scanFrom);
            if (nl < 0 && !_input.Eof)
            {
                var before = _input.Length - _input.Position;
                if (!_input.Fill())
                {
                    // Longer than the limit: malformed; skip the rest of the line.
                    row.Clear(_input.Line);
                    row.Malformed = $"the line is longer than {ByteInput.MaxRowBytes:N0} bytes";
                    SkipLine();
                    return true;
                }

                scanFrom = _input.Position + before;
                continue;
            }

            var end = nl < 0 ? _input.Length : nl + 1;
            var line = buf.AsSpan(_input.Position, end - _input.Position);
            var trimmed = line.Trim(" \t\r\n"u8);
            var lineNumber = _input.Line;
            if (trimmed.IsEmpty)
            {
                _input.Consume(end);
                scanFrom = _input.Position;
                continue;
            }

            row.Clear(lineNumber);
            _parser.Parse(trimmed, row);
            _input.Consume(end);
            return true;
        }
    }

    private void SkipLine()
    {
        while (true)
        {
            var nl = Array.IndexOf(_input.Buffer, (byte)'\n', _input.Position, _input.Length - _input.Position);
            if (nl >= 0)
            {
                _input.Consume(nl + 1);
                return;
            }

            _input.Consume(_input.Length);
            if (!_input.EnsureData())
            {
                return;
            }
        }
    }

    public override void Dispose() => _input.Dispose();
}

/// <summary>
/// A JSON array of objects, read element by element: a small scanner finds where each top-level element ends
/// (tracking strings and nesting, and the line it starts on) and only that element is parsed, so memory stays
/// flat and a broken element becomes one malformed row.
/// </summary>
internal sealed class JsonArrayRowReader(Stream stream, ScoringPlan plan, TextWriter stderr) : RowReader
{
    private readonly ByteInput _input = new(stream);
    private readonly JsonObjectParser _parser = new(plan);
    private State _state = State.Start;

    private enum State
    {
        Start,
        First,
        Next,
        Element,
        Done,
    }

    public override bool Read(InputRow row)
    {
        while (true)
        {
            if (!SkipWhiteSpace())
            {
                switch (_state)
                {
                    case State.Start:
                        throw new CliException("the input is empty: a JSON input needs an array of objects");
                    case State.Done:
                        return false;
                    default:
                        stderr.WriteLine("instruments: warning: the JSON array is not closed (no ']' at the end of the input)");
                        _state = State.Done;
                        return false;
                }
            }

            var c = _input.Buffer[_input.Position];
            switch (_state)
            {
                case State.Start:
                    if (c != '[')
                    {
                        var hint = c == '{' ? "; for one object per line use --input-format ndjson" : string.Empty;
                        throw new CliException($"expected a JSON array of objects ('['), found '{(char)c}' at line {_input.Line}{hint}");
                    }

                    _input.Consume(_input.Position + 1);
                    _state = State.First;
                    continue;
                case State.Done:
                    stderr.WriteLine($"instruments: warning: text after the end of the JSON array (line {_input.Line}) was ignored");
                    DrainAll();
                    return false;
                case State.First or State.Element when c == ']':
                    _input.Consume(_input.Position + 1);
                    _state = State.Done;
                    continue;
                case State.Next when c == ']':
                    _input.Consume(_input.Position + 1);
                    _state = State.Done;
                    continue;
                case State.Next when c == ',':
                    _input.Consume(_input.Position + 1);
                    _state = State.Element;
                    continue;
                case State.Next:
                    // A missing comma: read the element anyway, but flag the row.
                    ReadElement(row);
                    row.Fields.Clear();
                    Array.Clear(row.Values);
                    row.Malformed = "a ',' is missing before this element";
                    return true;
                default:
                    ReadElement(row);
                    return true;
            }
        }
    }

    private void ReadElement(InputRow row)
    {
        var line = _input.Line;
        var scanned = 0;         // bytes of the element already scanned (relative to Position)
        var depth = 0;
        var inString = false;
        var escape = false;
        while (true)
        {
            var buf = _input.Buffer;
            var start = _input.Position;
            var i = start + scanned;
            var end = -1;
            for (; i < _input.Length; i++)
            {
                var b = buf[i];
                if (inString)
                {
                    if (escape)
                    {
                        escape = false;
                    }
                    else if (b == '\\')
                    {
                        escape = true;
                    }
                    else if (b == '"')
                    {
                        inString = false;
                    }
                }
                else if (b == '"')
                {
                    inString = true;
                }
                else if (b is (byte)'{' or (byte)'[')
                {
                    depth++;
                }
                else if (b is (byte)'}' or (byte)']')
                {
                    if (depth == 0)
                    {
                        end = i;
                        break;
                    }

                    depth--;
                }
                else if (b == ',' && depth == 0)
                {
                    end = i;
                    break;
                }
            }

            if (end < 0 && !_input.Eof)
            {
                scanned = i - start;
                if (!_input.Fill())
                {
                    throw new CliException($"the JSON element starting at line {line} is larger than {ByteInput.MaxRowBytes:N0} bytes");
                }

                continue;
            }

            if (end < 0)
            {
                end = _input.Length;
            }

            row.Clear(line);
            _parser.Parse(buf.AsSpan(start, end - start), row);
            _input.Consume(end);
            _state = State.Next;
            return;
        }
    }

    private bool SkipWhiteSpace()
    {
        while (_input.EnsureData())
        {
            var buf = _input.Buffer;
            var i = _input.Position;
            while (i < _input.Length && buf[i] is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n')
            {
                i++;
            }

            _input.Consume(i);
            if (i < _input.Length)
            {
                return true;
            }
        }

        return false;
    }

    private void DrainAll()
    {
        while (_input.EnsureData())
        {
            _input.Consume(_input.Length);
        }
    }

    public override void Dispose() => _input.Dispose();
}
