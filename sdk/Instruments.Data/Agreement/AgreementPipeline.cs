using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using Instruments.Alliance;
using Instruments.Course;
using Instruments.Diagnostics;
using Instruments.Scoring;

namespace Instruments.Data;

/// <summary>
/// Client and therapist agreement over two inputs: the client form's administrations and the therapist form's (CSV,
/// JSON or NDJSON, through <see cref="ResponseReader"/>), each scored with its own form of an
/// <see cref="InstrumentPairing"/> on all cores (the parallel scoring of <see cref="ScoringPipeline"/>), paired by
/// client and occasion (and therapist, with <see cref="AgreementOptions.TherapistColumn"/>), and summarised per pair,
/// per dyad and across dyads with <see cref="AgreementAccumulator"/>. Or (the one-file variant) one input whose rows
/// hold both forms, read through a protocol that lists both.
/// </summary>
/// <remarks>
/// <para>Every input row is mentioned exactly once in the output: in a pair, in the unpaired list (a usable
/// administration with no usable partner at its occasion, RSP2042), or in a diagnostic naming its file and line: it
/// cannot be read (RSP2010), has no client id (RSP2034), no therapist id (RSP2043), an occasion that is not a number or
/// an ISO date or not of the kind of its file's first (RSP2033), is invalid or one of its paired scores is not computed
/// (RSP2040), or is one of several administrations of one form for one dyad at one occasion (RSP2041: never merged,
/// none paired).</para>
/// <para>Memory: both inputs' usable administrations are held until the end (about 40 bytes plus 8 per paired score
/// each, plus each dyad's key once and one dictionary entry per dyad and occasion), so memory grows with the number of
/// administrations; nothing else is allocated per pair.</para>
/// </remarks>
public sealed class AgreementPipeline
{
    private readonly InstrumentPairing _pairing;
    private readonly (Stream Input, DataFormat Format)[] _inputs;
    private readonly AgreementOptions _options;
    private readonly ProtocolPlan? _protocol;

    /// <summary>Creates a pipeline over the two forms' inputs.</summary>
    /// <param name="pairing">The forms and their corresponding scores (<see cref="InstrumentPairing.Resolve"/>).</param>
    /// <param name="clientInput">The client form's administrations (UTF-8); read and disposed by <see cref="Run"/>.</param>
    /// <param name="clientFormat">Its format.</param>
    /// <param name="therapistInput">The therapist form's administrations (UTF-8); read and disposed by <see cref="Run"/>.</param>
    /// <param name="therapistFormat">Its format.</param>
    /// <param name="options">Columns, threshold, output shape, warnings and threads; null for the defaults.</param>
    public AgreementPipeline(InstrumentPairing pairing, Stream clientInput, DataFormat clientFormat, Stream therapistInput, DataFormat therapistFormat,
        AgreementOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(pairing);
        ArgumentNullException.ThrowIfNull(clientInput);
        ArgumentNullException.ThrowIfNull(therapistInput);
        _pairing = pairing;
        _inputs = [(clientInput, clientFormat), (therapistInput, therapistFormat)];
        _options = options ?? new AgreementOptions();
        ArgumentException.ThrowIfNullOrEmpty(_options.ClientColumn, nameof(options));
        ArgumentException.ThrowIfNullOrEmpty(_options.OccasionColumn, nameof(options));
        if (_options.TherapistColumn is { Length: 0 })
        {
            throw new ArgumentException("the therapist column, when given, needs a name", nameof(options));
        }

        if (_options.Discrepancy is { } threshold && (!(threshold > 0) || !double.IsFinite(threshold)))
        {
            throw new ArgumentOutOfRangeException(nameof(options), threshold, "a discrepancy threshold is a positive number of points");
        }
    }

