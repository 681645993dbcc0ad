using System.Text.Json;
using Instruments.Data;

namespace Instruments.Fuzz;

/// <summary>
/// A response reader (CSV, JSON or NDJSON): reads every row, scores it with <see cref="FixedInstrument"/> and writes
/// it with a <see cref="ResultWriter"/> in the same format. Only <see cref="ResponseFileException"/> may escape the
/// reader; the rows read never exceed the input's bytes + 1 (the reader always advances); and the output holds one
/// result per row read, in a document that parses.
/// </summary>
internal sealed class ReaderTarget(DataFormat format) : FuzzTarget
{
    // Not DataFormats.Name: under AFL nothing in an instrumented assembly may run before Fuzzer.Run sets up its
    // shared memory (the target is looked up by name first), or the instrumentation writes to nowhere.
    public override string Name => format switch
    {
        DataFormat.Csv => "csv",
        DataFormat.Json => "json",
        _ => "ndjson",
    };

    public override string Contract =>
        "only ResponseFileException escapes; rows read <= bytes + 1; the written output parses and has one result per row";

    public override void Run(byte[] data)
    {
        var plan = FixedInstrument.Plan;
        var output = new MemoryStream();
        long rows = 0;
        try
        {
            using var reader = ResponseReader.Open(new MemoryStream(data, writable: false), format, plan, static _ => { });
            var resultFormat = format == DataFormat.Csv
                ? ResultFormat.CreateCsv(plan, reader.Columns ?? [], positional: reader.Columns is not null)
                : ResultFormat.Create(format, plan, []);
            var writer = new ResultWriter(resultFormat, output, static _ => { });
            var row = new ResponseRow(plan);
            var result = plan.CreateResult();
            while (reader.Read(row))
            {
                if (++rows > data.Length + 1L)
                {
                    throw new ContractViolationException($"{rows} rows read from {data.Length} bytes: the reader does not advance");
                }

                row.Score(plan, result);
                writer.Write(row, result);
            }

            writer.Complete();
        }
        catch (ResponseFileException)
        {
            return; // documented: the input cannot be read at all (the output is then discarded by the host)
        }

        CheckOutput(output.GetBuffer().AsSpan(0, checked((int)output.Length)), rows);
    }

    private void CheckOutput(ReadOnlySpan<byte> output, long rows)
    {
        switch (format)
        {
            case DataFormat.Json:
                using (var document = Parse(output))
                {
                    var count = document.RootElement.TryGetProperty("results", out var results) && results.ValueKind == JsonValueKind.Array
                        ? results.GetArrayLength()
                        : throw new ContractViolationException("the JSON output has no results array");
                    Expect(count == rows, $"the JSON output holds {count} results for {rows} rows");
                }

                break;
            case DataFormat.Ndjson:
                long lines = 0;
                while (output.Length > 0)
                {
                    var end = output.IndexOf((byte)'\n');
                    Expect(end >= 0, "the NDJSON output does not end with a newline");
                    using (Parse(output[..end]))
                    {
                        lines++;
                    }

                    output = output[(end + 1)..];
                }

                Expect(lines == rows, $"the NDJSON output holds {lines} results for {rows} rows");
                break;
            default:
                var (records, ragged) = CountCsv(output);
                Expect(records == rows + 1, $"the CSV output holds {records - 1} results for {rows} rows");
                Expect(ragged < 0, $"CSV output record {ragged} has a different number of fields than the header");
                break;
        }
    }

    private static JsonDocument Parse(ReadOnlySpan<byte> json)
    {
        try
        {
            return JsonDocument.Parse(json.ToArray());
        }
        catch (JsonException e)
        {
            throw new ContractViolationException("the output is not valid JSON: " + e.Message, e);
        }
    }

    /// <summary>RFC 4180 records (each ending in a line break outside quotes) and the first record whose field count differs from the header's, or -1.</summary>
    private static (long Records, long Ragged) CountCsv(ReadOnlySpan<byte> csv)
    {
        long records = 0;
        long ragged = -1;
        var fields = 1;
        var headerFields = -1;
        var quoted = false;
        foreach (var b in csv)
        {
            if (b == (byte)'"')
            {
                quoted = !quoted; // a doubled quote toggles twice
            }
            else if (!quoted && b == (byte)',')
            {
                fields++;
            }
            else if (!quoted && b == (byte)'\n')
            {
                if (headerFields < 0)
                {
                    headerFields = fields;
                }
                else if (fields != headerFields && ragged < 0)
                {
                    ragged = records;
                }

                records++;
                fields = 1;
            }
        }

        return (records, ragged);
    }

    private static void Expect(bool condition, string message)
    {
        if (!condition)
        {
            throw new ContractViolationException(message);
        }
    }
}
