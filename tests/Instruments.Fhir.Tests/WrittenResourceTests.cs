using System.Text;
using Hl7.Fhir.Model;
using Instruments.Definitions;
using Instruments.Scoring;
using static Instruments.Fhir.Tests.FhirTestSupport;

namespace Instruments.Fhir.Tests;

/// <summary>
/// Everything written parses with the Firely SDK in strict mode and validates against the FHIR R4 core profiles; a
/// response round-trips (exported Questionnaire, a response built from it, read, scored, written as Observations).
/// </summary>
public sealed class WrittenResourceTests
{
    public static TheoryData<string> ShippedInstruments => new(ShippedFiles().Select(Path.GetFileNameWithoutExtension)!);

    [Theory]
    [MemberData(nameof(ShippedInstruments))]
    public void ExportedQuestionnaire_ParsesStrictly_AndValidates(string id)
    {
        var def = Shipped(id);
        var json = FhirJson.Serialize(FhirQuestionnaire.Create(def));
        var q = Assert.IsType<Questionnaire>(ParseStrict(json));
        AssertValid(q);
        Assert.Equal(def.Items.Select(i => i.Id), q.Item.Where(i => i.Type != Questionnaire.QuestionnaireItemType.Display).Select(i => i.LinkId));
        var restricted = def.License.Texts == TextLicense.Restricted;
        Assert.Equal(restricted, q.Item.All(i => i.Text is null));
        Assert.Equal(def.License.Notice ?? def.License.Name, q.Copyright);
    }

    [Fact]
    public void ExportedPhq9_CarriesItsCodes_AndOrdinalValues()
    {
        var q = FhirQuestionnaire.Create(Shipped("phq-9"));
        Assert.Equal("44249-1", Assert.Single(q.Code).Code);
        var first = q.Item.Single(i => i.LinkId == "phq9_1");
        Assert.Equal("http://loinc.org|44250-9", first.Code.Single().System + "|" + first.Code.Single().Code);
        Assert.Equal(["LA6568-5", "LA6569-3", "LA6570-1", "LA6571-9"], first.AnswerOption.Select(o => ((Coding)o.Value).Code));
        Assert.Equal(["Not at all", "Several days", "More than half the days", "Nearly every day"], first.AnswerOption.Select(o => ((Coding)o.Value).Display));
        Assert.Equal([0m, 1m, 2m, 3m], first.AnswerOption.Select(o => ((FhirDecimal)o.GetExtension(FhirQuestionnaire.OrdinalValueExtension)!.Value!).Value ?? -1m));
        Assert.False(q.Item.Single(i => i.LinkId == "phq9_10").Required);
        Assert.True(first.Required);
    }

    [Fact]
    public void ExportedRestrictedInstrument_HasNoTexts_ButItsIdsAndScales()
    {
        var def = Shipped("wai-sr");
        Assert.Equal(TextLicense.Restricted, def.License.Texts);
        var q = FhirQuestionnaire.Create(def);
        Assert.All(q.Item, i => Assert.Null(i.Text));
        Assert.DoesNotContain(q.Item, i => i.LinkId == FhirQuestionnaire.InstructionsLinkId);
        Assert.All(q.Item, i => Assert.NotEmpty(i.AnswerOption));
    }

    [Theory]
    [InlineData(null, false)]
    [InlineData("licensed-texts.yaml", true)]
    public void RestrictedTexts_AreWrittenOnlyFromALicensedTextsFile_AsDescribeShowsThem(string? textsSource, bool shown)
    {
        // A definition built in code may carry texts under a restricted licence; without a texts file they stay out.
        var def = new InstrumentDefinition
        {
            Id = "demo", Version = "1.0.0", Title = "Demo", Instructions = "Answer each question.",
            License = new LicenseInfo { Name = "licensed", Texts = TextLicense.Restricted, TextsSource = textsSource },
            ResponseScales = [new ResponseScale { Id = "s", Options = [new ResponseOption { Value = 0, Label = "No" }, new ResponseOption { Value = 1, Label = "Yes" }] }],
            Items = [new ItemDefinition { Id = "q1", Scale = "s", Text = "A licensed question" }],
            Scores = [new ScoreDefinition { Id = "t", Items = ["q1"] }],
        };
        var q = FhirQuestionnaire.Create(def);
        Assert.Equal(shown ? "A licensed question" : null, q.Item.Single(i => i.LinkId == "q1").Text);
        Assert.Equal(shown, q.Item.Any(i => i.LinkId == FhirQuestionnaire.InstructionsLinkId));
        Assert.Equal([0, 1], q.Item.Single(i => i.LinkId == "q1").AnswerOption.Select(o => ((Integer)o.Value).Value ?? -1));
        AssertValid(q);
    }

