using System.Globalization;
using System.Runtime.CompilerServices;
using Instruments.Course;
using Instruments.Diagnostics;
using Instruments.Scoring;

namespace Instruments.Data;

/// <summary>One administration as the tracker keeps it: 48 bytes plus its score values in the store's value array.</summary>
internal struct Administration
{
    public Occasion Occasion;
    public int Line;
    public int Client;          // index of the client (order of first appearance)
    public int Values;          // index of the first score value in the store
    public int Parts;           // index of the first instrument part in the store (fills padding: still 48 bytes)
    public int TextStart;       // into the store's text arena (bad occasions, why an administration is invalid)
    public int TextLength;
    public ResponseStatus Status;
    public TrackedKind Kind;
}

/// <summary>
/// The analysis of one client, reused from client to client: the administrations in occasion order (one position per
/// distinct occasion; rows whose occasion is not usable come last, at no position), each score's series and
/// <see cref="ScoreCourse"/> (scores numbered across the instruments of a protocol), the protocol's outcomes, and the
/// client's diagnostics. Filled by <see cref="Tracker"/>, read by the writers.
/// </summary>
internal sealed class ClientCourse
{
    private readonly Tracker _tracker;
    private Administration[] _admins = new Administration[16];
    private int[] _position = new int[16];       // per administration: its position, or -1
    private int[] _positionStart = new int[16];  // per position: index of its first administration
    private readonly double[][] _series;
    private readonly TrackedSet _set;
    private readonly int[] _used;
    private readonly MeasureFacts[] _facts;
    private readonly List<string> _missing = [];

    public ClientCourse(Tracker tracker)
    {
        _tracker = tracker;
        _set = tracker.Set;
        Analyzers = [.. _set.Scores.Select(CourseAnalyzer.Create)];
        Courses = [.. Analyzers.Select(a => a.CreateResult())];
        _series = [.. Analyzers.Select(_ => new double[16])];
        _used = new int[_set.Instruments.Length];
        _facts = new MeasureFacts[_set.MemberScores.Length];
        Outcomes = new bool?[_set.Protocol?.Outcomes.Length ?? 0];
        if (_set.Protocol?.AllianceOutcome is { } pairing)
        {
            Pairing = pairing;
            _allianceScore = _set.ScoreStart[pairing.Alliance.InstrumentIndex] + pairing.Alliance.ScoreIndex;
            _outcomeScore = _set.ScoreStart[pairing.Outcome.InstrumentIndex] + pairing.Outcome.ScoreIndex;
            AllianceOutcome = new AllianceOutcomeAccumulator();
        }
    }

    private readonly int _allianceScore = -1;
    private readonly int _outcomeScore = -1;

    /// <summary>The protocol's alliance-and-outcome pairing; null without one.</summary>
    public AllianceOutcomePairing? Pairing { get; }

    /// <summary>The pairs of every client analysed so far (one run of the tracker); null without a pairing.</summary>
    public AllianceOutcomeAccumulator? AllianceOutcome { get; }

    /// <summary>This client's early alliance (NaN when none of the first administrations is usable, or without a pairing).</summary>
    public double EarlyAlliance { get; private set; } = double.NaN;

    /// <summary>How many usable alliance values <see cref="EarlyAlliance"/> is the mean of.</summary>
    public int EarlyCount { get; private set; }

    /// <summary>This client's outcome change (the outcome measure's <see cref="ScoreCourse.Change"/>); NaN without a pairing.</summary>
    public double OutcomeChange => _outcomeScore < 0 ? double.NaN : Courses[_outcomeScore].Change;

    /// <summary>The outcome measure's reliable-change outcome under the rule it names; null without one, or without a change.</summary>
    public ChangeOutcome? OutcomeReliable =>
        Pairing is { Outcome.ReliableChangeIndex: >= 0 and var rule } ? Courses[_outcomeScore].Outcome(rule) : null;

    public CourseAnalyzer[] Analyzers { get; }

    public ScoreCourse[] Courses { get; }

