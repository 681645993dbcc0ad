using System.Text.Json;

namespace Instruments.Cli.Tests;

/// <summary><c>export fhir</c> and <c>score</c> with FHIR input or output, in process, on the samples in samples/fhir.</summary>
public sealed class FhirCommandTests
{
    private static string Sample(string name) => Path.Combine(Host.RepoRoot, "samples", "fhir", name);

    [Fact]
    public async Task Export_fhir_writes_a_questionnaire_with_the_instruments_codes()
    {
        var r = await InProcess.RunAsync("export", "fhir", "phq-9");
        Assert.Equal(0, r.ExitCode);
        using var doc = JsonDocument.Parse(r.Stdout);
        Assert.Equal("Questionnaire", doc.RootElement.GetProperty("resourceType").GetString());
        Assert.Equal("44249-1", doc.RootElement.GetProperty("code")[0].GetProperty("code").GetString());
        Assert.Equal("phq9_1", doc.RootElement.GetProperty("item")[1].GetProperty("linkId").GetString());
    }

    [Fact]
    public async Task Export_fhir_of_a_restricted_instrument_has_no_item_texts()
    {
        var r = await InProcess.RunAsync("export", "fhir", "wai-sr");
        Assert.Equal(0, r.ExitCode);
        using var doc = JsonDocument.Parse(r.Stdout);
        Assert.All(doc.RootElement.GetProperty("item").EnumerateArray(), i => Assert.False(i.TryGetProperty("text", out _)));
    }

