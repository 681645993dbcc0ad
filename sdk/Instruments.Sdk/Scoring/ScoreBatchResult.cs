namespace Instruments.Scoring;

/// <summary>
/// The results of scoring many responses at once with
/// <see cref="ScoringPlan.ScoreBatch"/>, stored by column
/// (one flat array per kind of value) so that a million results take tens of megabytes, not gigabytes.
/// A reusable buffer: create it once with a capacity and score batch after batch into it.
/// </summary>
public sealed class ScoreBatchResult
{
    internal const int ChunkRows = 4096;

    private readonly double[] _scores;      // row * ScoreCount + score
    private readonly short[] _bands;        // -1 none
    private readonly int[] _answered;
    private readonly bool[] _prorated;
    private readonly FlagState[] _flags;    // row * FlagCount + flag
    private readonly ResponseStatus[] _status;
    private readonly int[] _diagnosticStart; // per row: start within its chunk's diagnostics
    private readonly int[] _diagnosticCount;
    private readonly ResponseDiagnostic[][] _chunkDiagnostics;
    private readonly ScoreResult[] _workers; // one scratch result per chunk

    /// <summary>Creates a buffer for up to <paramref name="capacity"/> responses of <paramref name="plan"/>.</summary>
    public ScoreBatchResult(ScoringPlan plan, int capacity)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentOutOfRangeException.ThrowIfNegative(capacity);
        Plan = plan;
        Capacity = capacity;
        _scores = new double[capacity * plan.ScoreCount];
        _bands = new short[capacity * plan.ScoreCount];
        _answered = new int[capacity * plan.ScoreCount];
        _prorated = new bool[capacity * plan.ScoreCount];
        _flags = new FlagState[capacity * plan.FlagCount];
        _status = new ResponseStatus[capacity];
        _diagnosticStart = new int[capacity];
        _diagnosticCount = new int[capacity];
        var chunks = (capacity + ChunkRows - 1) / ChunkRows;
        _chunkDiagnostics = new ResponseDiagnostic[chunks][];
        _workers = new ScoreResult[chunks];
        for (var c = 0; c < chunks; c++)
        {
            _chunkDiagnostics[c] = new ResponseDiagnostic[256];
            _workers[c] = plan.CreateResult();
        }
    }

    /// <summary>The plan whose results these are.</summary>
    public ScoringPlan Plan { get; }

    /// <summary>How many responses fit.</summary>
    public int Capacity { get; }

    /// <summary>How many responses the last batch held.</summary>
    public int Count { get; private set; }

    /// <summary>Status of response <paramref name="row"/>.</summary>
    public ResponseStatus GetStatus(int row) => _status[Check(row)];

    /// <summary>Value of a score, or null when it could not be computed.</summary>
    public double? GetScore(int row, int score) => _scores[Index(row, score)] is var v && double.IsNaN(v) ? null : v;

    /// <summary>Value of a score, or NaN when it could not be computed (allocation-free).</summary>
    public double GetScoreValue(int row, int score) => _scores[Index(row, score)];

    /// <summary>Band index of a score, or -1.</summary>
    public int GetBandIndex(int row, int score) => _bands[Index(row, score)];

    /// <summary>Band label of a score, or null.</summary>
    public string? GetBand(int row, int score) =>
        GetBandIndex(row, score) is var b and >= 0 ? Plan.Definition.Scores[score].Bands[b].Label : null;

    /// <summary>True when the score was prorated.</summary>
    public bool IsProrated(int row, int score) => _prorated[Index(row, score)];

    /// <summary>How many of the score's items were answered validly.</summary>
    public int GetAnsweredCount(int row, int score) => _answered[Index(row, score)];

    /// <summary>State of a flag.</summary>
    public FlagState GetFlag(int row, int flag)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(flag);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(flag, Plan.FlagCount);
        return _flags[(Check(row) * Plan.FlagCount) + flag];
    }

    /// <summary>The diagnostics of response <paramref name="row"/>.</summary>
    public ReadOnlySpan<ResponseDiagnostic> GetDiagnostics(int row) =>
        _chunkDiagnostics[Check(row) / ChunkRows].AsSpan(_diagnosticStart[row], _diagnosticCount[row]);

    internal int ChunkCount(int rows) => (rows + ChunkRows - 1) / ChunkRows;

    internal ScoreResult Worker(int chunk) => _workers[chunk];

    internal void Begin(int rows)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(rows, Capacity);
        Count = rows;
    }

    /// <summary>Copies one scored response into row <paramref name="row"/>; <paramref name="used"/> is the chunk's diagnostic fill.</summary>
    internal void Store(int row, ScoreResult result, ref int used)
    {
        var plan = Plan;
        var scoreCount = plan.ScoreCount;
        var baseIndex = row * scoreCount;
        for (var s = 0; s < scoreCount; s++)
        {
            _scores[baseIndex + s] = result.GetScoreValue(s);
            _bands[baseIndex + s] = (short)result.GetBandIndex(s);
            _answered[baseIndex + s] = result.GetAnsweredCount(s);
            _prorated[baseIndex + s] = result.IsProrated(s);
        }

        var flagBase = row * plan.FlagCount;
        for (var f = 0; f < plan.FlagCount; f++)
        {
            _flags[flagBase + f] = result.GetFlag(f);
        }

        _status[row] = result.Status;
        var diagnostics = result.Diagnostics;
        ref var chunk = ref _chunkDiagnostics[row / ChunkRows];
        if (used + diagnostics.Length > chunk.Length)
        {
            Array.Resize(ref chunk, Math.Max(chunk.Length * 2, used + diagnostics.Length));
        }

        diagnostics.CopyTo(chunk.AsSpan(used));
        _diagnosticStart[row] = used;
        _diagnosticCount[row] = diagnostics.Length;
        used += diagnostics.Length;
    }

    private int Check(int row)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(row);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(row, Count);
        return row;
    }

    private int Index(int row, int score)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(score);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(score, Plan.ScoreCount);
        return (Check(row) * Plan.ScoreCount) + score;
    }
}
