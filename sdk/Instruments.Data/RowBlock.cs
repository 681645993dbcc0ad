using Instruments.Data.IO;

namespace Instruments.Data;

/// <summary>
/// A run of consecutive input rows, the unit of work of the scoring pipeline: the reader fills it with the rows'
/// raw bytes and where each row starts (sequentially, cheap), a worker decodes, scores and formats its rows into
/// <see cref="Output"/> (in parallel with other blocks), and the writer copies the outputs in input order.
/// </summary>
internal sealed class RowBlock
{
    /// <summary>At most this many rows per block.</summary>
    public const int MaxRows = 4096;

    /// <summary>A block is full once its raw bytes reach this size (one row may take it past).</summary>
    public const int TargetBytes = 256 * 1024;

    private int[] _start = new int[MaxRows];
    private int[] _length = new int[MaxRows];
    private int[] _line = new int[MaxRows];
    private string?[] _malformed = new string?[MaxRows];

    /// <summary>The rows' raw bytes, back to back.</summary>
    public ByteBuffer Data { get; } = new(TargetBytes + (16 * 1024));

    /// <summary>Number of rows.</summary>
    public int Count { get; private set; }

    /// <summary>0-based ordinal of the block's first row in the whole input.</summary>
    public long FirstRow { get; set; }

    /// <summary>Warnings of the reader found while filling the block (printed after the block's rows).</summary>
    public List<string>? ReaderWarnings { get; private set; }

    /// <summary>Warnings found while formatting the rows, keyed for deduplication across the whole run.</summary>
    public List<(string Key, string Message)>? RowWarnings { get; private set; }

    /// <summary>The formatted results of the rows.</summary>
    public ByteBuffer Output { get; } = new(TargetBytes * 2);

    public int Complete { get; set; }

    public int Partial { get; set; }

    public int Invalid { get; set; }

    /// <summary>Set by the worker when <see cref="Output"/> is complete.</summary>
    public ManualResetEventSlim Done { get; } = new(false);

    public bool IsFull => Count == MaxRows || Data.Length >= TargetBytes;

    public bool IsEmpty => Count == 0 && ReaderWarnings is not { Count: > 0 };

    /// <summary>The raw bytes of row <paramref name="row"/>.</summary>
    public ReadOnlySpan<byte> Raw(int row) => Data.WrittenSpan.Slice(_start[row], _length[row]);

    /// <summary>
    /// The bytes from row <paramref name="row"/>'s start to the end of the buffer (the row's own are the first
    /// <see cref="RawLength"/>), for a reader that loads whole vectors and masks off what follows the row.
    /// </summary>
    public ReadOnlySpan<byte> RawToEnd(int row) => Data.Array.AsSpan(_start[row]);

    /// <summary>The length of row <paramref name="row"/>'s raw bytes.</summary>
    public int RawLength(int row) => _length[row];

    /// <summary>The 1-based input line on which row <paramref name="row"/> starts.</summary>
    public int Line(int row) => _line[row];

    /// <summary>Why row <paramref name="row"/> could not be read (found by the reader), or null.</summary>
    public string? Malformed(int row) => _malformed[row];

    public void Reset(long firstRow)
    {
        Data.Clear();
        Output.Clear();
        Array.Clear(_malformed, 0, Count);
        Count = 0;
        FirstRow = firstRow;
        ReaderWarnings?.Clear();
        RowWarnings?.Clear();
        Complete = Partial = Invalid = 0;
        Done.Reset();
    }

    /// <summary>Adds a row whose raw bytes are <see cref="Data"/>[start..start+length).</summary>
    public void Add(int start, int length, int line, string? malformed = null)
    {
        _start[Count] = start;
        _length[Count] = length;
        _line[Count] = line;
        _malformed[Count] = malformed;
        Count++;
    }

    /// <summary>Appends a row's raw bytes to <see cref="Data"/> and adds the row.</summary>
    public void Add(ReadOnlySpan<byte> raw, int line, string? malformed = null)
    {
        var start = Data.Length;
        Data.Write(raw);
        Add(start, raw.Length, line, malformed);
    }

    public void AddReaderWarning(string message) => (ReaderWarnings ??= []).Add(message);

    public void AddRowWarning(string key, string message) => (RowWarnings ??= []).Add((key, message));
}