    [Fact]
    public void ObservationBundle_ParsesStrictly_Validates_AndHoldsOneObservationPerScoreOfEachResponse()
    {
        var def = Shipped("phq-9");
        var plan = Plan(def);
        var output = new MemoryStream();
        using (var writer = new ObservationWriter(plan, output))
        {
            var result = plan.CreateResult();
            plan.Score(Enumerable.Repeat(ResponseValue.FromInteger(1), 9).Append(ResponseValue.Missing).ToArray(), result);
            writer.Write(result, "QuestionnaireResponse/a", "Patient/1", "2025-01-02");
            plan.ScoreMalformed(result, 2, "invalid JSON: x");
            writer.Write(result, null, null, null);
            writer.Complete();
        }

        var bundle = Assert.IsType<Bundle>(ParseStrict(Encoding.UTF8.GetString(output.ToArray())));
        AssertValid(bundle);
        Assert.Equal(Bundle.BundleType.Collection, bundle.Type);
        Assert.Equal(2, bundle.Entry.Count);
        var ok = Assert.IsType<Observation>(bundle.Entry[0].Resource);
        AssertValid(ok);
        var value = Assert.IsType<Quantity>(ok.Value);
        Assert.Equal(9m, value.Value);
        Assert.Equal("{score}", value.Unit);
        Assert.Equal("{score}", value.Code);
        Assert.Equal("http://unitsofmeasure.org", value.System);
        Assert.Equal("44261-6", ok.Code.Coding.Single().Code);
        Assert.Equal("Mild", Assert.Single(ok.Interpretation).Text);
        Assert.Equal("QuestionnaireResponse/a", Assert.Single(ok.DerivedFrom).Reference);
        Assert.Equal("Patient/1", ok.Subject!.Reference);
        Assert.Equal("2025-01-02", ok.Effective!.ToString());
        Assert.Equal("survey", ok.Category.Single().Coding.Single().Code);
        Assert.Contains(ok.Note, n => n.Text!.StartsWith("Flag item9_positive (critical) raised", StringComparison.Ordinal));
        Assert.Equal("urn:uuid:" + ok.Id, bundle.Entry[0].FullUrl);

        var bad = Assert.IsType<Observation>(bundle.Entry[1].Resource);
        Assert.Null(bad.Value);
        Assert.Equal("error", bad.DataAbsentReason!.Coding.Single().Code);
        Assert.StartsWith("RSP2010: Line 2: invalid JSON", Assert.Single(bad.Note).Text, StringComparison.Ordinal);
        Assert.Null(bad.Subject);
        Assert.Empty(bad.DerivedFrom);
    }

    [Fact]
    public void ObservationNdjson_HasOneObservationPerLine_EachParsingStrictly()
    {
        var def = Shipped("phq-9");
        var plan = Plan(def);
        var output = new MemoryStream();
        using (var writer = new ObservationWriter(plan, output, FhirOutputKind.Ndjson))
        {
            var result = plan.CreateResult();
            for (var v = 0; v < 3; v++)
            {
                plan.Score(Enumerable.Repeat(ResponseValue.FromInteger(v), 10).ToArray(), result);
                writer.Write(result, null, "Patient/" + v, "not a date");
            }

            writer.Complete();
        }

        var lines = Encoding.UTF8.GetString(output.ToArray()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, lines.Length);
        for (var v = 0; v < 3; v++)
        {
            var o = Assert.IsType<Observation>(ParseStrict(lines[v]));
            Assert.Equal(9m * v, ((Quantity)o.Value!).Value);
            Assert.Null(o.Effective); // not a FHIR dateTime: left out
        }
    }

    [Fact]
    public void AnEmptyBundle_IsStillABundle()
    {
        var output = new MemoryStream();
        using (var writer = new ObservationWriter(Plan(Shipped("gad-7")), output))
        {
            writer.Complete();
        }

        var bundle = Assert.IsType<Bundle>(ParseStrict(Encoding.UTF8.GetString(output.ToArray())));
        Assert.Empty(bundle.Entry);
    }

