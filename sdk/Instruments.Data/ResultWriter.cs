using Instruments.Course;
using Instruments.Scoring;

namespace Instruments.Data;

/// <summary>
/// Writes scored rows one at a time, in a <see cref="ResultFormat"/>, to a stream: for a caller that reads and scores
/// rows in its own loop. (<see cref="ScoringPipeline"/> does the same for a whole input, in parallel.) Not
/// thread-safe. Call <see cref="Complete"/> after the last row.
/// </summary>
public sealed class ResultWriter
{
    private const int FlushBytes = 64 * 1024;

    private readonly ResultFormat _format;
    private readonly ResultSink _output;
    private readonly Action<string>? _warnings;
    private readonly ResultFormatter _formatter;
    private readonly RowBlock _block = new();
    private readonly HashSet<string> _warned = new(StringComparer.Ordinal);
    private long _rows;
    private bool _started;
    private bool _completed;

    /// <summary>Creates a writer.</summary>
    /// <param name="format">The output format.</param>
    /// <param name="output">Where the bytes go; not disposed by the writer.</param>
    /// <param name="warnings">Receives warnings about rows (each once), or null.</param>
    public ResultWriter(ResultFormat format, Stream output, Action<string>? warnings = null)
    {
        ArgumentNullException.ThrowIfNull(format);
        ArgumentNullException.ThrowIfNull(output);
        _format = format;
        _output = format.CreateSink(output);
        _warnings = warnings;
        _formatter = format.CreateFormatter();
        _block.Reset(0);
    }

    /// <summary>The number of rows written.</summary>
    public long Rows => _rows;

    /// <summary>Writes the result of <paramref name="row"/>.</summary>
    /// <param name="row">The row as read (its pass-through fields and line are written with the result).</param>
    /// <param name="result">The row's result.</param>
    public void Write(ResponseRow row, ScoreResult result)
    {
        ArgumentNullException.ThrowIfNull(row);
        ArgumentNullException.ThrowIfNull(result);
        if (_format.Protocol is not null)
        {
            throw new ArgumentException("the writer's format is a protocol's; write protocol results", nameof(result));
        }

        Begin();
        _formatter.WriteRow(_rows, row, result, _block);
        End();
    }

    /// <summary>Writes a protocol's result of <paramref name="row"/> (the writer's format must be that protocol's).</summary>
    /// <param name="row">The row as read (its pass-through fields and line are written with the result).</param>
    /// <param name="result">The row's result for every instrument of the protocol.</param>
    public void Write(ResponseRow row, ProtocolResult result)
    {
        ArgumentNullException.ThrowIfNull(row);
        ArgumentNullException.ThrowIfNull(result);
        if (!ReferenceEquals(_format.Protocol, result.Plan))
        {
            throw new ArgumentException("the writer's format is not this protocol's", nameof(result));
        }

        Begin();
        _formatter.WriteRow(_rows, row, result, _block);
        End();
    }

    private void Begin()
    {
        if (_completed)
        {
            throw new InvalidOperationException("the writer is complete");
        }

        if (!_started)
        {
            _format.WriteHeader(_block.Output);
            _started = true;
        }

        _rows++;
    }

    private void End()
    {
        if (_block.RowWarnings is { Count: > 0 } rowWarnings)
        {
            foreach (var (key, message) in rowWarnings)
            {
                if (_warned.Add(key))
                {
                    _warnings?.Invoke(message);
                }
            }

            rowWarnings.Clear();
        }

        if (_block.Output.Length >= FlushBytes)
        {
            _output.Write(_block.Output.WrittenSpan);
            _block.Output.Clear();
        }
    }

    /// <summary>Writes what follows the last row (for JSON, the end of the document) and flushes the stream.</summary>
    public void Complete()
    {
        if (_completed)
        {
            return;
        }

        if (!_started)
        {
            _format.WriteHeader(_block.Output);
            _started = true;
        }

        _format.WriteFooter(_block.Output, _rows);
        _output.Write(_block.Output.WrittenSpan);
        _block.Output.Clear();
        _output.Complete();
        _completed = true;
    }
}
