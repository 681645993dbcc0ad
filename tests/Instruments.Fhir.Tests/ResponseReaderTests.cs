using System.Text;
using Instruments.Scoring;
using static Instruments.Fhir.Tests.FhirTestSupport;

namespace Instruments.Fhir.Tests;

/// <summary>Reading QuestionnaireResponses: item matching, answer types, Bundle types, NDJSON, unreadable resources.</summary>
public sealed class ResponseReaderTests
{
    private static readonly Lazy<(FhirItemMap Map, ScoringPlan Plan)> Phq9 = new(() =>
    {
        var def = Shipped("phq-9");
        return (FhirItemMap.Create(def), Plan(def));
    });

    private const string Loinc = "http://loinc.org";

    private static string Coding(string code, string system = Loinc) => $$"""{ "valueCoding": { "system": "{{system}}", "code": "{{code}}" } }""";

    private static string Item(string linkId, params string[] answers) =>
        $$"""{ "linkId": "{{linkId}}", "answer": [{{string.Join(",", answers)}}] }""";

    private static string Response(string id, params string[] items) =>
        $$"""{ "resourceType": "QuestionnaireResponse", "id": "{{id}}", "status": "completed", "subject": { "reference": "Patient/{{id}}" }, "authored": "2025-01-02T03:04:05Z", "item": [{{string.Join(",", items)}}] }""";

    /// <summary>All nine symptom items answered with option value <paramref name="value"/> as LOINC codings under LOINC-style linkIds.</summary>
    private static string[] NineLoinc(int value)
    {
        string[] questions = ["44250-9", "44255-8", "44259-0", "44254-1", "44251-7", "44258-2", "44252-5", "44253-3", "44260-8"];
        string[] answers = ["LA6568-5", "LA6569-3", "LA6570-1", "LA6571-9"];
        return [.. questions.Select(q => Item("/" + q, Coding(answers[value])))];
    }

    private static ScoreResult ReadOne(string json, List<string>? warnings = null)
    {
        var (map, plan) = Phq9.Value;
        return Score(plan, Assert.Single(Read(json, map, warnings: warnings)));
    }

    [Fact]
    public void LoincStyleLinkIds_AndLoincAnswerCodes_AreMatched()
    {
        var result = ReadOne(Response("a", NineLoinc(2)));
        Assert.Equal(18, result.GetScore("total"));
        Assert.Equal(ResponseStatus.Complete, result.Status);
    }

    [Fact]
    public void LinkIdsEqualToItemIds_AreMatched_AndOtherLinkIdsAreNamedOnce()
    {
        var items = Enumerable.Range(1, 9).Select(i => Item("phq9_" + i, Coding("LA6569-3"))).Append(Item("comment", """{ "valueString": "x" }"""));
        var warnings = new List<string>();
        var (map, _) = Phq9.Value;
        var response = Assert.Single(Read(Response("a", [.. items]), map, warnings: warnings));
        Assert.Equal(9, Score(Phq9.Value.Plan, response).GetScore("total"));
        Assert.Equal(["comment"], response.UnmatchedLinkIds);
        Assert.Equal("linkId 'comment' matches no item of 'phq-9'; its answers are ignored", Assert.Single(warnings));
    }

    [Fact]
    public void ItemsInNestedGroups_AndUnderAnswers_AreFound()
    {
        var nine = NineLoinc(1);
        var group = $$"""{ "linkId": "g1", "item": [ { "linkId": "g2", "item": [{{string.Join(",", nine[..4])}}] } ] }""";
        var underAnswer = $$"""{ "linkId": "/44250-9x", "answer": [ { "valueBoolean": true, "item": [{{string.Join(",", nine[4..])}}] } ] }""";
        Assert.Equal(9, ReadOne(Response("a", group, underAnswer)).GetScore("total"));
    }

    [Fact]
    public void ValueInteger_AndValueDecimal_AreTheOptionValues()
    {
        var items = Enumerable.Range(1, 9).Select(i => Item("phq9_" + i, i % 2 == 0 ? """{ "valueInteger": 3 }""" : """{ "valueDecimal": 1.0 }"""));
        Assert.Equal(4 * 3 + 5 * 1, ReadOne(Response("a", [.. items])).GetScore("total"));
    }

    [Fact]
    public void ValueDecimal_ThatIsNoOption_IsRsp2001_AsAnyInput()
    {
        var items = Enumerable.Range(1, 9).Select(i => Item("phq9_" + i, i == 3 ? """{ "valueDecimal": 2.5 }""" : """{ "valueInteger": 0 }"""));
        var result = ReadOne(Response("a", [.. items]));
        Assert.Equal("RSP2001", Assert.Single(result.Diagnostics.ToArray(), d => d.Severity == Diagnostics.DiagnosticSeverity.Error).Id);
        Assert.Equal(ResponseStatus.Invalid, result.Status);
    }

