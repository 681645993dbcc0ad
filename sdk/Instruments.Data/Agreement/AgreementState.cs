using System.Buffers.Binary;
using System.Collections.Immutable;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using Instruments.Alliance;
using Instruments.Course;
using Instruments.Diagnostics;
using Instruments.Scoring;

namespace Instruments.Data;

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
                ref var slot = ref CollectionsMarshal.GetValueRefOrAddDefault(slots, (rows[r].Dyad, rows[r].Occasion), out _);
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

    /// <summary>
    /// Hands every dyad with a usable administration to <paramref name="onDyad"/>, in dyad order: each side's usable
    /// administrations in occasion order (those at an occasion held by several of one side left out, as matching
    /// leaves them out), and the dyad's summaries from matching (n 0 for a dyad without pairs).
    /// </summary>
    public void HandOver(AgreementResult result, Action<AgreementDyad> onDyad, CancellationToken cancel)
    {
        var rows = new List<int>[2][];
        for (var side = 0; side < 2; side++)
        {
            rows[side] = new List<int>[Dyads.Count];
            for (var r = 0; r < Usable[side].Count; r++)
            {
                (rows[side][Usable[side][r].Dyad] ??= []).Add(r);
            }
        }

        var summaries = new AgreementSummary[Dyads.Count][];
        foreach (var d in result.Dyads)
        {
            summaries[d.Dyad] = d.Scores;
        }

        var empty = new AgreementAccumulator().Summarize();
        for (var dyad = 0; dyad < Dyads.Count; dyad++)
        {
            cancel.ThrowIfCancellationRequested();
            var clientRows = Administrations(0, rows[0][dyad]);
            var therapistRows = Administrations(1, rows[1][dyad]);
            if (clientRows.Length + therapistRows.Length == 0)
            {
                continue;
            }

            var (client, therapist) = DyadIds(dyad);
            onDyad(new AgreementDyad(client, therapist, clientRows, therapistRows,
                summaries[dyad] is { } s ? [.. s] : [.. Enumerable.Repeat(empty, _scores)]));
        }
    }

    private ImmutableArray<RatedAdministration> Administrations(int side, List<int>? rows)
    {
        if (rows is null)
        {
            return [];
        }

        var usable = Usable[side];
        rows.Sort((a, b) => usable[a].Occasion != usable[b].Occasion ? usable[a].Occasion.CompareTo(usable[b].Occasion) : usable[a].Line.CompareTo(usable[b].Line));
        var list = ImmutableArray.CreateBuilder<RatedAdministration>(rows.Count);
        for (var i = 0; i < rows.Count; i++)
        {
            var occasion = usable[rows[i]].Occasion;
            var several = (i > 0 && usable[rows[i - 1]].Occasion == occasion) || (i + 1 < rows.Count && usable[rows[i + 1]].Occasion == occasion);
            if (several)
            {
                continue;
            }

            var values = ImmutableArray.CreateBuilder<double>(_scores);
            for (var s = 0; s < _scores; s++)
            {
                values.Add(Value(side, rows[i], s));
            }

            list.Add(new RatedAdministration(occasion, usable[rows[i]].Line, values.MoveToImmutable()));
        }

        return list.ToImmutable();
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