    private string? _client = string.Empty;
    private byte[] _clientUtf8 = new byte[64];
    private int _clientUtf8Length = -1;   // -1: not encoded yet

    /// <summary>The client id (decoded from <see cref="ClientUtf8"/> the first time it is asked for).</summary>
    public string Client => _client ??= System.Text.Encoding.UTF8.GetString(_clientUtf8, 0, _clientUtf8Length);

    /// <summary>The client id as UTF-8 (the input's bytes when the tracker streams; encoded from <see cref="Client"/> otherwise).</summary>
    public ReadOnlySpan<byte> ClientUtf8
    {
        get
        {
            if (_clientUtf8Length < 0)
            {
                var client = _client!;
                var bytes = System.Text.Encoding.UTF8.GetMaxByteCount(client.Length);
                if (_clientUtf8.Length < bytes)
                {
                    _clientUtf8 = new byte[bytes];
                }

                _clientUtf8Length = System.Text.Encoding.UTF8.GetBytes(client, _clientUtf8);
            }

            return _clientUtf8.AsSpan(0, _clientUtf8Length);
        }
    }

    /// <summary>The next client to analyse, as text.</summary>
    public void SetClient(string client)
    {
        _client = client;
        _clientUtf8Length = -1;
    }

    /// <summary>The next client to analyse, as the input's UTF-8 bytes (valid UTF-8: the readers replace what is not).</summary>
    public void SetClient(ReadOnlySpan<byte> clientUtf8)
    {
        if (_clientUtf8.Length < clientUtf8.Length)
        {
            _clientUtf8 = new byte[clientUtf8.Length * 2];
        }

        clientUtf8.CopyTo(_clientUtf8);
        _clientUtf8Length = clientUtf8.Length;
        _client = null;
    }

    /// <summary>Rows of the client, including those whose occasion is not usable.</summary>
    public int Count { get; private set; }

    /// <summary>Distinct usable occasions.</summary>
    public int PositionCount { get; private set; }

    /// <summary>Administrations with at least one usable score value (of the first instrument).</summary>
    public int Used => _used[0];

    /// <summary>Administrations with at least one usable score value of instrument <paramref name="instrument"/>.</summary>
    public int UsedBy(int instrument) => _used[instrument];

    /// <summary>The protocol's outcomes (true, false or null for unknown), in its order; empty without a protocol.</summary>
    public bool?[] Outcomes { get; }

    public List<TrackDiagnostic> Diagnostics { get; } = [];

    public ReadOnlySpan<Administration> Administrations => _admins.AsSpan(0, Count);

    /// <summary>The position of administration <paramref name="i"/> (in <see cref="Administrations"/>), or -1.</summary>
    public int PositionOf(int i) => _position[i];

    public Occasion OccasionAt(int position) => _admins[_positionStart[position]].Occasion;

    /// <summary>The line of the first administration at <paramref name="position"/>.</summary>
    public int LineAt(int position) => _admins[_positionStart[position]].Line;

    public ReadOnlySpan<double> Series(int score) => _series[score].AsSpan(0, PositionCount);

    /// <summary>Score <paramref name="score"/> of administration <paramref name="i"/> as scored (NaN when not computed).</summary>
    public double Value(int i, int score) => _tracker.Store.Value(_admins[i].Values, score);

    public ReadOnlySpan<byte> Text(int i) => _tracker.Store.Text(_admins[i].TextStart, _admins[i].TextLength);

    /// <summary>Instrument <paramref name="instrument"/>'s part of administration <paramref name="i"/>.</summary>
    public InstrumentPart Part(int i, int instrument) => _tracker.Store.Part(_admins[i].Parts, instrument);

    /// <summary>Why instrument <paramref name="instrument"/>'s part of administration <paramref name="i"/> is invalid (UTF-8); empty when it is not.</summary>
    public ReadOnlySpan<byte> Reason(int i, int instrument)
    {
        var part = Part(i, instrument);
        return part.ReasonLength > 0 ? _tracker.Store.Text(part.ReasonStart, part.ReasonLength) : [];
    }