    /// <summary>
    /// Creates a pipeline over one input whose rows hold both forms (the one-file variant): <paramref name="protocol"/>
    /// lists both forms of <paramref name="pairing"/> among its instruments (their item ids differ, INS1107), each row is
    /// scored for every instrument of the protocol, and each row's client part is paired with the therapist part of the
    /// same dyad and occasion (normally its own row). A row that cannot be read, or has no client, therapist or usable
    /// occasion, is one diagnostic; otherwise each form's part is used (or not: RSP2040, RSP2041) on its own.
    /// </summary>
    /// <param name="pairing">The forms and their corresponding scores (<see cref="InstrumentPairing.Resolve"/>).</param>
    /// <param name="protocol">A protocol holding both forms.</param>
    /// <param name="input">The rows (UTF-8); read and disposed by <see cref="Run"/>.</param>
    /// <param name="inputFormat">Its format.</param>
    /// <param name="options">Columns, threshold, output shape, warnings and threads; null for the defaults. Both input names name the one input.</param>
    /// <exception cref="ArgumentException">The protocol does not hold both forms.</exception>
    public AgreementPipeline(InstrumentPairing pairing, ProtocolPlan protocol, Stream input, DataFormat inputFormat, AgreementOptions? options = null)
        : this(pairing, input, inputFormat, Stream.Null, inputFormat, options)
    {
        ArgumentNullException.ThrowIfNull(protocol);
        foreach (var form in new[] { pairing.Client, pairing.Therapist })
        {
            if (!protocol.Instruments.Any(p => string.Equals(p.Definition.Id, form.Definition.Id, StringComparison.Ordinal)))
            {
                throw new ArgumentException($"protocol '{protocol.Definition.Id}' does not hold '{form.Definition.Id}', a form of the pairing", nameof(protocol));
            }
        }

        _protocol = protocol;
    }

    /// <summary>
    /// Reads both inputs, pairs their administrations and writes the result into <paramref name="output"/>: JSON
    /// (pairs, unpaired, dyads, summary and diagnostics), or CSV/NDJSON (the pairs table, or with
    /// <see cref="AgreementOptions.Summary"/> the dyads and the summary).
    /// </summary>
    /// <param name="format">The output format.</param>
    /// <param name="output">Where the bytes go; flushed at the end, not disposed.</param>
    /// <param name="cancel">Stops the run (it then throws <see cref="OperationCanceledException"/>).</param>
    /// <returns>What was read and written.</returns>
    /// <exception cref="ResponseFileException">An input cannot be read at all, or lacks a named column (CSV).</exception>
    public AgreementCounts Run(DataFormat format, Stream output, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(output);
        try
        {
            var state = new AgreementState(_pairing, _options);
            if (_protocol is { } protocol)
            {
                ReadBoth(state, protocol, cancel);
            }
            else
            {
                for (var side = 0; side < 2; side++)
                {
                    ReadSide(state, side, cancel);
                }
            }

            var result = state.Match();
            AgreementWriter.Write(format, output, _pairing, _options, result);
            output.Flush();
            return new AgreementCounts(state.Rows, result.Pairs.Count, result.Unpaired.Count, state.Unusable, result.Dyads.Count);
        }
        finally
        {
            _inputs[0].Input.Dispose();
            _inputs[1].Input.Dispose();
        }
    }

    private void ReadSide(AgreementState state, int side, CancellationToken cancel)
    {
        var (input, inputFormat) = _inputs[side];
        var plan = side == 0 ? _pairing.Client : _pairing.Therapist;
        var name = side == 0 ? _options.ClientInputName : _options.TherapistInputName;
        var set = new TrackedSet(plan);
        using var reader = ResponseReader.Open(input, inputFormat, plan, _options.Warnings is { } w ? text => w(name + ": " + text) : null);
        RequireColumns(reader, name);
        var rowFormat = new TrackedRowFormat(set, _options.ClientColumn, _options.OccasionColumn, _options.TherapistColumn);
        var sink = new TrackedRowSink(1, set.ScoreCount, (in TrackedRow row) => state.Add(side, row));
        new ScoringPipeline(plan, reader).Run(rowFormat, sink, new ScoringPipelineOptions { Workers = _options.Workers }, cancel);
    }

