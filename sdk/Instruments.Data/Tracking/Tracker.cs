using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Text;
using Instruments.Course;
using Instruments.Data.IO;
using Instruments.Diagnostics;
using Instruments.Scoring;

namespace Instruments.Data;

/// <summary>
/// The administrations the tracker holds: compact structs, the score values in one array, each instrument's part
/// (status, why invalid) in another, and a byte arena for the few texts (bad occasions, why a part is invalid).
/// Nothing is allocated per administration; the arrays grow by doubling.
/// </summary>
internal sealed class AdministrationStore(int instruments, int scores)
{
    private Administration[] _admins = new Administration[256];
    private double[] _values = new double[256 * Math.Max(1, scores)];
    private InstrumentPart[] _parts = new InstrumentPart[256 * instruments];
    private readonly ByteBuffer _text = new(256);

    public int Count { get; private set; }

    public Span<Administration> Administrations => _admins.AsSpan(0, Count);

    public double Value(int values, int score) => _values[values + score];

    /// <summary>Instrument <paramref name="instrument"/>'s part of the administration whose parts start at <paramref name="parts"/> (<see cref="Administration.Parts"/>).</summary>
    public ref readonly InstrumentPart Part(int parts, int instrument) => ref _parts[parts + instrument];

    public ReadOnlySpan<byte> Text(int start, int length) => _text.WrittenSpan.Slice(start, length);

    public void Add(in TrackedRow row, int client, TrackedKind kind)
    {
        if (Count == _admins.Length)
        {
            Array.Resize(ref _admins, Count * 2);
            Array.Resize(ref _parts, Count * 2 * instruments);
        }

        var values = Count * Math.Max(1, scores);
        if (values + scores > _values.Length)
        {
            Array.Resize(ref _values, Math.Max(_values.Length * 2, values + scores));
        }

        var from = row.Values;
        for (var s = 0; s < scores; s++)
        {
            _values[values + s] = BinaryPrimitives.ReadDoubleLittleEndian(from[(8 * s)..]);
        }

        var textStart = _text.Length;
        _text.Write(row.Text);
        var reasons = row.Reasons;
        var parts = row.Parts;
        for (var k = 0; k < instruments; k++)
        {
            var length = parts[(2 * k) + 1];
            var start = _text.Length;
            if (length > 0)
            {
                _text.Write(reasons[..length]);
                reasons = reasons[length..];
            }

            _parts[(Count * instruments) + k] = new InstrumentPart((ResponseStatus)parts[2 * k], start, length);
        }

        var firstPart = Count * instruments;
        _admins[Count++] = new Administration
        {
            Occasion = row.Occasion,
            Line = row.Line,
            Client = client,
            Values = values,
            Parts = firstPart,
            TextStart = textStart,
            TextLength = row.Text.Length,
            Status = row.Status,
            Kind = kind,
        };
    }

    public void Clear()
    {
        Count = 0;
        _text.Clear();
    }
}

/// <summary>One instrument's part of an administration: its status and, when invalid, why (in the store's text arena).</summary>
internal readonly record struct InstrumentPart(ResponseStatus Status, int ReasonStart, int ReasonLength);

/// <summary>
/// Collects the scored rows of one run, in input order, and writes each client's analysis. Streaming (the input is
/// known to be grouped by client): a client is analysed and written as soon as its run of rows ends, and only its own
/// administrations are held. Buffered: every administration is held until the end, then clients are written in the
/// order of their first row.
/// </summary>
internal sealed class Tracker
{
    private readonly TrackingOptions _options;
    private readonly TrackingWriter _writer;
    private readonly bool _streaming;
    private readonly ClientCourse _course;
    private readonly char[] _chars = new char[256];

    // Buffered: client ids by first appearance.
    private readonly Dictionary<string, int> _clientIndex = new(StringComparer.Ordinal);
    private readonly List<string> _clients = [];

    // Streaming: the runs of client ids so far (a client seen again means the input changed between the pre-scan and
    // this pass); the current client's id is held by the course until the client is written.
    private readonly ClientRuns? _runs;
    private readonly bool _optimistic;

    /// <param name="set">The instruments tracked.</param>
    /// <param name="options">The run's options.</param>
    /// <param name="writer">Where clients go.</param>
    /// <param name="runs">Streaming: the runs of client ids; null: buffered.</param>
    /// <param name="optimistic">
    /// Streaming on the guess that the input is grouped (nothing was pre-scanned): a client id seen again, or its hash
    /// (<see cref="ClientRuns.Step.Collision"/>), throws <see cref="NotGroupedException"/> so that the caller can start
    /// again otherwise.
    /// </param>
    public Tracker(TrackedSet set, TrackingOptions options, TrackingWriter writer, ClientRuns? runs, bool optimistic = false)
    {
        _optimistic = optimistic;
        Set = set;
        _options = options;
        _writer = writer;
        _streaming = runs is not null;
        _runs = runs;
        Store = new AdministrationStore(set.Instruments.Length, set.ScoreCount);
        _course = new ClientCourse(this);
    }

    public TrackedSet Set { get; }

    /// <summary>The alliance and outcome across the clients written; null without a pairing or before <see cref="Complete"/>.</summary>
    public AllianceOutcomeSummary? AllianceOutcome { get; private set; }

    public AdministrationStore Store { get; }

