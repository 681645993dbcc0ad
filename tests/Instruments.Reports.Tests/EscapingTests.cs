namespace Instruments.Reports.Tests;

/// <summary>Respondent fields are untrusted: whatever they hold must come out as text, in both formats.</summary>
public sealed class EscapingTests
{
    private const string Script = "<script>alert(1)</script>";
    private const string AttributeBreaker = "\"><img src=x onerror=alert(1)>'";

    private static readonly ReportRenderer Renderer = new(null, TestData.Clock);

    private static ReportModel Model(string respondentId, string? other = null) => TestData.Model(TestData.Phq9,
        TestData.Response(TestData.Phq9, 1, "0,1,0,1,0,0,0,0,1,0", ("respondent_id", respondentId), ("note", other ?? respondentId)));

    [Fact]
    public void Html_DefaultTemplate_ScriptAsRespondentId_IsText()
    {
        var html = Renderer.Render(Renderer.GetBuiltIn(ReportFormat.Html), Model(Script)).Text!;
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt;", html, StringComparison.Ordinal);

        // In the <title> too, for a single-response report.
        Assert.Contains("<title>Patient Health Questionnaire-9 report: &lt;script&gt;", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Html_ValuesInAttributes_CannotCloseTheAttribute()
    {
        var template = Renderer.Parse(
            "<a title=\"{{ responses[0].respondent_id }}\" data-x='{{ responses[0].fields[1].value }}'>{{ responses[0].respondent_id }}</a>",
            "a.html.scriban", ReportFormat.Html);
        var html = Renderer.Render(template, Model(AttributeBreaker)).Text!;
        Assert.Equal(
            "<a title=\"&quot;&gt;&lt;img src=x onerror=alert(1)&gt;&#39;\" data-x='&quot;&gt;&lt;img src=x onerror=alert(1)&gt;&#39;'>&quot;&gt;&lt;img src=x onerror=alert(1)&gt;&#39;</a>",
            html);
    }

    [Fact]
    public void Html_DefaultTemplate_AttributeBreaker_StaysInsideItsAttribute()
    {
        var html = Renderer.Render(Renderer.GetBuiltIn(ReportFormat.Html), Model(AttributeBreaker)).Text!;
        Assert.DoesNotContain("<img", html, StringComparison.Ordinal);
        Assert.DoesNotContain("onerror=alert(1)>", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Html_EveryExpressionIsEscaped_EvenStringsBuiltInTheTemplate()
    {
        var template = Renderer.Parse("{{ '<b>' + responses[0].respondent_id + '</b>' }}|{{ func f }}<i>{{ $0 }}</i>{{ end }}{{ f '<u>' }}",
            "a.html.scriban", ReportFormat.Html);
        Assert.Equal("&lt;b&gt;x&lt;/b&gt;|<i>&lt;u&gt;</i>", Renderer.Render(template, Model("x")).Text);
    }

    [Fact]
    public void Html_LicenceUrl_OnlyHttpOrHttps()
    {
        Assert.Null(ReportModel.SafeUrl("javascript:alert(1)"));
        Assert.Null(ReportModel.SafeUrl("data:text/html,<script>alert(1)</script>"));
        Assert.Null(ReportModel.SafeUrl("not a url"));
        Assert.Equal("https://example.org/terms", ReportModel.SafeUrl("https://example.org/terms"));
    }

    [Fact]
    public void Html_DefaultTemplate_HasAContentSecurityPolicyThatForbidsScripts()
    {
        var html = Renderer.Render(Renderer.GetBuiltIn(ReportFormat.Html), Model("p1")).Text!;
        Assert.Contains("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData("<b>x</b>", "&lt;b>x&lt;/b>")]
    [InlineData("[click](javascript:alert(1))", "\\[click\\](javascript:alert(1))")]
    [InlineData("a|b", "a\\|b")]
    [InlineData("`code`", "\\`code\\`")]
    [InlineData("line\n# heading", "line # heading")]
    [InlineData("a\\|b", "a\\\\\\|b")]
    [InlineData("plain r001 & co", "plain r001 & co")]
    public void Markdown_Values_CannotBecomeMarkup(string value, string expected)
    {
        var template = Renderer.Parse("{{ responses[0].respondent_id }}", "a.md.scriban", ReportFormat.Markdown);
        Assert.Equal(expected, Renderer.Render(template, Model(value)).Text);
    }

    [Fact]
    public void Markdown_DefaultTemplate_PipeInAField_KeepsTheTableIntact()
    {
        var md = Renderer.Render(Renderer.GetBuiltIn(ReportFormat.Markdown), Model("p1", "a|b|c")).Text!;
        Assert.Contains("| note | a\\|b\\|c |", md, StringComparison.Ordinal);
    }
}
