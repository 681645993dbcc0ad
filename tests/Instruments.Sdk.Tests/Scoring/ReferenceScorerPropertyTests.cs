using System.Collections.Immutable;
using CsCheck;
using Instruments.Definitions;
using Instruments.Scoring;

namespace Instruments.Sdk.Tests.Scoring;

/// <summary>
/// For random valid definitions and random responses, the scoring plan agrees with a deliberately naive
/// reference scorer written from the format's documented rules.
/// </summary>
public sealed class ReferenceScorerPropertyTests
{
    private sealed record Case(InstrumentDefinition Definition, ImmutableArray<ResponseValue[]> Responses);

    private static readonly Gen<ResponseScale> GenScale =
        Gen.Select(Gen.Int[-2, 3], Gen.Int[2, 7], Gen.Bool)
            .Select((min, count, gappy) => new ResponseScale
            {
                Id = "s",
                // A "gappy" scale skips its second value, so in-range codes can still be invalid.
                Options = [.. Enumerable.Range(min, count).Where((v, i) => !(gappy && i == 1 && count > 2))
                    .Select(v => new ResponseOption { Value = v, Label = "v" + v })],
            });

    private static readonly Gen<Case> GenCase =
        from scaleCount in Gen.Int[1, 3]
        from scales in GenScale.Array[scaleCount]
        from itemCount in Gen.Int[1, 12]
        from itemScales in Gen.Int[0, scaleCount - 1].Array[itemCount]
        from reverse in Gen.Bool.Array[itemCount]
        from scoreCount in Gen.Int[1, 4]
        from scoreSpecs in Gen.Select(Gen.Bool.Array[itemCount], Gen.Int[0, 2], Gen.Bool, Gen.Int[0, 3]).Array[scoreCount]
        from responses in Gen.Int[0, 11].Array[itemCount].Array[40]
        select Build(scales, itemScales, reverse, scoreSpecs, responses);

    private static Case Build(ResponseScale[] scales, int[] itemScales, bool[] reverse,
        (bool[] Members, int Max, bool Mean, int Expr)[] specs, int[][] responses)
    {
        var namedScales = scales.Select((s, i) => new ResponseScale { Id = "s" + i, Options = s.Options }).ToArray();
        var items = itemScales.Select((s, i) => new ItemDefinition { Id = "i" + i, Scale = "s" + s, Reverse = reverse[i] }).ToArray();
        var scores = new List<ScoreDefinition>();
        for (var k = 0; k < specs.Length; k++)
        {
            var (members, max, mean, expr) = specs[k];
            var ids = items.Where((_, i) => members[i]).Select(x => x.Id).ToArray();
            if (ids.Length == 0)
            {
                ids = [items[k % items.Length].Id];
            }

            var maxMissing = Math.Min(max, ids.Length - 1);
            scores.Add(new ScoreDefinition
            {
                Id = "t" + k,
                Method = mean ? ScoreMethod.Mean : ScoreMethod.Sum,
                Items = [.. ids],
                Missing = new MissingRule { MaxMissing = maxMissing, Prorate = !mean && maxMissing > 0 },
            });
        }

        scores.Add(new ScoreDefinition { Id = "derived", Method = ScoreMethod.Expression, Expression = "t0 * 2 + " + items[0].Id });
        var definition = new InstrumentDefinition
        {
            Id = "random",
            Version = "1.0.0",
            Title = "Random",
            License = new LicenseInfo { Name = "test" },
            MissingCodes = [-99],
            ResponseScales = [.. namedScales],
            Items = [.. items],
            Scores = [.. scores],
            Flags = [new FlagDefinition { Id = "f", When = "t0 >= 1 || " + items[0].Id + " == 0" }],
        };

        // Codes: 0-8 map onto scale-relative values -1..7 (some out of range), 9 missing, 10 missing code, 11 text.
        var rows = responses.Select(r => r.Select((code, i) => code switch
        {
            9 => ResponseValue.Missing,
            10 => ResponseValue.FromNumber(-99),
            11 => ResponseValue.NonNumeric,
            _ => ResponseValue.FromNumber(namedScales[itemScales[i]].Min + code - 1),
        }).ToArray()).ToImmutableArray();
        return new Case(definition, rows);
    }