    /// <summary>Analyses <paramref name="admins"/> (the rows of the client last set with <c>SetClient</c>, in input order).</summary>
    public void Analyze(ReadOnlySpan<Administration> admins)
    {
        Count = admins.Length;
        Diagnostics.Clear();
        if (_admins.Length < admins.Length)
        {
            var size = Math.Max(admins.Length, _admins.Length * 2);
            _admins = new Administration[size];
            _position = new int[size];
            _positionStart = new int[size];
            for (var s = 0; s < _series.Length; s++)
            {
                _series[s] = new double[size];
            }
        }

        // Usable occasions first, in occasion order (ties by line: the input order of duplicates); then the rest, in input order.
        var usable = 0;
        foreach (ref readonly var a in admins)
        {
            if (a.Kind == TrackedKind.Ok)
            {
                _admins[usable++] = a;
            }
        }

        var rest = usable;
        foreach (ref readonly var a in admins)
        {
            if (a.Kind != TrackedKind.Ok)
            {
                _admins[rest++] = a;
            }
        }

        SortByOccasion(_admins.AsSpan(0, usable));

        var scores = Analyzers.Length;
        var positions = 0;
        Array.Clear(_used);
        for (var i = 0; i < usable;)
        {
            var j = i + 1;
            while (j < usable && _admins[j].Occasion == _admins[i].Occasion)
            {
                j++;
            }

            var p = positions++;
            _positionStart[p] = i;
            for (var k = i; k < j; k++)
            {
                _position[k] = p;
            }

            if (j - i > 1)
            {
                var lines = new int[j - i];
                for (var k = i; k < j; k++)
                {
                    lines[k - i] = _admins[k].Line;
                }

                Add(InstrumentDiagnostics.DuplicateOccasion, lines[0], -1, [Client, string.Join(", ", lines), _admins[i].Occasion.ToString()], lines);
                for (var s = 0; s < scores; s++)
                {
                    _series[s][p] = double.NaN;
                }
            }
            else
            {
                SinglePosition(i, p);
            }

            i = j;
        }

        PositionCount = positions;
        for (var k = usable; k < Count; k++)
        {
            _position[k] = -1;
            ref readonly var a = ref _admins[k];
            var text = a.Kind == TrackedKind.WrongKind
                ? string.Create(CultureInfo.InvariantCulture, $"is {Article(a.Occasion.Kind)}, but the file's first occasion (line {_tracker.FirstOccasionLine}) is {Article(_tracker.FileKind)}")
                : "is not a number or an ISO date (yyyy-MM-dd)";
            var given = a.Kind == TrackedKind.WrongKind ? a.Occasion.ToString() : System.Text.Encoding.UTF8.GetString(Text(k));
            Add(InstrumentDiagnostics.OccasionNotUsable, a.Line, -1, [a.Line, given, text]);
        }

        for (var s = 0; s < scores; s++)
        {
            Analyzers[s].Analyze(Series(s), Courses[s]);
            var course = Courses[s];
            if (course.Used < 2)
            {
                var why = course.Used == 0
                    ? "no usable administration"
                    : string.Create(CultureInfo.InvariantCulture, $"only one usable administration (line {LineAt(course.FirstPosition)})");
                Add(InstrumentDiagnostics.NoChange, course.Used == 1 ? LineAt(course.FirstPosition) : 0, s, [Client, _set.ScoreName(s), why]);
            }
        }

        if (_set.Protocol is { } protocol)
        {
            var members = protocol.Members;
            for (var m = 0; m < _facts.Length; m++)
            {
                var course = Courses[_set.MemberScores[m]];
                var rule = members[m].ReliableChangeIndex;
                _facts[m] = new MeasureFacts(course.CaseFirst, course.CaseLast, rule >= 0 ? course.Outcome(rule) : null);
            }

            protocol.Evaluate(_facts, Outcomes);
            if (AllianceOutcome is { } across)
            {
                EarlyAlliance = AllianceOutcomeAccumulator.EarlyAlliance(Series(_allianceScore), Pairing!.EarlySessions, out var early);
                EarlyCount = early;
                across.Add(EarlyAlliance, OutcomeChange);
            }
        }

        // Diagnostics in the order of the lines they name (those that name none last), then by ID.
        if (Diagnostics.Count < 2)
        {
            return;
        }

        Diagnostics.Sort(static (x, y) =>
            (x.Line == 0) != (y.Line == 0) ? (x.Line == 0 ? 1 : -1)
            : x.Line != y.Line ? x.Line.CompareTo(y.Line)
            : string.CompareOrdinal(x.Descriptor.Id, y.Descriptor.Id) is var c and not 0 ? c
            : x.Score.CompareTo(y.Score));
    }