    /// <summary>The kind of the file's first usable occasion; all others must be of this kind.</summary>
    public OccasionKind FileKind { get; private set; }

    public int FirstOccasionLine { get; private set; }

    public List<TrackDiagnostic> Unattributed { get; } = [];

    public long Rows { get; private set; }

    public long Clients { get; private set; }

    public long Administrations { get; private set; }

    public long Problems { get; private set; }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Add(in TrackedRow row)
    {
        Rows++;
        switch (row.Kind)
        {
            case TrackedKind.Malformed:
                AddUnattributed(InstrumentDiagnostics.MalformedRow, row.Line, [row.Line, Encoding.UTF8.GetString(row.Text)]);
                return;
            case TrackedKind.NoClient:
                AddUnattributed(InstrumentDiagnostics.ClientIdEmpty, row.Line, [row.Line, _options.ClientColumn]);
                return;
        }

        var kind = row.Kind;
        if (kind == TrackedKind.Ok)
        {
            if (FirstOccasionLine == 0)
            {
                FirstOccasionLine = row.Line;
                FileKind = row.Occasion.Kind;
            }
            else if (row.Occasion.Kind != FileKind)
            {
                kind = TrackedKind.WrongKind;
            }
        }

        Administrations++;
        if (_streaming)
        {
            var client = row.Client;
            var step = _runs!.Next(client);
            if (step != ClientRuns.Step.Same)
            {
                FlushCurrent();
                if (step != ClientRuns.Step.New && _optimistic)
                {
                    throw new NotGroupedException();
                }

                if (step != ClientRuns.Step.New)
                {
                    throw new ResponseFileException($"client '{Encoding.UTF8.GetString(client)}' (line {row.Line}) appeared again after the rows of other clients, although the input was grouped by client when it was first read: the input changed while it was read");
                }

                // The course holds the id (as UTF-8, the string made only when asked for) until the client is written.
                _course.SetClient(client);
            }

            Store.Add(row, 0, kind);
        }
        else
        {
            Store.Add(row, ClientIndex(row.Client), kind);
        }
    }

    private int ClientIndex(ReadOnlySpan<byte> utf8)
    {
        var chars = _chars.Length >= Encoding.UTF8.GetMaxCharCount(utf8.Length) ? _chars : new char[Encoding.UTF8.GetMaxCharCount(utf8.Length)];
        var n = Encoding.UTF8.GetChars(utf8, chars);
        var lookup = _clientIndex.GetAlternateLookup<ReadOnlySpan<char>>();
        if (lookup.TryGetValue(chars.AsSpan(0, n), out var index))
        {
            return index;
        }

        var id = new string(chars, 0, n);
        index = _clients.Count;
        _clients.Add(id);
        _clientIndex.Add(id, index);
        return index;
    }

    private void FlushCurrent()
    {
        if (Store.Count > 0)
        {
            Write(Store.Administrations);
        }

        Store.Clear();
    }

    /// <summary>Writes the clients not yet written and the end of the output.</summary>
    public void Complete()
    {
        if (_streaming)
        {
            FlushCurrent();
        }
        else
        {
            WriteBuffered();
        }

        AllianceOutcome = _course.AllianceOutcome?.Summarize();
        _writer.End(Unattributed, AllianceOutcome);
    }

    // Every client's administrations, grouped by a counting sort on the client index (stable: input order within a client).
    private void WriteBuffered()
    {
        var admins = Store.Administrations;
        var clients = _clients.Count;
        var start = new int[clients + 1];
        foreach (ref readonly var a in admins)
        {
            start[a.Client + 1]++;
        }

        for (var c = 0; c < clients; c++)
        {
            start[c + 1] += start[c];
        }

        var next = (int[])start.Clone();
        var grouped = new Administration[admins.Length];
        foreach (ref readonly var a in admins)
        {
            grouped[next[a.Client]++] = a;
        }

        for (var c = 0; c < clients; c++)
        {
            _course.SetClient(_clients[c]);
            Write(grouped.AsSpan(start[c], start[c + 1] - start[c]));
        }
    }

    // The client was set on the course (ClientCourse.SetClient).
    private void Write(ReadOnlySpan<Administration> admins)
    {
        _course.Analyze(admins);
        foreach (var d in _course.Diagnostics)
        {
            if (d.Severity >= DiagnosticSeverity.Warning)
            {
                Problems++;
            }
        }

        Clients++;
        _writer.Client(_course);
        _options.OnClient?.Invoke(TrackedClient.From(_course, Set.Instruments[0]));
    }

    private void AddUnattributed(DiagnosticDescriptor descriptor, int line, object?[] args)
    {
        if (Set.Options.GetEffectiveSeverity(descriptor.Id, descriptor.DefaultSeverity) is not { } severity)
        {
            return;
        }

        var d = new TrackDiagnostic(descriptor, severity, line, -1, args);
        Unattributed.Add(d);
        if (severity >= DiagnosticSeverity.Warning)
        {
            Problems++;
        }

        _options.Warnings?.Invoke(d.ToString());
    }
}

/// <summary>An optimistic streaming run (<see cref="Tracker"/>) met a client again, or a hash it cannot tell from one.</summary>
internal sealed class NotGroupedException : Exception
{
    public NotGroupedException()
        : base("the input is not grouped by client")
    {
    }
}
