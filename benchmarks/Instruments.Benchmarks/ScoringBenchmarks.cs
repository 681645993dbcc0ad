using BenchmarkDotNet.Attributes;
using Instruments.Scoring;

namespace Instruments.Benchmarks;

/// <summary>Scores one response with a reused result buffer (the embedding API's hot path).</summary>
[MemoryDiagnoser]
public class ScoreOneResponse
{
    private ScoringPlan _wai = null!;
    private ScoringPlan _phq9 = null!;
    private ResponseValue[] _waiResponse = null!;
    private ResponseValue[] _phq9Response = null!;
    private ResponseValue[] _waiComplete = null!;
    private ScoreResult _waiResult = null!;
    private ScoreResult _phq9Result = null!;

    [GlobalSetup]
    public void Setup()
    {
        _wai = Definitions.Plan(Definitions.WaiShaped);
        _phq9 = Definitions.Phq9();

        // 12 items, item 6 missing (its subscale is computed from 3 items).
        _waiResponse = [.. new int?[] { 4, 5, 2, 4, 3, null, 1, 4, 5, 4, 3, 5 }
            .Select(v => v is null ? ResponseValue.Missing : ResponseValue.FromNumber(v.Value))];

        _waiComplete = [.. new[] { 4, 5, 2, 4, 3, 3, 1, 4, 5, 4, 3, 5 }.Select(v => ResponseValue.FromNumber(v))];

        // Item 9 endorsed: the risk flag is raised.
        _phq9Response = [.. new[] { 1, 2, 1, 0, 1, 2, 1, 0, 1, 1 }.Select(v => ResponseValue.FromNumber(v))];
        _waiResult = _wai.CreateResult();
        _phq9Result = _phq9.CreateResult();
    }

    /// <summary>12-item WAI-SR-shaped response: three 4-item subscale means, two reverse-keyed items, one missing item.</summary>
    [Benchmark]
    public double WaiShaped12Items()
    {
        _wai.Score(_waiResponse, _waiResult);
        return _waiResult.GetScoreValue(3);
    }

    /// <summary>The same instrument with every item answered (no diagnostics), to separate validation from reporting.</summary>
    [Benchmark]
    public double WaiShaped12ItemsComplete()
    {
        _wai.Score(_waiComplete, _waiResult);
        return _waiResult.GetScoreValue(3);
    }

    /// <summary>PHQ-9 response with the item-9 flag raised.</summary>
    [Benchmark]
    public double Phq9WithFlag()
    {
        _phq9.Score(_phq9Response, _phq9Result);
        return _phq9Result.GetScoreValue(0);
    }
}
