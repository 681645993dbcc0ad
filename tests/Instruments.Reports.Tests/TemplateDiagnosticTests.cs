using Instruments.Diagnostics;

namespace Instruments.Reports.Tests;

/// <summary>
/// One test per TPL diagnostic (named <c>TPL4xxx_...</c>; <see cref="ReportDiagnosticCatalogueTests"/> checks that each
/// has one), plus the limits and the include rules around them.
/// </summary>
public sealed class TemplateDiagnosticTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "instruments-report-tests", Guid.NewGuid().ToString("N")[..12]);

    public TemplateDiagnosticTests() => Directory.CreateDirectory(Path.Combine(_dir, "templates"));

    public void Dispose()
    {
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static ReportModel Model() => TestData.Model(TestData.Swls, TestData.Response(TestData.Swls, 1, "5,5,5,5,5", ("respondent_id", "r1")));

    private string Write(string relative, string text)
    {
        var path = Path.Combine(_dir, "templates", relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
        return path;
    }

    private static Diagnostic Single(ReportRendering rendering, DiagnosticDescriptor expected)
    {
        Assert.False(rendering.Succeeded, rendering.Text);
        var d = Assert.Single(rendering.Diagnostics);
        Assert.Equal(expected.Id, d.Id);
        Assert.True(d.IsError);
        return d;
    }

    private static ReportRendering Render(string text, ReportLimits? limits = null, TimeProvider? time = null)
    {
        var renderer = new ReportRenderer(limits, time ?? TestData.Clock);
        return renderer.Render(renderer.Parse(text, "t.md.scriban", ReportFormat.Markdown), Model());
    }

    [Fact]
    public void TPL4001_ParseError_HasFileAnd1BasedLineAndColumn()
    {
        var renderer = new ReportRenderer();
        var template = renderer.Parse("Title\n  {{ if }}\n", "r.md.scriban", ReportFormat.Markdown);
        Assert.True(template.HasErrors);
        var d = template.Diagnostics.First(x => x.IsError);
        Assert.Equal("TPL4001", d.Id);
        Assert.Equal("r.md.scriban", d.Location.Path);
        Assert.Equal(2, d.Location.Line);      // Scriban says line 1 (0-based)
        Assert.Equal(9, d.Location.Column);    // ... column 8: the '}}' after 'if '
        Assert.StartsWith("r.md.scriban(2,9): error TPL4001: Template syntax error: ", d.ToString(), StringComparison.Ordinal);

        // Rendering a broken template returns its diagnostics, never throws.
        var rendering = renderer.Render(template, Model());
        Assert.False(rendering.Succeeded);
        Assert.Equal(template.Diagnostics, rendering.Diagnostics);
    }

    [Fact]
    public void TPL4001_ParseErrorInAnInclude_NamesTheIncludedFile()
    {
        var main = Write("main.md.scriban", "ok\n{{ include 'part' }}");
        Write("part.scriban", "line one\n{{ for x in }}\n");
        var renderer = new ReportRenderer();
        var rendering = renderer.Render(renderer.Load(main), Model());
        Assert.False(rendering.Succeeded);
        var d = rendering.Diagnostics[0];
        Assert.Equal("TPL4001", d.Id);
        Assert.Equal(Path.Combine(_dir, "templates", "part.scriban"), d.Location.Path);
        Assert.Equal(2, d.Location.Line);
    }

    [Theory]
    [InlineData("Z{{+444444444404E4448626", 1, 5)]     // found by the fuzzer: Scriban computed 10^4448626 while parsing
    [InlineData("a\n{{ x = 2e309 }}", 2, 8)]
    [InlineData("{{ 1_0E1_000 }}", 1, 4)]
    [InlineData("{{ 1111111..10000e0111111111 }}", 1, 13)] // the fuzzer's second one: the literal right after a range's '..'

    public void TPL4001_NumberWithAnExponentBeyondADouble_IsRefusedBeforeParsing(string text, int line, int column)
    {
        var renderer = new ReportRenderer();
        var template = renderer.Parse(text, "n.md.scriban", ReportFormat.Markdown);
        var d = Assert.Single(template.Diagnostics);
        Assert.Equal("TPL4001", d.Id);
        Assert.Contains("exponent beyond 308", d.Message, StringComparison.Ordinal);
        Assert.Equal((line, column), (d.Location.Line, d.Location.Column));
    }

    [Fact]
    public void TPL4001_TextThatMakesScribansParserThrow_IsASyntaxError_NotAnException()
    {
        // Found by the fuzzer: Scriban formats the broken node for its error message, and printing it throws.
        var text = System.Text.Encoding.UTF8.GetString(Convert.FromHexString("7b5b7b7b7b24227b63323d3d3d3d3d74776963652878293d4072655c0478"));
        var template = new ReportRenderer().Parse(text, "f.md.scriban", ReportFormat.Markdown);
        var d = Assert.Single(template.Diagnostics);
        Assert.Equal("TPL4001", d.Id);
        Assert.Contains("parser failed", d.Message, StringComparison.Ordinal);
        Assert.True(template.HasErrors);
    }

    [Theory]
    [InlineData("{{ 1E308 }}{{ 2.5e-300 }}")]
    [InlineData("1E4448626 outside a code block is text")]
    public void NumbersWithinADoublesRange_AndTextOutsideCode_Parse(string text) =>
        Assert.Empty(new ReportRenderer().Parse(text, "n.md.scriban", ReportFormat.Markdown).Diagnostics);

    [Fact]
    public void TPL4001_IncludeWithAHugeExponent_StopsTheRender()
    {
        var main = Write("main.md.scriban", "ok\n{{ include 'part' }}");
        Write("part.scriban", "{{ 7E99999999 }}");
        var renderer = new ReportRenderer();
        var rendering = renderer.Render(renderer.Load(main), Model());
        Assert.False(rendering.Succeeded);
        Assert.Equal("TPL4001", rendering.Diagnostics[0].Id);
        Assert.Contains("exponent beyond 308", rendering.Diagnostics[0].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TPL4002_UnknownVariableOrMember_StopsTheRender()
    {
        var d = Single(Render("{{ instrument.titel }}"), ReportDiagnostics.UnknownName);
        Assert.Contains("titel", d.Message, StringComparison.Ordinal);
        Assert.Equal(1, d.Location.Line);

        Single(Render("{{ respondent }}"), ReportDiagnostics.UnknownName);   // StrictVariables
    }

    [Fact]
    public void TPL4003_MemberOfNull_IsARuntimeError_AndQuestionDotIsTheWayAround()
    {
        // SWLS 'total' of a missing response is null: reading past it fails, ?. does not.
        var model = TestData.Model(TestData.Swls, TestData.Response(TestData.Swls, 1, "5,5,,5,5"));
        var renderer = new ReportRenderer(null, TestData.Clock);
        var bad = renderer.Parse("{{ responses[0].scores[0].band.label }}", "t.md.scriban", ReportFormat.Markdown);
        Single(renderer.Render(bad, model), ReportDiagnostics.RuntimeError);
        var good = renderer.Parse("[{{ responses[0].scores[0].band?.label }}]", "t.md.scriban", ReportFormat.Markdown);
        Assert.Equal("\\[\\]".Replace("\\", string.Empty, StringComparison.Ordinal), renderer.Render(good, model).Text);
    }

    [Fact]
    public void TPL4004_EndlessLoop_Stops()
    {
        var d = Single(Render("{{ while true }}x{{ end }}"), ReportDiagnostics.LoopLimitExceeded);
        Assert.Contains("100,000", d.Message, StringComparison.Ordinal);

        // The limit counts all loops together, and ranges too.
        var small = new ReportLimits { LoopLimit = 50 };
        Single(Render("{{ for i in 1..10; for j in 1..10; end; end }}", small), ReportDiagnostics.LoopLimitExceeded);
        Single(Render("{{ r = 1..100 }}", small), ReportDiagnostics.LoopLimitExceeded);
        Assert.True(Render("{{ for i in 1..40; end }}ok", small).Succeeded);
    }

    [Fact]
    public void TPL4005_DeepRecursion_Stops()
    {
        Single(Render("{{ func f; f; end; f }}"), ReportDiagnostics.RecursionLimitExceeded);

        // Templates that include each other in a circle, too.
        var a = Write("a.md.scriban", "a{{ include 'b.md.scriban' }}");
        Write("b.md.scriban", "b{{ include 'a.md.scriban' }}");
        var renderer = new ReportRenderer();
        Single(renderer.Render(renderer.Load(a), Model()), ReportDiagnostics.RecursionLimitExceeded);
    }

    [Fact]
    public void TPL4006_HugeOutput_Stops()
    {
        var limits = new ReportLimits { OutputLimit = 10_000 };
        Single(Render("{{ for i in 1..5000 }}0123456789{{ end }}", limits), ReportDiagnostics.OutputLimitExceeded);

        // A huge string built in one go (not through a loop) as well.
        Single(Render("{{ 'x' | string.pad_left 50000 }}", limits), ReportDiagnostics.OutputLimitExceeded);
        Assert.True(Render("{{ for i in 1..100 }}0123456789{{ end }}", limits).Succeeded);
    }

    [Fact]
    public void TPL4007_Timeout_StopsAnEndlessLoop()
    {
        // Wall clock: a loop limit too high to matter, a short timeout.
        var limits = new ReportLimits { LoopLimit = int.MaxValue, Timeout = TimeSpan.FromMilliseconds(200) };
        var started = DateTime.UtcNow;
        var d = Single(Render("{{ while true }}{{ end }}", limits, TimeProvider.System), ReportDiagnostics.Timeout);
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(20));
        Assert.Contains("0.2 s", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TPL4007_Timeout_UsesTheInjectedClock()
    {
        // A clock whose timers fire at once: the render is over before the first loop step.
        Single(Render("{{ for i in 1..3 }}x{{ end }}", null, new ExpiredClock()), ReportDiagnostics.Timeout);
    }

    [Fact]
    public void Cancellation_ByTheCaller_Throws()
    {
        var renderer = new ReportRenderer(new ReportLimits { LoopLimit = int.MaxValue });
        var template = renderer.Parse("{{ while true }}{{ end }}", "t.md.scriban", ReportFormat.Markdown);
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));
        Assert.ThrowsAny<OperationCanceledException>(() => renderer.Render(template, Model(), cancel.Token));
    }

    [Theory]
    [InlineData("../secret.txt")]
    [InlineData("partials/../../secret.txt")]
    [InlineData("/etc/passwd")]
    [InlineData("\\\\server\\share\\x")]
    [InlineData("C:/Windows/win.ini")]
    [InlineData("./part")]
    public void TPL4008_IncludeOutsideTheFolder_IsRefused(string name)
    {
        File.WriteAllText(Path.Combine(_dir, "secret.txt"), "SECRET");
        var main = Write("main.md.scriban", "{{ include '" + name.Replace("\\", "\\\\", StringComparison.Ordinal) + "' }}");
        var renderer = new ReportRenderer();
        var rendering = renderer.Render(renderer.Load(main), Model());
        var d = Single(rendering, ReportDiagnostics.IncludeRefused);
        Assert.Equal(main, d.Location.Path);
        Assert.Equal((1, 4), (d.Location.Line, d.Location.Column));
    }

    [Fact]
    public void TPL4008_SymbolicLinkOutOfTheFolder_IsRefused()
    {
        var secret = Path.Combine(_dir, "secret.txt");
        File.WriteAllText(secret, "SECRET");
        File.CreateSymbolicLink(Path.Combine(_dir, "templates", "link.scriban"), secret);
        var main = Write("main.md.scriban", "{{ include 'link' }}");
        var renderer = new ReportRenderer();
        var rendering = renderer.Render(renderer.Load(main), Model());
        Single(rendering, ReportDiagnostics.IncludeRefused);
    }

    [Fact]
    public void TPL4008_TemplatesWithoutAFolder_IncludeNothing()
    {
        Single(Render("{{ include 'anything' }}"), ReportDiagnostics.IncludeRefused);
    }

    [Fact]
    public void TPL4009_MissingInclude()
    {
        var main = Write("main.md.scriban", "{{ include 'heder' }}");
        var renderer = new ReportRenderer();
        var d = Single(renderer.Render(renderer.Load(main), Model()), ReportDiagnostics.IncludeNotFound);
        Assert.Contains("'heder'", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TPL4010_TemplateTooLarge()
    {
        var renderer = new ReportRenderer(new ReportLimits { TemplateSizeLimit = 100 });
        var template = renderer.Parse(new string('x', 101), "big.md.scriban", ReportFormat.Markdown);
        Assert.True(template.HasErrors);
        Assert.Equal("TPL4010", Assert.Single(template.Diagnostics).Id);

        var main = Write("main.md.scriban", "{{ include 'big' }}");
        Write("big.scriban", new string('y', 500));
        Single(renderer.Render(renderer.Load(main), Model()), ReportDiagnostics.TemplateTooLarge);
    }

    [Fact]
    public void Include_InsideTheFolder_Works_AndItsOutputIsNotEscapedTwice()
    {
        var main = Write("main.html.scriban", "<main>{{ include 'partials/head' }}</main>");
        Write("partials/head.scriban", "<h1 title=\"{{ responses[0].respondent_id }}\">{{ instrument.title }}</h1>");
        var model = TestData.Model(TestData.Swls, TestData.Response(TestData.Swls, 1, "5,5,5,5,5", ("respondent_id", "a&b")));
        var renderer = new ReportRenderer();
        var text = renderer.Render(renderer.Load(main), model).Text;
        Assert.Equal("<main><h1 title=\"a&amp;b\">Satisfaction With Life Scale</h1></main>", text);
    }

    [Fact]
    public void Load_ParsesOnce_AndAgainWhenTheFileChanges()
    {
        var path = Write("x.md.scriban", "one");
        var renderer = new ReportRenderer();
        var first = renderer.Load(path);
        Assert.Same(first, renderer.Load(path));
        File.WriteAllText(path, "two, longer");
        var second = renderer.Load(path);
        Assert.NotSame(first, second);
        Assert.Equal("two, longer", renderer.Render(second, Model()).Text);
    }

    [Fact]
    public void EveryRender_GetsANewContextAndAFreshModel()
    {
        var renderer = new ReportRenderer();
        var template = renderer.Parse("{{ instrument.title }}|{{ instrument.title = 'changed' }}{{ seen = true }}", "t.md.scriban", ReportFormat.Markdown);
        var model = Model();
        Assert.Equal("Satisfaction With Life Scale|", renderer.Render(template, model).Text);
        Assert.Equal("Satisfaction With Life Scale|", renderer.Render(template, model).Text);
        var probe = renderer.Parse("{{ seen }}", "p.md.scriban", ReportFormat.Markdown);
        Assert.Equal("TPL4002", Assert.Single(renderer.Render(probe, model).Diagnostics).Id);
    }

    [Fact]
    public void DotNetMembers_AreNotReachable()
    {
        // The model holds no .NET objects; built-ins that return some do not open their members either.
        var rendering = Render("{{ (date.parse '2024-01-01').year }}");
        Assert.False(rendering.Succeeded);
    }

    /// <summary>A clock whose timers fire immediately.</summary>
    private sealed class ExpiredClock : TimeProvider
    {
        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            callback(state);
            return new NoTimer();
        }

        private sealed class NoTimer : ITimer
        {
            public bool Change(TimeSpan dueTime, TimeSpan period) => true;

            public void Dispose()
            {
            }

            public ValueTask DisposeAsync() => ValueTask.CompletedTask;
        }
    }
}
