using System.Buffers.Binary;
using System.Collections.Immutable;
using System.Globalization;
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

/// <summary>
/// A row that is not used, as the pairs table lists it: its side and line, its ids and occasion where the row gives
/// them (empty otherwise), and why (the diagnostic's id and message).
/// </summary>
internal readonly record struct UnusableRow(int Side, int Line, string Client, string? Therapist, string Occasion, string Reason);

/// <summary>Where the rows that are not paired are mentioned, besides the counts.</summary>
internal enum RowListing
{
    /// <summary>Nowhere in the output (the summary, reports): each is a warning, row by row.</summary>
    None,

    /// <summary>JSON: the unpaired administrations and the diagnostics are in the output; no warning row by row.</summary>
    Diagnostics,

    /// <summary>The pairs table: a row for each unpaired and each unusable row (<see cref="AgreementState.UnusableRows"/>); no warning row by row.</summary>
    Table,
}

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
    private readonly bool _keepDiagnostics;
    private readonly RowListing _listing;
    private readonly RowOrder[] _byOccasion;
    private readonly Comparison<UnpairedRow> _bySideAndLine;
    private readonly string[] _noPartner = new string[2];
    private int _currentDyad = -1;

    /// <param name="pairing">The forms.</param>
    /// <param name="options">The run's options.</param>
    /// <param name="keepDiagnostics">
    /// True to list every diagnostic in <see cref="Diagnostics"/> (for JSON output); false when nothing reads that list
    /// (streaming: the table lists the rows themselves, and the summary hands each to <see cref="AgreementOptions.Warnings"/>).
    /// </param>
    /// <param name="listing">
    /// Where the output mentions the rows that are not paired. When it does (the pairs table, JSON), their diagnostics
    /// (RSP2010, RSP2033, RSP2034, RSP2040-RSP2043) are not also given to the warnings callback, row by row: each row is
    /// mentioned once. For the table they are collected in <see cref="UnusableRows"/>.
    /// </param>
    public AgreementState(InstrumentPairing pairing, AgreementOptions options, bool keepDiagnostics = true, RowListing listing = RowListing.None)
    {
        _pairing = pairing;
        _options = options;
        _keepDiagnostics = keepDiagnostics;
        _listing = listing;
        _scores = pairing.Scores.Length;
        _scoreIndex = [[.. pairing.Scores.Select(s => s.ClientIndex)], [.. pairing.Scores.Select(s => s.TherapistIndex)]];
        _byOccasion = [new RowOrder(Usable[0]), new RowOrder(Usable[1])];
        _bySideAndLine = (a, b) => a.Side != b.Side ? a.Side.CompareTo(b.Side) : Usable[a.Side][a.Row].Line.CompareTo(Usable[b.Side][b.Row].Line);
        for (var side = 0; side < 2; side++)
        {
            _noPartner[side] = $"no usable {(side == 0 ? "therapist" : "client")} administration at this occasion in {SideName(1 - side)}";
        }
    }

    public List<string> Dyads { get; } = [];

    public List<UsableRow>[] Usable { get; } = [[], []];

    public List<double>[] Values { get; } = [[], []];

    public List<AgreementDiagnostic> Diagnostics { get; } = [];

    /// <summary>
    /// With <see cref="RowListing.Table"/>: the rows found unusable, in the order found (streaming takes them out dyad by
    /// dyad; sort them by side and line before writing).
    /// </summary>
    public List<UnusableRow> UnusableRows { get; } = [];

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
                Report(side, row, InstrumentDiagnostics.MalformedRow, name + ": " + InstrumentDiagnostics.MalformedRow.FormatMessage([row.Line, Encoding.UTF8.GetString(row.Text)]));
                return false;
            case TrackedKind.NoClient:
                Report(side, row, InstrumentDiagnostics.ClientIdEmpty, name + ": " + InstrumentDiagnostics.ClientIdEmpty.FormatMessage([row.Line, _options.ClientColumn]));
                return false;
            case TrackedKind.NoTherapist:
                Report(side, row, InstrumentDiagnostics.TherapistIdEmpty, name, row.Line, _options.TherapistColumn);
                return false;
            case TrackedKind.BadOccasion:
                Report(side, row, InstrumentDiagnostics.OccasionNotUsable,
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
            Report(side, row, InstrumentDiagnostics.OccasionNotUsable, name + ": " + InstrumentDiagnostics.OccasionNotUsable.FormatMessage(
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
            Report(side, row, InstrumentDiagnostics.AdministrationNotPaired, name, row.Line, reason);
            return;
        }

        var values = row.Values;
        var indexes = _scoreIndex[side];
        for (var s = 0; s < _scores; s++)
        {
            if (double.IsNaN(BinaryPrimitives.ReadDoubleLittleEndian(values[(8 * (scoreStart + indexes[s]))..])))
            {
                var form = side == 0 ? _pairing.Client : _pairing.Therapist;
                Report(side, row, InstrumentDiagnostics.AdministrationNotPaired, name, row.Line,
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

        Usable[side].Add(new UsableRow(row.Line, _currentDyad >= 0 ? _currentDyad : DyadIndex(row.Client), row.Occasion, start));
    }

    /// <summary>
    /// Streaming: the dyad whose rows come next (its key as the rows give it), numbered after those before it; every
    /// usable administration added until <see cref="EndDyad"/> belongs to it, without looking its key up.
    /// </summary>
    public int BeginDyad(string key)
    {
        Dyads.Add(key);
        return _currentDyad = Dyads.Count - 1;
    }

    /// <summary>Streaming: forgets the current dyad's administrations (its key stays, for <see cref="DyadIds"/>).</summary>
    public void EndDyad()
    {
        _currentDyad = -1;
        for (var side = 0; side < 2; side++)
        {
            Usable[side].Clear();
            Values[side].Clear();
        }
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

        // The last dyad's ids are kept: its pairs are written one after the other (no two strings per row).
        if (_ids.Dyad != dyad)
        {
            var cut = key.IndexOf((char)TrackedRowFormat.KeySeparator, StringComparison.Ordinal);
            _ids = (dyad, key[..cut], key[(cut + 1)..]);
        }

        return (_ids.Client, _ids.Therapist);
    }

    private (int Dyad, string Client, string Therapist) _ids = (-1, string.Empty, string.Empty);

    /// <summary>How a dyad is named in messages: <c>client 'c1'</c> or <c>client 'c1' with therapist 't1'</c> (the last one kept).</summary>
    public string DyadName(int dyad)
    {
        if (_name.Dyad != dyad)
        {
            _name = (dyad, DyadIds(dyad) is (var c, { } t) ? $"client '{c}' with therapist '{t}'" : $"client '{DyadIds(dyad).Client}'");
        }

        return _name.Text;
    }

    private (int Dyad, string Text) _name = (-1, string.Empty);

    // A diagnostic's text for Warnings (AgreementDiagnostic.ToString) formatted at once, without its message as a string
    // of its own first, when the run keeps no diagnostics (streaming): one format per descriptor and severity, made once.
    private readonly Dictionary<(string Id, DiagnosticSeverity Severity), CompositeFormat> _warningFormats = [];

    // The table lists a row that is not used whatever its diagnostic's severity (it accounts for every row); a
    // suppressed diagnostic is only not warned, and not in JSON's list.
    private void Report(int side, in TrackedRow row, DiagnosticDescriptor descriptor, params object?[] args)
    {
        if (!_keepDiagnostics && _listing == RowListing.None && _options.Warnings is { } warn && args.Length > 0)
        {
            Unusable++;
            if (_pairing.Client.Options.GetEffectiveSeverity(descriptor.Id, descriptor.DefaultSeverity) is { } severity)
            {
                warn(string.Format(CultureInfo.InvariantCulture, WarningFormat(descriptor, severity), args));
            }

            return;
        }

        Report(side, row, descriptor, descriptor.FormatMessage(args));
    }

    private void Report(int side, in TrackedRow row, DiagnosticDescriptor descriptor, string message)
    {
        if (_listing == RowListing.Table)
        {
            Unusable++;
            ListUnusable(side, row, descriptor.Id + ": " + message);
            return;
        }

        ReportText(side, row.Line, descriptor, message);
    }

    // The table's row for an unusable row: its ids and occasion where the record has them. During a dyad (its runs
    // being taken) the dyad's ids are those of the rows with a dyad.
    private void ListUnusable(int side, in TrackedRow row, string reason)
    {
        string client, occasion = string.Empty;
        string? therapist = _options.TherapistColumn is null ? null : string.Empty;
        if (row.Kind == TrackedKind.Ok && _currentDyad >= 0)
        {
            (client, var t) = DyadIds(_currentDyad);
            therapist = t ?? therapist;
        }
        else if (row.Kind == TrackedKind.Ok && therapist is not null && row.Client.IndexOf(TrackedRowFormat.KeySeparator) is var cut and >= 0)
        {
            (client, therapist) = (Encoding.UTF8.GetString(row.Client[..cut]), Encoding.UTF8.GetString(row.Client[(cut + 1)..]));
        }
        else
        {
            client = Encoding.UTF8.GetString(row.Client);
        }

        if (row.Kind == TrackedKind.Ok)
        {
            occasion = row.Occasion.ToString();
        }
        else if (row.Kind == TrackedKind.BadOccasion)
        {
            occasion = Encoding.UTF8.GetString(row.Text);
        }

        UnusableRows.Add(new UnusableRow(side, row.Line, client, therapist, occasion, reason));
    }

    private CompositeFormat WarningFormat(DiagnosticDescriptor descriptor, DiagnosticSeverity severity)
    {
        if (!_warningFormats.TryGetValue((descriptor.Id, severity), out var format))
        {
            var head = new AgreementDiagnostic(0, 0, descriptor, severity, string.Empty).ToString().Replace("{", "{{", StringComparison.Ordinal).Replace("}", "}}", StringComparison.Ordinal);
            _warningFormats[(descriptor.Id, severity)] = format = CompositeFormat.Parse(head + descriptor.MessageFormat);
        }

        return format;
    }

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
        if (_keepDiagnostics)
        {
            Diagnostics.Add(d);
        }

        if (_listing == RowListing.None)
        {
            _options.Warnings?.Invoke(d.ToString());
        }
    }

    /// <summary>Pairs the usable administrations of both sides by dyad and occasion, and summarises them.</summary>
    public AgreementResult Match()
    {
        // Each side's usable rows grouped by dyad (a counting sort: dyads are numbered in order of first sight), in
        // occasion order within a dyad, then the two sides merged dyad by dyad, occasion by occasion. No table keyed by
        // (dyad, occasion): two int arrays per side, and the pairs come out in (dyad, occasion) order.
        var (order0, starts0) = GroupByDyad(Usable[0]);
        var (order1, starts1) = GroupByDyad(Usable[1]);
        var pairs = new List<PairRow>();
        var unpaired = new List<UnpairedRow>();
        for (var dyad = 0; dyad < Dyads.Count; dyad++)
        {
            MatchDyad(dyad, new(order0, starts0[dyad], starts0[dyad + 1] - starts0[dyad]), new(order1, starts1[dyad], starts1[dyad + 1] - starts1[dyad]), pairs, unpaired);
        }

        unpaired.Sort(_bySideAndLine);
        Diagnostics.Sort((a, b) => a.Side != b.Side ? a.Side.CompareTo(b.Side) : a.Line.CompareTo(b.Line));

        // Per dyad, then across dyads (over dyad means) and across all pairs.
        var dyads = new List<DyadSummary>();
        var totals = new AgreementTotals(_scores);
        for (var i = 0; i < pairs.Count;)
        {
            var from = i;
            for (; i < pairs.Count && pairs[i].Dyad == pairs[from].Dyad; i++)
            {
            }

            dyads.Add(Summarize(pairs, from, i, totals));
        }

        return new AgreementResult(this, pairs, unpaired, dyads, totals.OverDyads(), totals.OverPairs(), Diagnostics);
    }

    /// <summary>
    /// Pairs one dyad's usable administrations: <paramref name="rows0"/> and <paramref name="rows1"/> are its rows of
    /// each side (indexes into <see cref="Usable"/>) in occasion order, then line order. Pairs are added in occasion
    /// order; unpaired administrations are added in occasion order (sort them by side and line).
    /// </summary>
    public void MatchDyad(int dyad, ArraySegment<int> rows0, ArraySegment<int> rows1, List<PairRow> pairs, List<UnpairedRow> unpaired)
    {
        var (u0, u1) = (Usable[0], Usable[1]);
        int i = 0, iEnd = rows0.Count, j = 0, jEnd = rows1.Count;
        while (i < iEnd || j < jEnd)
        {
            var occasion = j >= jEnd || (i < iEnd && u0[rows0[i]].Occasion.CompareTo(u1[rows1[j]].Occasion) <= 0)
                ? u0[rows0[i]].Occasion
                : u1[rows1[j]].Occasion;
            var (i0, j0) = (i, j);
            while (i < iEnd && u0[rows0[i]].Occasion.Equals(occasion))
            {
                i++;
            }

            while (j < jEnd && u1[rows1[j]].Occasion.Equals(occasion))
            {
                j++;
            }

            MatchSlot(dyad, occasion, [rows0.Slice(i0, i - i0), rows1.Slice(j0, j - j0)], pairs, unpaired);
        }
    }

    /// <summary>Sorts one dyad's unpaired administrations by side, then line (the order the output lists them in).</summary>
    public void SortUnpaired(List<UnpairedRow> unpaired) => unpaired.Sort(_bySideAndLine);

    /// <summary>Sorts <see cref="UnusableRows"/> by side and line (as <see cref="SortUnpaired"/> sorts the unpaired).</summary>
    public void SortUnusable() => UnusableRows.Sort(static (a, b) => (a.Side, a.Line).CompareTo((b.Side, b.Line)));

    /// <summary>
    /// Streaming: the current dyad's rows of one side (all of <see cref="Usable"/>[side]) in occasion order, then line
    /// order, into <paramref name="order"/> (grown when short).
    /// </summary>
    public ArraySegment<int> OrderByOccasion(int side, ref int[] order)
    {
        var n = Usable[side].Count;
        if (order.Length < n)
        {
            order = new int[Math.Max(n, order.Length * 2)];
        }

        for (var r = 0; r < n; r++)
        {
            order[r] = r;
        }

        SortByOccasion(order, 0, n, _byOccasion[side]);
        return new ArraySegment<int>(order, 0, n);
    }

    /// <summary>
    /// The summary of one dyad's pairs (<paramref name="pairs"/>[from..to), all of one dyad, in occasion order), added
    /// to the across-dyad totals.
    /// </summary>
    public DyadSummary Summarize(List<PairRow> pairs, int from, int to, AgreementTotals totals)
    {
        var current = totals.Current;
        foreach (var a in current)
        {
            a.Clear();
        }

        for (var i = from; i < to; i++)
        {
            for (var s = 0; s < _scores; s++)
            {
                var (c, t) = (Value(0, pairs[i].Client, s), Value(1, pairs[i].Therapist, s));
                current[s].Add(c, t);
                totals.Pairs[s].Add(c, t);
            }
        }

        var summaries = new AgreementSummary[_scores];
        for (var s = 0; s < _scores; s++)
        {
            summaries[s] = current[s].Summarize();
            totals.Dyads[s].Add(summaries[s].MeanClient.Value!.Value, summaries[s].MeanTherapist.Value!.Value);
        }

        return new DyadSummary(pairs[from].Dyad, summaries);
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

    // One dyad and occasion: the rows of each side there (indexes into that side's usable rows, in line order). Several
    // on a side: RSP2041 for them, none paired. One on each side: a pair. Otherwise each single row is unpaired.
    private void MatchSlot(int dyad, Occasion occasion, ReadOnlySpan<ArraySegment<int>> at, List<PairRow> pairs, List<UnpairedRow> unpaired)
    {
        for (var side = 0; side < 2; side++)
        {
            if (at[side].Count > 1)
            {
                Several(side, dyad, occasion, at[side]);
            }
        }

        if (at[0].Count == 1 && at[1].Count == 1)
        {
            pairs.Add(new PairRow(dyad, occasion, at[0][0], at[1][0]));
            return;
        }

        for (var side = 0; side < 2; side++)
        {
            if (at[side].Count != 1)
            {
                continue;
            }

            var reason = at[1 - side].Count == 0 ? _noPartner[side] : SeveralReason(1 - side, at[1 - side]);
            var row = at[side][0];
            unpaired.Add(new UnpairedRow(side, row, reason));
            var descriptor = InstrumentDiagnostics.AdministrationWithoutPartner;
            if (_listing == RowListing.None && _options.Warnings is { } warn
                && _pairing.Client.Options.GetEffectiveSeverity(descriptor.Id, descriptor.DefaultSeverity) is { } severity)
            {
                warn(string.Format(CultureInfo.InvariantCulture, WarningFormat(descriptor, severity), SideName(side), Usable[side][row].Line, DyadName(dyad), occasion.ToString(), reason));
            }
        }
    }

    // RSP2041 for the rows of one side at one occasion (the lambdas live here, not in MatchSlot: a closure is allocated
    // where its variable's scope starts, so in MatchSlot it would cost every occasion an allocation).
    private void Several(int side, int dyad, Occasion occasion, ArraySegment<int> rows)
    {
        var lines = rows.Select(r => Usable[side][r].Line).Order().ToList();
        Unusable += lines.Count;
        var message = InstrumentDiagnostics.DuplicatePairingOccasion.FormatMessage(
            [SideName(side), DyadName(dyad), string.Join(", ", lines.Select(l => l.ToString(CultureInfo.InvariantCulture))), occasion.ToString()]);
        if (_listing == RowListing.Table)
        {
            // One table row per line, each with the diagnostic (which names them all).
            var (client, therapist) = DyadIds(dyad);
            therapist ??= _options.TherapistColumn is null ? null : string.Empty;
            var reason = InstrumentDiagnostics.DuplicatePairingOccasion.Id + ": " + message;
            foreach (var line in lines)
            {
                UnusableRows.Add(new UnusableRow(side, line, client, therapist, occasion.ToString(), reason));
            }

            return;
        }

        AddDiagnostic(side, lines[0], InstrumentDiagnostics.DuplicatePairingOccasion, message);
    }

    private string SeveralReason(int other, ArraySegment<int> rows) =>
        $"the {(other == 0 ? "client" : "therapist")} administrations at this occasion (lines {string.Join(", ", rows.Select(r => Usable[other][r].Line).Order())}) are several, so none is paired";

    // The rows of one side grouped by dyad: order[starts[d]..starts[d + 1]) are dyad d's rows (indexes into `rows`) by
    // occasion, then line. Rows come in input order, so a dyad's rows are often already in occasion order: insertion
    // sort for small groups (linear then), Array.Sort for large ones.
    private (int[] Order, int[] Starts) GroupByDyad(List<UsableRow> rows)
    {
        var starts = new int[Dyads.Count + 1];
        foreach (var row in rows)
        {
            starts[row.Dyad + 1]++;
        }

        for (var d = 0; d < Dyads.Count; d++)
        {
            starts[d + 1] += starts[d];
        }

        var order = new int[rows.Count];
        var next = starts[..^1];
        for (var r = 0; r < rows.Count; r++)
        {
            order[next[rows[r].Dyad]++] = r;
        }

        var byOccasion = new RowOrder(rows);
        for (var d = 0; d < Dyads.Count; d++)
        {
            SortByOccasion(order, starts[d], starts[d + 1], byOccasion);
        }

        return (order, starts);
    }

    // order[from..to) by occasion, then line. Rows come in input order, so a dyad's rows are often already in occasion
    // order: insertion sort for small groups (linear then), Array.Sort for large ones. The order is total (lines differ),
    // so any sort gives the same result.
    private static void SortByOccasion(int[] order, int from, int to, RowOrder byOccasion)
    {
        if (to - from > 32)
        {
            // Through the comparer's cached delegate: Array.Sort with an IComparer makes a delegate every call.
            order.AsSpan(from, to - from).Sort(byOccasion.Comparison);
            return;
        }

        for (var k = from + 1; k < to; k++)
        {
            var r = order[k];
            var m = k - 1;
            for (; m >= from && byOccasion.Compare(order[m], r) > 0; m--)
            {
                order[m + 1] = order[m];
            }

            order[m + 1] = r;
        }
    }

    /// <summary>Orders one side's usable rows by occasion, then line.</summary>
    private sealed class RowOrder(List<UsableRow> rows) : IComparer<int>
    {
        private Comparison<int>? _comparison;

        public Comparison<int> Comparison => _comparison ??= Compare;

        public int Compare(int x, int y)
        {
            var (a, b) = (rows[x], rows[y]);
            var c = a.Occasion.CompareTo(b.Occasion);
            return c != 0 ? c : a.Line.CompareTo(b.Line);
        }
    }
}

/// <summary>The across-dyad accumulators of a run (one per paired score, over dyad means and over pairs) and a per-dyad scratch set.</summary>
internal sealed class AgreementTotals(int scores)
{
    public AgreementAccumulator[] Dyads { get; } = Create(scores);

    public AgreementAccumulator[] Pairs { get; } = Create(scores);

    public AgreementAccumulator[] Current { get; } = Create(scores);

    public AgreementSummary[] OverDyads() => [.. Dyads.Select(a => a.Summarize())];

    public AgreementSummary[] OverPairs() => [.. Pairs.Select(a => a.Summarize())];

    private static AgreementAccumulator[] Create(int n) => [.. Enumerable.Range(0, n).Select(_ => new AgreementAccumulator())];
}
