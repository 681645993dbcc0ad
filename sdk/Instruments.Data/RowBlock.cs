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

    private int[] _start;
    private int[] _length;
    private int[] _line;
    private string?[] _malformed;

    /// <summary>A block with room for a full one (the pipeline's, recycled run after run).</summary>
    public RowBlock()
        : this(TargetBytes)
    {
    }

    /// <summary>
    /// A block that starts with room for about <paramref name="initialBytes"/> of input (and a few rows) and grows as
    /// rows are added, up to a full block: for a small input, which would not use a full block's 0.8 MB.
    /// </summary>
    /// <param name="initialBytes">The input expected, in bytes.</param>
    public RowBlock(int initialBytes)
    {
        var bytes = Math.Clamp(initialBytes, 256, TargetBytes);
        var rows = bytes == TargetBytes ? MaxRows : 16;
        _start = new int[rows];
        _length = new int[rows];
        _line = new int[rows];
        _malformed = new string?[rows];
        Data = new(bytes == TargetBytes ? TargetBytes + (16 * 1024) : bytes);
        Output = new(bytes * 2);
    }

    /// <summary>The rows' raw bytes, back to back.</summary>
    public ByteBuffer Data { get; }

    /// <summary>Number of rows.</summary>
    public int Count { get; private set; }

    /// <summary>0-based ordinal of the block's first row in the whole input.</summary>
    public long FirstRow { get; set; }

    /// <summary>Warnings of the reader found while filling the block (printed after the block's rows).</summary>
    public List<string>? ReaderWarnings { get; private set; }

    /// <summary>Warnings found while formatting the rows, keyed for deduplication across the whole run.</summary>
    public List<(string Key, string Message)>? RowWarnings { get; private set; }

    /// <summary>The formatted results of the rows.</summary>
    public ByteBuffer Output { get; }

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
        if (Count == _start.Length)
        {
            Grow();
        }

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

    private void Grow()
    {
        var rows = Math.Min(MaxRows, _start.Length * 2);
        Array.Resize(ref _start, rows);
        Array.Resize(ref _length, rows);
        Array.Resize(ref _line, rows);
        Array.Resize(ref _malformed, rows);
    }

    public void AddReaderWarning(string message) => (ReaderWarnings ??= []).Add(message);

    public void AddRowWarning(string key, string message) => (RowWarnings ??= []).Add((key, message));
}