    [Theory]
    [InlineData("LA9999-9", Loinc, "linkId '/44252-5': coding http://loinc.org|LA9999-9 is none of the item's answer codes")]
    [InlineData("LA6571-9", "http://snomed.info/sct", "linkId '/44252-5': coding http://snomed.info/sct|LA6571-9 is none of the item's answer codes")]
    public void ACodingThatMatchesNoOption_IsAnInvalidValueNamingTheLinkId(string code, string system, string expected)
    {
        var nine = NineLoinc(0);
        nine[6] = Item("/44252-5", Coding(code, system));
        var result = ReadOne(Response("a", nine));
        var d = Assert.Single(result.Diagnostics.ToArray(), x => x.Id == "RSP2002");
        Assert.Equal($"Item 'phq9_7': '{expected}' is not a number; counted as missing", result.FormatMessage(d));
        Assert.Equal(ResponseStatus.Invalid, result.Status);
        Assert.Null(result.GetScore("total") is { } t && t > 0 ? t : null);
    }

    [Fact]
    public void ACodingWithoutSystem_MatchesNothing()
    {
        var nine = NineLoinc(0);
        nine[0] = Item("/44250-9", """{ "valueCoding": { "code": "LA6571-9" } }""");
        var result = ReadOne(Response("a", nine));
        var d = Assert.Single(result.Diagnostics.ToArray(), x => x.Id == "RSP2002");
        Assert.Contains("linkId '/44250-9': coding 'LA6571-9' has no system", result.FormatMessage(d), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{ "valueString": "3" }""", "linkId '/44250-9': a valuestring answer; expected valueCoding, valueInteger or valueDecimal")]
    [InlineData("""{ "valueInteger": 1 }, { "valueInteger": 2 }""", "linkId '/44250-9': 2 answers; one expected")]
    public void OtherAnswers_AreInvalidValuesNamingTheLinkId(string answers, string expected)
    {
        var nine = NineLoinc(0);
        nine[0] = $$"""{ "linkId": "/44250-9", "answer": [{{answers}}] }""";
        var result = ReadOne(Response("a", nine));
        var d = Assert.Single(result.Diagnostics.ToArray(), x => x.Id == "RSP2002");
        Assert.Equal($"Item 'phq9_1': '{expected}' is not a number; counted as missing", result.FormatMessage(d), ignoreCase: true);
    }

    [Fact]
    public void OneItemUnderTwoLinkIds_IsInvalid()
    {
        var nine = NineLoinc(0).Append(Item("phq9_1", """{ "valueInteger": 0 }""")).ToArray();
        var result = ReadOne(Response("a", nine));
        var d = Assert.Single(result.Diagnostics.ToArray(), x => x.Id == "RSP2002");
        Assert.Contains("is also answered under linkId '/44250-9'", result.FormatMessage(d), StringComparison.Ordinal);
    }

    [Fact]
    public void AnItemWithoutAnswer_IsMissing()
    {
        var nine = NineLoinc(1);
        nine[8] = """{ "linkId": "/44260-8" }""";
        var result = ReadOne(Response("a", nine));
        Assert.Equal(8 * 9 / 8.0, result.GetScore("total")); // prorated from 8 of 9 (the PHQ-9's missing rule)
        Assert.Contains(result.Diagnostics.ToArray(), d => d.Id == "RSP2004");
    }

    [Theory]
    [InlineData("collection")]
    [InlineData("searchset")]
    [InlineData("transaction")]
    [InlineData("batch")]
    public void Bundles_GiveOneResponsePerQuestionnaireResponse_InEntryOrder(string type)
    {
        var entries = new[]
        {
            $$"""{ "fullUrl": "urn:uuid:0c2d7f5e-0000-4000-8000-000000000001", "resource": {{Response("r1", NineLoinc(1))}}, "request": { "method": "POST", "url": "QuestionnaireResponse" }, "search": { "mode": "match" } }""",
            """{ "resource": { "resourceType": "Patient", "id": "p" }, "request": { "method": "PUT", "url": "Patient/p" }, "search": { "mode": "include" } }""",
            """{ "request": { "method": "DELETE", "url": "Observation/x" } }""",
            $$"""{ "resource": {{Response("r2", NineLoinc(3))}}, "request": { "method": "PUT", "url": "QuestionnaireResponse/r2" }, "search": { "mode": "match" } }""",
        };
        var bundle = $$"""{ "resourceType": "Bundle", "type": "{{type}}", "entry": [{{string.Join(",\n", entries)}}] }""";
        var (map, plan) = Phq9.Value;
        var responses = Read(bundle, map);
        Assert.Equal(2, responses.Count);
        Assert.Equal([1, 4], responses.Select(r => r.Position));
        Assert.Equal(["urn:uuid:0c2d7f5e-0000-4000-8000-000000000001", "QuestionnaireResponse/r2"], responses.Select(r => r.Reference));
        Assert.Equal([9.0, 27.0], responses.Select(r => Score(plan, r).GetScore("total")!.Value));
    }

    [Fact]
    public void ASingleResource_IsOneResponse()
    {
        var response = Assert.Single(Read(Response("solo", NineLoinc(0)), Phq9.Value.Map, FhirInputKind.Json));
        Assert.Equal(1, response.Position);
        Assert.Equal("Patient/solo", response.Subject);
        Assert.Equal("2025-01-02T03:04:05Z", response.Authored);
    }

    [Fact]
    public void Ndjson_OneResponsePerLine_UnreadableLinesAreMalformedResponses_OtherResourcesPassedOver()
    {
        var lines = new[]
        {
            Response("r1", NineLoinc(1)),
            "{ \"resourceType\": \"QuestionnaireResponse\", \"status\": ",           // not JSON
            """{ "resourceType": "Patient", "id": "p" }""",
            "",
            """{ "resourceType": "QuestionnaireResponse", "status": "completed", "item": [ { "linkId": 5 } ] }""", // linkId is not a string
            """{ "resourceType": "QuestionnaireResponse", "status": "completed", "subject": "Patient/1" }""", // a string where a Reference belongs
            Response("r2", NineLoinc(2)),
        };
        var warnings = new List<string>();
        var (map, plan) = Phq9.Value;
        var responses = Read(string.Join("\n", lines) + "\n", map, FhirInputKind.Auto, warnings);
        Assert.Equal([1, 2, 5, 6, 7], responses.Select(r => r.Position));
        Assert.Null(responses[0].Malformed);
        Assert.StartsWith("invalid JSON: ", responses[1].Malformed, StringComparison.Ordinal);
        Assert.StartsWith("QuestionnaireResponse cannot be read: ", responses[2].Malformed, StringComparison.Ordinal);
        Assert.StartsWith("QuestionnaireResponse cannot be read: ", responses[3].Malformed, StringComparison.Ordinal);
        Assert.Null(responses[4].Malformed);
        Assert.Equal("NDJSON: Patient resources are not QuestionnaireResponses; passed over (first at line 3)", Assert.Single(warnings));

        var malformed = Score(plan, responses[1]);
        Assert.Equal(ResponseStatus.Invalid, malformed.Status);
        var d = Assert.Single(malformed.Diagnostics.ToArray());
        Assert.Equal("RSP2010", d.Id);
        Assert.StartsWith("Line 2: invalid JSON", malformed.FormatMessage(d), StringComparison.Ordinal);
    }

    [Fact]
    public void ABundleEntryThatCannotBeRead_IsAMalformedResponseAtItsPosition()
    {
        var bundle = $$"""{ "resourceType": "Bundle", "type": "collection", "entry": [ { "resource": { "resourceType": "QuestionnaireResponse", "status": "completed", "item": [ { "linkId": [1] } ] } }, { "resource": {{Response("ok", NineLoinc(0))}} } ] }""";
        var responses = Read(bundle, Phq9.Value.Map);
        Assert.Equal(2, responses.Count);
        Assert.Equal(1, responses[0].Position);
        Assert.NotNull(responses[0].Malformed);
        Assert.Null(responses[1].Malformed);
    }

    [Fact]
    public void Ndjson_IsReadLazily_ALineAtATime()
    {
        // An endless NDJSON stream: only a reader that streams can give the first responses.
        var (map, plan) = Phq9.Value;
        using var reader = new QuestionnaireResponseReader(new EndlessLines(Response("r", NineLoinc(1))), map);
        var first = reader.ReadAll().Take(3).ToList();
        Assert.Equal([1, 2, 3], first.Select(r => r.Position));
        Assert.All(first, r => Assert.Equal(9, Score(plan, r).GetScore("total")));
    }

    [Theory]
    [InlineData("this is not json", "the input is not JSON")]
    [InlineData("{\n \"resourceType\": \"Patient\"\n}", "the input is a Patient, not a Bundle or a QuestionnaireResponse")]
    [InlineData("[\n 1\n]", "the input is not a FHIR resource")]
    public void AnInputThatIsNoFhirAtAll_IsAFormatError(string text, string message)
    {
        var e = Assert.Throws<FhirFormatException>(() => Read(text, Phq9.Value.Map));
        Assert.StartsWith(message, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AnEmptyInput_HasNoResponses()
    {
        Assert.Empty(Read("\n\n", Phq9.Value.Map));
    }

    /// <summary>The same line again and again, without end.</summary>
    private sealed class EndlessLines(string line) : Stream
    {
        private readonly byte[] _line = Encoding.UTF8.GetBytes(line + "\n");
        private int _at;

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override int Read(byte[] buffer, int offset, int count)
        {
            var n = Math.Min(count, _line.Length - _at);
            Array.Copy(_line, _at, buffer, offset, n);
            _at = (_at + n) % _line.Length;
            return n;
        }
    }
}