    [Fact]
    public void Plan_AgreesWithReferenceScorer_ForRandomDefinitionsAndResponses()
    {
        GenCase.Sample(c =>
        {
            var created = ScoringPlan.Create(c.Definition);
            Assert.True(created.Success, string.Join("\n", created.Diagnostics));
            var plan = created.Plan;
            var result = plan.CreateResult();
            foreach (var response in c.Responses)
            {
                plan.Score(response, result);
                var expected = Reference(c.Definition, response);
                for (var s = 0; s < plan.ScoreCount; s++)
                {
                    var actual = result.GetScore(s);
                    if (expected.Scores[s] is null)
                    {
                        Assert.Null(actual);
                    }
                    else
                    {
                        Assert.NotNull(actual);
                        Assert.Equal(expected.Scores[s]!.Value, actual!.Value, 9);
                    }
                }

                Assert.Equal(expected.Status, result.Status);
                Assert.Equal(expected.Flag, result.GetFlag(0));
            }
        }, iter: 300, seed: "0N0XIzNsQ0O2");
    }

    private static (double?[] Scores, ResponseStatus Status, FlagState Flag) Reference(InstrumentDefinition def, ResponseValue[] response)
    {
        // Straight from docs/yaml-format.md: a value counts if it is one of its scale's option values; missing codes
        // and empty cells are missing; anything else is an error and counts as missing.
        var valid = new double?[def.Items.Length];
        var error = false;
        var missing = false;
        for (var i = 0; i < def.Items.Length; i++)
        {
            var scale = def.FindScale(def.Items[i].Scale)!;
            var v = response[i];
            if (v.Kind == ResponseValueKind.Number && scale.Options.Any(o => o.Value == v.Number))
            {
                valid[i] = v.Number;
            }
            else if (v.Kind == ResponseValueKind.Missing || (v.Kind == ResponseValueKind.Number && def.MissingCodes.Contains((int)v.Number)))
            {
                missing = true;
            }
            else
            {
                error = true;
            }
        }

        var scores = new double?[def.Scores.Length];
        for (var s = 0; s < def.Scores.Length; s++)
        {
            var score = def.Scores[s];
            if (score.Method == ScoreMethod.Expression)
            {
                // "t0 * 2 + i0"
                var i0 = valid[0];
                scores[s] = scores[0] is null || i0 is null ? null : (scores[0] * 2) + i0;
                continue;
            }

            var keyed = new List<double>();
            foreach (var id in score.Items)
            {
                var index = def.Items.IndexOf(def.FindItem(id)!);
                if (valid[index] is { } x)
                {
                    var item = def.Items[index];
                    var scale = def.FindScale(item.Scale)!;
                    keyed.Add(item.Reverse ? scale.Options.Min(o => o.Value) + scale.Options.Max(o => o.Value) - x : x);
                }
            }

            var missingCount = score.Items.Length - keyed.Count;
            scores[s] = missingCount > score.Missing.MaxMissing ? null
                : score.Method == ScoreMethod.Mean ? keyed.Average()
                : missingCount > 0 ? keyed.Average() * score.Items.Length
                : keyed.Sum();
        }

        // "t0 >= 1 || i0 == 0" with three-valued logic.
        bool? left = scores[0] is null ? null : scores[0] >= 1;
        bool? right = valid[0] is null ? null : valid[0] == 0;
        bool? flag = left == true || right == true ? true : left is null || right is null ? null : false;
        var state = flag switch { true => FlagState.Raised, false => FlagState.NotRaised, null => FlagState.Unknown };
        var status = error ? ResponseStatus.Invalid : missing ? ResponseStatus.Partial : ResponseStatus.Complete;
        return (scores, status, state);
    }
}
