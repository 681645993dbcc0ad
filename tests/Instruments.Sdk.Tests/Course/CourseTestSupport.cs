using System.Collections.Immutable;
using Instruments.Course;
using Instruments.Definitions;

namespace Instruments.Sdk.Tests.Course;

internal static class CourseTestSupport
{
    public static ScoreDefinition Score(ChangeRules? rules) =>
        new() { Id = "total", Method = ScoreMethod.Sum, Items = ["a"], Change = rules };

    public static CourseAnalyzer Analyzer(ChangeRules? rules) => CourseAnalyzer.Create(Score(rules));

    public static ReliableChangeRule Fixed(double threshold, string id = "fixed") =>
        new() { Id = id, Method = ReliableChangeMethod.Fixed, Threshold = threshold, Sources = ["test"] };

    public static ReliableChangeRule Jt(double sd, double reliability, string id = "jt") =>
        new() { Id = id, Method = ReliableChangeMethod.JacobsonTruax, Sd = sd, Reliability = reliability, Sources = ["test"] };

    public static SuddenGainRule Gains(double cutoff, bool stability = true, double relative = 0.25) =>
        new() { Cutoff = cutoff, Stability = stability, Relative = relative, Sources = ["test"] };

    public static ChangeRules Rules(ChangeDirection direction = ChangeDirection.LowerIsBetter, CasenessRule? caseness = null,
        ImmutableArray<ReliableChangeRule>? reliable = null, ClinicalSignificanceRule? clinical = null, SuddenGainRule? gains = null) =>
        new()
        {
            Direction = direction,
            Caseness = caseness,
            ReliableChange = reliable ?? [],
            ClinicalSignificance = clinical,
            SuddenGains = gains,
        };

    public static ScoreCourse Analyze(this CourseAnalyzer analyzer, params double[] series)
    {
        var result = analyzer.CreateResult();
        analyzer.Analyze(series, result);
        return result;
    }
}