    private void ReadBoth(AgreementState state, ProtocolPlan protocol, CancellationToken cancel)
    {
        var (input, inputFormat) = _inputs[0];
        var name = _options.ClientInputName;
        var set = new TrackedSet(protocol);
        int Part(ScoringPlan form) => protocol.Instruments.IndexOf(protocol.Instruments.First(p => p.Definition.Id == form.Definition.Id));
        var (client, therapist) = (Part(_pairing.Client), Part(_pairing.Therapist));
        using var reader = ResponseReader.Open(input, inputFormat, protocol.ReaderPlan, _options.Warnings is { } w ? text => w(name + ": " + text) : null);
        RequireColumns(reader, name);
        var rowFormat = new TrackedRowFormat(set, _options.ClientColumn, _options.OccasionColumn, _options.TherapistColumn);
        var sink = new TrackedRowSink(set.Instruments.Length, set.ScoreCount,
            (in TrackedRow row) => state.AddBoth(row, client, set.ScoreStart[client], therapist, set.ScoreStart[therapist]));
        new ScoringPipeline(protocol, reader).Run(rowFormat, sink, new ScoringPipelineOptions { Workers = _options.Workers }, cancel);
    }

    private void RequireColumns(ResponseReader reader, string name)
    {
        if (reader.Columns is not { } columns)
        {
            return;
        }

        foreach (var (column, option) in new[] { (_options.ClientColumn, "client"), (_options.OccasionColumn, "occasion"), (_options.TherapistColumn, "therapist") })
        {
            if (column is not null && !columns.Contains(column, StringComparer.Ordinal))
            {
                var hint = columns.Count > 0 ? " (its columns other than items: " + string.Join(", ", columns) + ")" : string.Empty;
                throw new ResponseFileException($"{name}: the input has no {option} column '{column}'{hint}");
            }
        }
    }
}

/// <summary>One diagnostic of an agreement run: which input (0 client, 1 therapist), its first line, and the diagnostic.</summary>
internal readonly record struct AgreementDiagnostic(int Side, int Line, DiagnosticDescriptor Descriptor, DiagnosticSeverity Severity, string Message)
{
    public override string ToString() => $"{Descriptor.Id}: {Diagnostic.SeverityName(Severity)}: {Message}";
}

/// <summary>A usable administration: its line, dyad, occasion and where its paired scores' values start.</summary>
internal readonly record struct UsableRow(int Line, int Dyad, Occasion Occasion, int Values);

/// <summary>A pair: the dyad, the occasion, and the client's and therapist's rows (indexes into each side's usable rows).</summary>
internal readonly record struct PairRow(int Dyad, Occasion Occasion, int Client, int Therapist);

/// <summary>A usable administration without a partner: its side, row and why.</summary>
internal readonly record struct UnpairedRow(int Side, int Row, string Reason);

/// <summary>The result of matching: what the writers format.</summary>
internal sealed record AgreementResult(AgreementState State, List<PairRow> Pairs, List<UnpairedRow> Unpaired, List<DyadSummary> Dyads,
    AgreementSummary[] OverDyads, AgreementSummary[] OverPairs, List<AgreementDiagnostic> Diagnostics);

/// <summary>One dyad with at least one pair: its key and its summary per paired score.</summary>
internal sealed record DyadSummary(int Dyad, AgreementSummary[] Scores);

/// <summary>The rows of both inputs, as they are read (on the consuming thread, in input order).</summary>
internal sealed class AgreementState
{
    private readonly InstrumentPairing _pairing;
    private readonly AgreementOptions _options;
    private readonly Dictionary<string, int> _dyadIndex = new(StringComparer.Ordinal);
    private readonly int[][] _scoreIndex;
    private readonly int _scores;
    private readonly (OccasionKind Kind, int Line)[] _fileKind = new (OccasionKind, int)[2];
    private readonly char[] _chars = new char[256];

    public AgreementState(InstrumentPairing pairing, AgreementOptions options)
    {
        _pairing = pairing;
        _options = options;
        _scores = pairing.Scores.Length;
        _scoreIndex = [[.. pairing.Scores.Select(s => s.ClientIndex)], [.. pairing.Scores.Select(s => s.TherapistIndex)]];
    }

    public List<string> Dyads { get; } = [];

    public List<UsableRow>[] Usable { get; } = [[], []];

    public List<double>[] Values { get; } = [[], []];

    public List<AgreementDiagnostic> Diagnostics { get; } = [];

    public long Rows { get; private set; }

    public long Unusable { get; private set; }

    public string SideName(int side) => side == 0 ? _options.ClientInputName : _options.TherapistInputName;

    public double Value(int side, int row, int score) => Values[side][Usable[side][row].Values + score];