    [Fact]
    public async Task Export_of_another_format_is_a_usage_error()
    {
        var r = await InProcess.RunAsync("export", "redcap", "phq-9");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("'export' writes one format: fhir, not 'redcap'", r.Stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("phq-9-responses.json", "urn:uuid:5f2c6a1e-0000-4000-8000-000000000001")]
    [InlineData("phq-9-responses.ndjson", "QuestionnaireResponse/r1")]
    public async Task Score_fhir_input_gives_one_row_per_response_with_its_identity(string file, string firstReference)
    {
        var r = await InProcess.RunAsync("score", "phq-9", "--input", Sample(file), "--input-format", "fhir", "--quiet");
        Assert.Equal(0, r.ExitCode);
        var lines = r.Stdout.TrimEnd().ReplaceLineEndings("\n").Split('\n');
        Assert.Equal("response,subject,authored,status,total,total_band,flags,diagnostics", lines[0]);
        Assert.Equal(4, lines.Length);
        Assert.StartsWith(firstReference + ",Patient/p1,2026-01-05T09:00:00Z,complete,6,Mild,", lines[1], StringComparison.Ordinal);
        Assert.Contains(",complete,17,Moderately severe,item9_positive,", lines[3], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Score_fhir_input_and_output_writes_a_bundle_of_observations()
    {
        var r = await InProcess.RunAsync("score", "phq-9", "--input", Sample("phq-9-responses.json"), "--input-format", "fhir", "--format", "fhir");
        Assert.Equal(0, r.ExitCode);
        using var doc = JsonDocument.Parse(r.Stdout);
        Assert.Equal("collection", doc.RootElement.GetProperty("type").GetString());
        var entries = doc.RootElement.GetProperty("entry").EnumerateArray().Select(e => e.GetProperty("resource")).ToList();
        Assert.Equal([6, 2, 17], entries.Select(o => o.GetProperty("valueQuantity").GetProperty("value").GetInt32()));
        Assert.All(entries, o => Assert.Equal("44261-6", o.GetProperty("code").GetProperty("coding")[0].GetProperty("code").GetString()));
        Assert.Equal("urn:uuid:5f2c6a1e-0000-4000-8000-000000000003", entries[2].GetProperty("derivedFrom")[0].GetProperty("reference").GetString());
        Assert.Contains("scored 3 responses: 3 complete", r.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Score_csv_input_to_fhir_ndjson_uses_the_subject_and_authored_columns()
    {
        using var dir = new TempDir();
        var input = dir.File("in.csv", "subject,authored,gad7_1,gad7_2,gad7_3,gad7_4,gad7_5,gad7_6,gad7_7\nPatient/9,2026-03-01,1,1,1,2,2,0,0\nPatient/8,2026-03-02,9,1,1,2,2,0,0\n");
        var r = await InProcess.RunAsync("score", "gad-7", "--input", input, "--format", "fhir-ndjson");
        Assert.Equal(1, r.ExitCode); // the second row is invalid
        var lines = r.Stdout.TrimEnd().Split('\n');
        Assert.Equal(2, lines.Length);
        using var first = JsonDocument.Parse(lines[0]);
        Assert.Equal(7, first.RootElement.GetProperty("valueQuantity").GetProperty("value").GetInt32());
        Assert.Equal("Patient/9", first.RootElement.GetProperty("subject").GetProperty("reference").GetString());
        Assert.Equal("2026-03-01", first.RootElement.GetProperty("effectiveDateTime").GetString());
        using var second = JsonDocument.Parse(lines[1]);
        Assert.Equal("error", second.RootElement.GetProperty("dataAbsentReason").GetProperty("coding")[0].GetProperty("code").GetString());
    }

    [Fact]
    public async Task Score_fhir_input_through_a_questionnaire_file()
    {
        using var dir = new TempDir();
        var questionnaire = dir.File("q.json", """
            { "resourceType": "Questionnaire", "status": "active", "item": [
              { "linkId": "q1", "type": "choice", "code": [ { "system": "http://loinc.org", "code": "69725-0" } ] },
              { "linkId": "q2", "type": "choice", "code": [ { "system": "http://loinc.org", "code": "68509-9" } ] } ] }
            """);
        var response = dir.File("r.json", """
            { "resourceType": "QuestionnaireResponse", "status": "completed", "item": [
              { "linkId": "q1", "answer": [ { "valueCoding": { "system": "http://loinc.org", "code": "LA6571-9" } } ] },
              { "linkId": "q2", "answer": [ { "valueCoding": { "system": "http://loinc.org", "code": "LA6570-1" } } ] } ] }
            """);
        var r = await InProcess.RunAsync("score", "gad-7", "--input", response, "--input-format", "fhir", "--questionnaire", questionnaire, "--format", "json", "-q");
        Assert.Equal(0, r.ExitCode);
        using var doc = JsonDocument.Parse(r.Stdout);
        var diagnostics = doc.RootElement.GetProperty("results")[0].GetProperty("diagnostics").EnumerateArray().Select(d => d.GetProperty("message").GetString()).ToList();
        Assert.Contains("Item 'gad7_3' was not answered", diagnostics);
        Assert.DoesNotContain("Item 'gad7_1' was not answered", diagnostics);
    }

    [Fact]
    public async Task Questionnaire_without_fhir_input_is_a_usage_error()
    {
        var r = await InProcess.RunAsync("score", "phq-9", "--input", Sample("phq-9-responses.json"), "--questionnaire", Sample("phq-9-responses.json"));
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("--questionnaire needs --input-format fhir", r.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Fhir_input_that_is_no_fhir_is_a_usage_error()
    {
        using var dir = new TempDir();
        var r = await InProcess.RunAsync("score", "phq-9", "--input", dir.File("x.json", "{\n \"resourceType\": \"Patient\"\n}\n"), "--input-format", "fhir");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("the input is a Patient, not a Bundle or a QuestionnaireResponse", r.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Help_lists_export_and_the_fhir_formats()
    {
        var help = await InProcess.RunAsync("--help");
        Assert.Contains("export", help.Stdout, StringComparison.Ordinal);
        var score = await InProcess.RunAsync("score", "--help");
        Assert.Contains("fhir-ndjson", score.Stdout, StringComparison.Ordinal);
        Assert.Contains("--questionnaire", score.Stdout, StringComparison.Ordinal);
    }
}