    [Fact]
    public void AScoreWithoutACode_IsNamedByText()
    {
        var def = Shipped("swls");
        Assert.All(def.Scores, s => Assert.Null(s.Code));
        var plan = Plan(def);
        var result = plan.CreateResult();
        plan.Score(Enumerable.Repeat(ResponseValue.FromInteger(4), plan.ItemCount).ToArray(), result);
        var o = new ObservationWriter(plan, Stream.Null).Create(result, null, null, null)[0];
        Assert.Empty(o.Code.Coding);
        Assert.StartsWith(def.Title + ": ", o.Code.Text, StringComparison.Ordinal);
        AssertValid(o);
    }

    [Theory]
    [InlineData("phq-9", 11)]
    [InlineData("gad-7", 12)]
    public void AResponse_RoundTrips_ThroughTheExportedQuestionnaire(string id, int seed)
    {
        // Export the Questionnaire, answer it the way a form tool does (each answer the option's coding, or its
        // integer where the option has no code; linkIds LOINC-style where the item has a code, inside a group), read it
        // back through the Questionnaire, score, write Observations: their values are the engine's scores of the same answers.
        var def = Shipped(id);
        var plan = Plan(def);
        var questionnaire = (Questionnaire)ParseStrict(FhirJson.Serialize(FhirQuestionnaire.Create(def)));
        var random = new Random(seed);
        for (var n = 0; n < 50; n++)
        {
            var values = new ResponseValue[def.Items.Length];
            var group = new QuestionnaireResponse.ItemComponent { LinkId = "page-1" };
            for (var i = 0; i < def.Items.Length; i++)
            {
                var qi = questionnaire.Item.Single(x => x.LinkId == def.Items[i].Id);
                if (random.Next(12) == 0)
                {
                    continue; // left unanswered now and then
                }

                var k = random.Next(qi.AnswerOption.Count);
                var option = def.FindScale(def.Items[i].Scale)!.Options[k];
                values[i] = ResponseValue.FromInteger(option.Value);
                var linkId = qi.Code.FirstOrDefault() is { } code ? "/" + code.Code : qi.LinkId;
                var answer = new QuestionnaireResponse.AnswerComponent { Value = (DataType)qi.AnswerOption[k].Value.DeepCopy() };
                group.Item.Add(new QuestionnaireResponse.ItemComponent { LinkId = linkId, Answer = [answer] });
            }

            var qr = new QuestionnaireResponse
            {
                Id = "rt" + n, Status = QuestionnaireResponse.QuestionnaireResponseStatus.Completed,
                Subject = new ResourceReference("Patient/" + n), AuthoredElement = new FhirDateTime("2025-06-0" + (1 + n % 9)),
                Item = [group],
            };
            AssertValid(qr);
            var response = Assert.Single(Read(FhirJson.Serialize(qr), FhirItemMap.Create(def, questionnaire)));
            Assert.Empty(response.UnmatchedLinkIds);
            var fromFhir = Score(plan, response);
            var direct = plan.CreateResult();
            plan.Score(values, direct);
            Assert.Equal(direct.ToString(), fromFhir.ToString());

            var observations = new ObservationWriter(plan, Stream.Null).Create(fromFhir, response.Reference, response.Subject, response.Authored);
            for (var s = 0; s < plan.ScoreCount; s++)
            {
                var expected = direct.GetScore(s);
                Assert.Equal(expected is null ? null : (decimal?)(decimal)expected.Value, (observations[s].Value as Quantity)?.Value);
                Assert.Equal(direct.GetBand(s), observations[s].Interpretation.SingleOrDefault()?.Text);
                Assert.Equal("QuestionnaireResponse/rt" + n, observations[s].DerivedFrom.Single().Reference);
                Assert.Equal("Patient/" + n, observations[s].Subject!.Reference);
            }
        }
    }

    [Fact]
    public void TheValidator_RejectsAnInvalidObservation()
    {
        // The check above bites: an Observation without status and code is not valid R4.
        var e = Assert.ThrowsAny<Exception>(() => AssertValid(new Observation()));
        Assert.Contains("does not validate", e.Message, StringComparison.Ordinal);
    }
}