    /// <summary>A row of one form's input (two-file variant).</summary>
    public void Add(int side, in TrackedRow row)
    {
        Rows++;
        if (RowUsable(side, row))
        {
            AddPart(side, row, 0, 0);
        }
    }

    /// <summary>A row holding both forms (one-file variant): the row-level checks once, then each form's part.</summary>
    public void AddBoth(in TrackedRow row, int clientPart, int clientStart, int therapistPart, int therapistStart)
    {
        Rows++;
        if (RowUsable(0, row))
        {
            AddPart(0, row, clientPart, clientStart);
            AddPart(1, row, therapistPart, therapistStart);
        }
    }

    // The row-level checks: readable, a client (and therapist) id, a usable occasion of the file's kind.
    private bool RowUsable(int side, in TrackedRow row)
    {
        var name = SideName(side);
        switch (row.Kind)
        {
            case TrackedKind.Malformed:
                Report(side, row.Line, InstrumentDiagnostics.MalformedRow, name + ": " + InstrumentDiagnostics.MalformedRow.FormatMessage([row.Line, Encoding.UTF8.GetString(row.Text)]));
                return false;
            case TrackedKind.NoClient:
                Report(side, row.Line, InstrumentDiagnostics.ClientIdEmpty, name + ": " + InstrumentDiagnostics.ClientIdEmpty.FormatMessage([row.Line, _options.ClientColumn]));
                return false;
            case TrackedKind.NoTherapist:
                Report(side, row.Line, InstrumentDiagnostics.TherapistIdEmpty, name, row.Line, _options.TherapistColumn);
                return false;
            case TrackedKind.BadOccasion:
                Report(side, row.Line, InstrumentDiagnostics.OccasionNotUsable,
                    name + ": " + InstrumentDiagnostics.OccasionNotUsable.FormatMessage([row.Line, Encoding.UTF8.GetString(row.Text), "is not a number or an ISO date (yyyy-MM-dd)"]));
                return false;
        }

        ref var first = ref _fileKind[side];
        if (first.Line == 0)
        {
            first = (row.Occasion.Kind, row.Line);
        }
        else if (row.Occasion.Kind != first.Kind)
        {
            Report(side, row.Line, InstrumentDiagnostics.OccasionNotUsable, name + ": " + InstrumentDiagnostics.OccasionNotUsable.FormatMessage(
                [row.Line, row.Occasion.ToString(), string.Create(CultureInfo.InvariantCulture, $"is {Article(row.Occasion.Kind)}, but the file's first occasion (line {first.Line}) is {Article(first.Kind)}")]));
            return false;
        }

        return true;
    }

    // One form's part of a row: instrument `part` of the row's set, whose scores start at `scoreStart` in the flat values.
    private void AddPart(int side, in TrackedRow row, int part, int scoreStart)
    {
        var name = SideName(side);
        var status = (ResponseStatus)row.Parts[2 * part];
        if (status == ResponseStatus.Invalid)
        {
            var offset = 0;
            for (var k = 0; k < part; k++)
            {
                offset += row.Parts[(2 * k) + 1];
            }

            var why = row.Reasons.Slice(offset, row.Parts[(2 * part) + 1]);
            var reason = why.Length > 0 ? "invalid (" + Encoding.UTF8.GetString(why) + ")" : "invalid";
            Report(side, row.Line, InstrumentDiagnostics.AdministrationNotPaired, name, row.Line, reason);
            return;
        }

        var values = row.Values;
        var indexes = _scoreIndex[side];
        for (var s = 0; s < _scores; s++)
        {
            if (double.IsNaN(BinaryPrimitives.ReadDoubleLittleEndian(values[(8 * (scoreStart + indexes[s]))..])))
            {
                var form = side == 0 ? _pairing.Client : _pairing.Therapist;
                Report(side, row.Line, InstrumentDiagnostics.AdministrationNotPaired, name, row.Line,
                    $"score '{form.Definition.Scores[indexes[s]].Id}' not computed (beyond its missing rule)");
                return;
            }
        }

        var store = Values[side];
        var start = store.Count;
        for (var s = 0; s < _scores; s++)
        {
            store.Add(BinaryPrimitives.ReadDoubleLittleEndian(values[(8 * (scoreStart + indexes[s]))..]));
        }

        Usable[side].Add(new UsableRow(row.Line, DyadIndex(row.Client), row.Occasion, start));
    }

