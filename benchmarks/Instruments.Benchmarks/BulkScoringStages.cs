using System.Text;
using BenchmarkDotNet.Attributes;
using Instruments.Data.IO;
using Instruments.Data;
using Instruments.Scoring;
using nietras.SeparatedValues;

namespace Instruments.Benchmarks;

/// <summary>
/// The stages of <c>instruments score</c> on 100,000 in-memory WAI-shaped CSV rows (about 1% empty cells), each on one
/// thread, so that a regression shows which stage moved: parse (find rows, split fields, read values), score, format
/// (CSV text of the results), write (block buffers to a file), and the whole pipeline on all cores.
/// <see cref="ParseWithSep"/> reads the same bytes with the Sep library, for comparison with <see cref="Parse"/>.
/// </summary>
[MemoryDiagnoser]
public class BulkScoringStages
{
    private const int Rows = 100_000;
    private ScoringPlan _plan = null!;
    private byte[] _csv = null!;
    private ResponseValue[] _values = null!;
    private ScoreResult[] _results = null!;
    private ResponseRow[] _rows = null!;
    private byte[] _formatted = null!;
    private RowBlock _block = null!;
    private ResponseRow _row = null!;
    private ScoreResult _result = null!;
    private ResultFormatter _formatter = null!;
    private string _outputPath = null!;

    [GlobalSetup]
    public void Setup()
    {
        _plan = Definitions.Plan(Definitions.WaiShaped);
        var random = new Random(42);
        var text = new StringBuilder("respondent_id,w1,w2,w3,w4,w5,w6,w7,w8,w9,w10,w11,w12\n");
        for (var r = 1; r <= Rows; r++)
        {
            text.Append('r').Append(r);
            for (var i = 0; i < 12; i++)
            {
                text.Append(',');
                if (random.Next(100) != 0)
                {
                    text.Append(random.Next(1, 6));
                }
            }

            text.Append('\n');
        }

        _csv = Encoding.UTF8.GetBytes(text.ToString());
        _values = new ResponseValue[Rows * _plan.ItemCount];
        _results = new ScoreResult[Rows];
        _rows = new ResponseRow[Rows];
        using (var reader = new CsvRowReader(new MemoryStream(_csv), _plan, null))
        {
            for (var r = 0; r < Rows; r++)
            {
                _rows[r] = new ResponseRow(_plan.ItemCount);
                reader.Read(_rows[r]);
                _rows[r].Values.CopyTo(_values.AsSpan(r * _plan.ItemCount));
                _results[r] = _plan.CreateResult();
                _plan.Score(_rows[r].Values, _results[r]);
            }
        }

        _block = new RowBlock();
        _row = new ResponseRow(_plan.ItemCount);
        _result = _plan.CreateResult();
        _formatter = new CsvResultFormat(_plan, ["respondent_id"], positional: true).CreateFormatter();
        Format();
        _formatted = _block.Output.WrittenSpan.ToArray();
        _outputPath = Path.Combine(Path.GetTempPath(), "instruments-bench-" + Guid.NewGuid().ToString("N") + ".csv");
    }

    [GlobalCleanup]
    public void Cleanup() => File.Delete(_outputPath);

    /// <summary>Find the rows (sequential part) and decode each into values and pass-through fields.</summary>
    [Benchmark]
    public int Parse()
    {
        using var reader = new CsvRowReader(new MemoryStream(_csv), _plan, null);
        var decoder = reader.CreateDecoder();
        var rows = 0;
        while (true)
        {
            _block.Reset(rows);
            if (!reader.ReadBlock(_block))
            {
                return rows;
            }

            for (var i = 0; i < _block.Count; i++)
            {
                decoder.Decode(_block, i, _row);
            }

            rows += _block.Count;
        }
    }

    /// <summary>The same bytes read with Sep (UTF-8 decoded to chars, then the same cell rules).</summary>
    [Benchmark]
    public int ParseWithSep()
    {
        using var reader = Sep.Reader(o => o with { Unescape = true }).From(new MemoryStream(_csv));
        var values = _row.Values;
        var rows = 0;
        foreach (var row in reader)
        {
            _row.ClearFields();
            _row.AddField("respondent_id", FieldKind.Text, Encoding.UTF8.GetBytes(row[0].ToString()));
            for (var i = 0; i < 12; i++)
            {
                values[i] = ResponseValue.Parse(row[i + 1].Span);
            }

            rows++;
        }

        return rows;
    }

    /// <summary>Score every decoded row with one reused result.</summary>
    [Benchmark]
    public double Score()
    {
        var sum = 0.0;
        var n = _plan.ItemCount;
        for (var r = 0; r < Rows; r++)
        {
            _plan.Score(_values.AsSpan(r * n, n), _result);
            sum += _result.GetScoreValue(3);
        }

        return sum;
    }

    /// <summary>
    /// CSV text of 100,000 scored rows (pass-through id, status, four numbers, diagnostics), cycling over the first
    /// 256 decoded rows and results so that they stay in cache as the pipeline's reused row and result do.
    /// </summary>
    [Benchmark]
    public int Format()
    {
        _block.Output.Clear();
        var total = 0;
        for (var r = 0; r < Rows; r++)
        {
            _formatter.WriteRow(r + 1, _rows[r & 255], _results[r & 255], _block);
            if (_block.Output.Length > RowBlock.TargetBytes)
            {
                total += _block.Output.Length;
                _block.Output.Clear();
            }
        }

        return total + _block.Output.Length;
    }

    /// <summary>Write the formatted rows to a file, block by block, as the pipeline's writer does.</summary>
    [Benchmark]
    public long Write()
    {
        using var file = new FileStream(_outputPath, FileMode.Create, FileAccess.Write, FileShare.None, 64 * 1024);
        for (var i = 0; i < _formatted.Length; i += RowBlock.TargetBytes)
        {
            file.Write(_formatted, i, Math.Min(RowBlock.TargetBytes, _formatted.Length - i));
        }

        return file.Length;
    }

    /// <summary>The whole pipeline on all cores: read, decode, score, format and write in order (to a null stream).</summary>
    [Benchmark]
    public long Pipeline()
    {
        using var reader = new CsvRowReader(new MemoryStream(_csv), _plan, null);
        var pipeline = new ScoringPipeline(_plan, reader);
        var format = new CsvResultFormat(_plan, pipeline.DiscoverColumns(), positional: true);
        return pipeline.Run(format, Stream.Null).Total;
    }
}