    // One administration at its occasion: per instrument, its values are the series' values where usable; RSP2030 where not.
    private void SinglePosition(int i, int p)
    {
        ref readonly var a = ref _admins[i];
        var instruments = _set.Instruments.Length;
        for (var k = 0; k < instruments; k++)
        {
            var from = _set.ScoreStart[k];
            var to = _set.ScoreStart[k + 1];
            var part = Part(i, k);
            if (part.Status == ResponseStatus.Invalid)
            {
                for (var s = from; s < to; s++)
                {
                    _series[s][p] = double.NaN;
                }

                var reason = part.ReasonLength > 0
                    ? " (" + System.Text.Encoding.UTF8.GetString(_tracker.Store.Text(part.ReasonStart, part.ReasonLength)) + ")"
                    : string.Empty;
                var of = _set.Protocol is null ? string.Empty : " of " + _set.Instruments[k].Definition.Id;
                // In a protocol the diagnostic carries the instrument's first score, so that outputs can say which instrument.
                Add(InstrumentDiagnostics.AdministrationNotUsed, a.Line, _set.Protocol is null ? -1 : from, [a.Line, "any score" + of, "it is invalid" + reason]);
                continue;
            }

            var any = false;
            _missing.Clear();
            var missingScore = -1;
            for (var s = from; s < to; s++)
            {
                var v = Value(i, s);
                _series[s][p] = v;
                if (double.IsFinite(v))
                {
                    any = true;
                }
                else
                {
                    _missing.Add(_set.ScoreName(s));
                    missingScore = s;
                }
            }

            if (any)
            {
                _used[k]++;
            }

            if (_missing.Count > 0)
            {
                Add(InstrumentDiagnostics.AdministrationNotUsed, a.Line, _missing.Count == 1 ? missingScore : _set.Protocol is null ? -1 : from,
                    [a.Line, string.Join(", ", _missing), _missing.Count == 1
                        ? "the score is not computed (more items missing than its missing rule allows)"
                        : "the scores are not computed (more items missing than their missing rules allow)"]);
            }
        }
    }

    // By occasion, then line (a total order). A client's few administrations: insertion sort, fully optimised from the
    // first client on (a generic sort would run unoptimised code until the runtime recompiles it).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void SortByOccasion(Span<Administration> admins)
    {
        if (admins.Length > 32)
        {
            admins.Sort(static (x, y) => Before(x, y) ? -1 : Before(y, x) ? 1 : 0);
            return;
        }

        for (var i = 1; i < admins.Length; i++)
        {
            var a = admins[i];
            var j = i - 1;
            while (j >= 0 && Before(a, admins[j]))
            {
                admins[j + 1] = admins[j];
                j--;
            }

            admins[j + 1] = a;
        }

        static bool Before(in Administration x, in Administration y) =>
            x.Occasion != y.Occasion ? x.Occasion.CompareTo(y.Occasion) < 0 : x.Line < y.Line;
    }

    private static string Article(OccasionKind kind) => kind == OccasionKind.Date ? "a date" : "a number";

    private void Add(DiagnosticDescriptor descriptor, int line, int score, object?[] args, int[]? lines = null)
    {
        if (_set.Options.GetEffectiveSeverity(descriptor.Id, descriptor.DefaultSeverity) is { } severity)
        {
            Diagnostics.Add(new TrackDiagnostic(descriptor, severity, line, score, args, lines));
        }
    }
}