    private static string Article(OccasionKind kind) => kind == OccasionKind.Date ? "a date" : "a number";

    private int DyadIndex(ReadOnlySpan<byte> utf8)
    {
        var chars = _chars.Length >= Encoding.UTF8.GetMaxCharCount(utf8.Length) ? _chars : new char[Encoding.UTF8.GetMaxCharCount(utf8.Length)];
        var n = Encoding.UTF8.GetChars(utf8, chars);
        var lookup = _dyadIndex.GetAlternateLookup<ReadOnlySpan<char>>();
        if (lookup.TryGetValue(chars.AsSpan(0, n), out var index))
        {
            return index;
        }

        var id = new string(chars, 0, n);
        index = Dyads.Count;
        Dyads.Add(id);
        _dyadIndex.Add(id, index);
        return index;
    }

    /// <summary>The client id and the therapist id (null without a therapist column) of a dyad.</summary>
    public (string Client, string? Therapist) DyadIds(int dyad)
    {
        var key = Dyads[dyad];
        if (_options.TherapistColumn is null)
        {
            return (key, null);
        }

        var cut = key.IndexOf((char)TrackedRowFormat.KeySeparator, StringComparison.Ordinal);
        return (key[..cut], key[(cut + 1)..]);
    }

    /// <summary>How a dyad is named in messages: <c>client 'c1'</c> or <c>client 'c1' with therapist 't1'</c>.</summary>
    public string DyadName(int dyad) => DyadIds(dyad) is (var c, { } t) ? $"client '{c}' with therapist '{t}'" : $"client '{DyadIds(dyad).Client}'";

    private void Report(int side, int line, DiagnosticDescriptor descriptor, params object?[] args) =>
        ReportText(side, line, descriptor, descriptor.FormatMessage(args));

    private void Report(int side, int line, DiagnosticDescriptor descriptor, string message) => ReportText(side, line, descriptor, message);

    private void ReportText(int side, int line, DiagnosticDescriptor descriptor, string message)
    {
        Unusable++;
        AddDiagnostic(side, line, descriptor, message);
    }

    // A diagnostic the user suppressed (DiagnosticOptions) is not listed; the row is still not paired.
    private void AddDiagnostic(int side, int line, DiagnosticDescriptor descriptor, string message)
    {
        if (_pairing.Client.Options.GetEffectiveSeverity(descriptor.Id, descriptor.DefaultSeverity) is not { } severity)
        {
            return;
        }

        var d = new AgreementDiagnostic(side, line, descriptor, severity, message);
        Diagnostics.Add(d);
        _options.Warnings?.Invoke(d.ToString());
    }

