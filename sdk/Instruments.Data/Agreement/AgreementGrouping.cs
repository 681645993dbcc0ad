using System.Runtime.CompilerServices;
using System.Text;
using Instruments.Text;

namespace Instruments.Data;

/// <summary>
/// The pre-scan that decides whether an agreement run can stream: both inputs grouped by dyad, and the dyads they share
/// in the same order. A dyad is a client (with <see cref="AgreementOptions.TherapistColumn"/>, a client with one
/// therapist); its key is the client id's bytes as the row gives them (and the therapist's), exactly as the scoring
/// pass takes them. Rows that name no dyad (unreadable, no client id, no therapist id) belong to no dyad and may be
/// anywhere, and so may rows whose occasion is not a number or an ISO date (the scoring pass reports them without
/// their dyad). Fields only: no answer is parsed, nothing is scored.
/// </summary>
internal static class AgreementGrouping
{
    /// <summary>The dyads of both inputs, each in the order of its runs, when the run can stream.</summary>
    /// <param name="Client">The client input's dyads in order.</param>
    /// <param name="Therapist">The therapist input's dyads in order.</param>
    /// <param name="InClient">Every dyad of the client input.</param>
    /// <param name="InTherapist">Every dyad of the therapist input.</param>
    internal sealed record Plan(List<string> Client, List<string> Therapist, HashSet<string> InClient, HashSet<string> InTherapist);

    /// <summary>
    /// Reads both inputs (fields only) and gives the plan when each is grouped by dyad (every dyad's rows one run) and
    /// the dyads of both come in the same order; null otherwise. Both inputs are read to their end from their current
    /// position and left there.
    /// </summary>
    public static Plan? Scan(Stream client, DataFormat clientFormat, Stream therapist, DataFormat therapistFormat, AgreementOptions options, CancellationToken cancel)
    {
        // The two inputs at once, the therapist's on another thread; the first found not grouped stops the other.
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        List<string>? Scan(Stream input, DataFormat format)
        {
            try
            {
                var runs = Runs(input, format, options, stop.Token);
                if (runs is null)
                {
                    stop.Cancel();
                }

                return runs;
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested && !cancel.IsCancellationRequested)
            {
                return null;
            }
        }

        var therapistRuns = Task.Factory.StartNew(() => Scan(therapist, therapistFormat), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        List<string>? c;
        try
        {
            c = Scan(client, clientFormat);
        }
        finally
        {
            // Wait for it whatever happens here: the input is put back in place afterwards.
            ((IAsyncResult)therapistRuns).AsyncWaitHandle.WaitOne();
        }

        if (c is null || therapistRuns.GetAwaiter().GetResult() is not { } t)
        {
            return null;
        }

        var (inClient, inTherapist) = (new HashSet<string>(c, StringComparer.Ordinal), new HashSet<string>(t, StringComparer.Ordinal));
        return c.Where(inTherapist.Contains).SequenceEqual(t.Where(inClient.Contains), StringComparer.Ordinal)
            ? new Plan(c, t, inClient, inTherapist)
            : null;
    }

    /// <summary>The dyads of one input in the order of their runs; null when a dyad comes back after another's rows.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static List<string>? Runs(Stream input, DataFormat format, AgreementOptions options, CancellationToken cancel)
    {
        var fieldsOnly = TrackingPipeline.GroupScan.FieldsOnly ?? throw new InvalidOperationException("the fields-only plan did not build");
        using var reader = ResponseReader.Open(new TrackingPipeline.KeepOpen(input), format, fieldsOnly, warnings: null);

        // With the fields-only plan every column is passed through: a CSV row with another number of commas is decoded
        // in full (Decode finds it malformed; the shortcut would not).
        var commas = reader.Columns is { Count: > 0 } columns && format == DataFormat.Csv ? columns.Count - 1 : -1;
        var block = new RowBlock();
        var decoder = reader.CreateDecoder();
        var row = new ResponseRow(fieldsOnly.ItemCount);
        var (clientHint, therapistHint, occasionHint) = (0, 0, 0);
        var next = 0L;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var lookup = seen.GetAlternateLookup<ReadOnlySpan<char>>();
        var runs = new List<string>();
        var current = new byte[64];
        var currentLength = -1;
        var key = new byte[64];
        var chars = new char[64];
        var (clientColumn, therapistColumn, occasionColumn) = (options.ClientColumn, options.TherapistColumn, options.OccasionColumn);
        while (true)
        {
            cancel.ThrowIfCancellationRequested();
            block.Reset(next);
            if (!reader.ReadBlock(block))
            {
                return runs;
            }

            next += block.Count;
            for (var i = 0; i < block.Count; i++)
            {
                if (block.Malformed(i) is not null)
                {
                    continue;
                }

                ReadOnlySpan<byte> clientId, therapistId = default, occasion;
                if (commas >= 0 && decoder.TryField(block, i, clientColumn, out clientId)
                    && (therapistColumn is null || decoder.TryField(block, i, therapistColumn, out therapistId))
                    && decoder.TryField(block, i, occasionColumn, out occasion)
                    && block.Raw(i).Count((byte)',') == commas)
                {
                    // the shortcut: unquoted, the header's number of fields
                }
                else
                {
                    decoder.Decode(block, i, row);
                    if (row.Malformed is not null)
                    {
                        continue;
                    }

                    var c = row.FindField(clientColumn, ref clientHint);
                    clientId = c >= 0 ? row.FieldValue(c) : default;
                    if (therapistColumn is not null)
                    {
                        var t = row.FindField(therapistColumn, ref therapistHint);
                        therapistId = t >= 0 ? row.FieldValue(t) : default;
                    }

                    var o = row.FindField(occasionColumn, ref occasionHint);
                    occasion = o >= 0 ? row.FieldValue(o) : default;
                }

                if (Blanks.IsBlank(clientId) || (therapistColumn is not null && Blanks.IsBlank(therapistId))
                    || !Course.Occasion.TryParse(occasion, out _))
                {
                    continue;
                }

                // The key as the scoring pass builds it (TrackedRowFormat): client, then 0x1F and the therapist.
                var length = clientId.Length + (therapistColumn is null ? 0 : 1 + therapistId.Length);
                if (key.Length < length)
                {
                    key = new byte[length * 2];
                }

                clientId.CopyTo(key);
                if (therapistColumn is not null)
                {
                    key[clientId.Length] = TrackedRowFormat.KeySeparator;
                    therapistId.CopyTo(key.AsSpan(clientId.Length + 1));
                }

                var k = key.AsSpan(0, length);
                if (currentLength >= 0 && k.SequenceEqual(current.AsSpan(0, currentLength)))
                {
                    continue;
                }

                if (current.Length < length)
                {
                    current = new byte[length * 2];
                }

                k.CopyTo(current);
                currentLength = length;
                if (chars.Length < Encoding.UTF8.GetMaxCharCount(length))
                {
                    chars = new char[Encoding.UTF8.GetMaxCharCount(length)];
                }

                var n = Encoding.UTF8.GetChars(k, chars);
                if (lookup.Contains(chars.AsSpan(0, n)))
                {
                    return null;
                }

                var id = new string(chars, 0, n);
                seen.Add(id);
                runs.Add(id);
            }
        }
    }
}