    /// <summary>Pairs the usable administrations of both sides by dyad and occasion, and summarises them.</summary>
    public AgreementResult Match()
    {
        // Per (dyad, occasion): the rows of each side there.
        var slots = new Dictionary<(int Dyad, Occasion Occasion), Slot>();
        for (var side = 0; side < 2; side++)
        {
            var rows = Usable[side];
            for (var r = 0; r < rows.Count; r++)
            {
                ref var slot = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(slots, (rows[r].Dyad, rows[r].Occasion), out _);
                slot.Add(side, r);
            }
        }

        var pairs = new List<PairRow>();
        var unpaired = new List<UnpairedRow>();
        foreach (var ((dyad, occasion), slot) in slots)
        {
            for (var side = 0; side < 2; side++)
            {
                if (slot.Count(side) > 1)
                {
                    var lines = slot.Rows(side).Select(r => Usable[side][r].Line).Order().ToList();
                    Unusable += lines.Count;
                    AddDiagnostic(side, lines[0], InstrumentDiagnostics.DuplicatePairingOccasion, InstrumentDiagnostics.DuplicatePairingOccasion.FormatMessage(
                        [SideName(side), DyadName(dyad), string.Join(", ", lines.Select(l => l.ToString(CultureInfo.InvariantCulture))), occasion.ToString()]));
                }
            }

            if (slot.Count(0) == 1 && slot.Count(1) == 1)
            {
                pairs.Add(new PairRow(dyad, occasion, slot.First(0), slot.First(1)));
                continue;
            }

            for (var side = 0; side < 2; side++)
            {
                if (slot.Count(side) != 1)
                {
                    continue;
                }

                var other = 1 - side;
                var otherForm = other == 0 ? "client" : "therapist";
                var reason = slot.Count(other) == 0
                    ? $"no usable {otherForm} administration at this occasion in {SideName(other)}"
                    : $"the {otherForm} administrations at this occasion (lines {string.Join(", ", slot.Rows(other).Select(r => Usable[other][r].Line).Order())}) are several, so none is paired";
                var row = slot.First(side);
                unpaired.Add(new UnpairedRow(side, row, reason));
                var severity = _pairing.Client.Options.GetEffectiveSeverity(InstrumentDiagnostics.AdministrationWithoutPartner.Id, InstrumentDiagnostics.AdministrationWithoutPartner.DefaultSeverity);
                if (severity is not null)
                {
                    _options.Warnings?.Invoke(new AgreementDiagnostic(side, Usable[side][row].Line, InstrumentDiagnostics.AdministrationWithoutPartner, severity.Value,
                        InstrumentDiagnostics.AdministrationWithoutPartner.FormatMessage([SideName(side), Usable[side][row].Line, DyadName(dyad), occasion.ToString(), reason])).ToString());
                }
            }
        }

        pairs.Sort((a, b) => a.Dyad != b.Dyad ? a.Dyad.CompareTo(b.Dyad) : a.Occasion.CompareTo(b.Occasion));
        unpaired.Sort((a, b) => a.Side != b.Side ? a.Side.CompareTo(b.Side) : Usable[a.Side][a.Row].Line.CompareTo(Usable[b.Side][b.Row].Line));
        Diagnostics.Sort((a, b) => a.Side != b.Side ? a.Side.CompareTo(b.Side) : a.Line.CompareTo(b.Line));

        // Per dyad, then across dyads (over dyad means) and across all pairs.
        var dyads = new List<DyadSummary>();
        var overDyads = Enumerable.Range(0, _scores).Select(_ => new AgreementAccumulator()).ToArray();
        var overPairs = Enumerable.Range(0, _scores).Select(_ => new AgreementAccumulator()).ToArray();
        var current = Enumerable.Range(0, _scores).Select(_ => new AgreementAccumulator()).ToArray();
        for (var i = 0; i < pairs.Count;)
        {
            var dyad = pairs[i].Dyad;
            foreach (var a in current)
            {
                a.Clear();
            }

            for (; i < pairs.Count && pairs[i].Dyad == dyad; i++)
            {
                for (var s = 0; s < _scores; s++)
                {
                    var (c, t) = (Value(0, pairs[i].Client, s), Value(1, pairs[i].Therapist, s));
                    current[s].Add(c, t);
                    overPairs[s].Add(c, t);
                }
            }

            var summaries = current.Select(a => a.Summarize()).ToArray();
            for (var s = 0; s < _scores; s++)
            {
                overDyads[s].Add(summaries[s].MeanClient.Value!.Value, summaries[s].MeanTherapist.Value!.Value);
            }

            dyads.Add(new DyadSummary(dyad, summaries));
        }

        return new AgreementResult(this, pairs, unpaired, dyads, [.. overDyads.Select(a => a.Summarize())], [.. overPairs.Select(a => a.Summarize())], Diagnostics);
    }

    /// <summary>The rows of each side at one dyad and occasion: the first one inline, any more in a list.</summary>
    private struct Slot
    {
        private int _first0;
        private int _first1;
        private int _count0;
        private int _count1;
        private List<int>? _more0;
        private List<int>? _more1;

        public void Add(int side, int row)
        {
            if (side == 0)
            {
                if (_count0++ == 0)
                {
                    _first0 = row;
                }
                else
                {
                    (_more0 ??= []).Add(row);
                }
            }
            else if (_count1++ == 0)
            {
                _first1 = row;
            }
            else
            {
                (_more1 ??= []).Add(row);
            }
        }

        public readonly int Count(int side) => side == 0 ? _count0 : _count1;

        public readonly int First(int side) => side == 0 ? _first0 : _first1;

        public readonly IEnumerable<int> Rows(int side) => side == 0 ? [_first0, .. _more0 ?? []] : [_first1, .. _more1 ?? []];
    }
}
