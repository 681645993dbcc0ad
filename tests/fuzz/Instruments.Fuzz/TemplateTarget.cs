using System.Text;
using Instruments.Reports;

namespace Instruments.Fuzz;

/// <summary>
/// The report renderer: parses the input as a template (Markdown and HTML) and renders it over a fixed model of
/// three responses to <see cref="FixedInstrument"/>, with the renderer's limits (tightened so one input stays quick).
/// Parsing and rendering never throw (mistakes and exceeded limits are TPL4xxx diagnostics), the report stays within
/// the output limit, and includes stay inside the template folder: a file beside that folder is never rendered.
/// </summary>
internal sealed class TemplateTarget : FuzzTarget
{
    /// <summary>The text of the file outside the include folder; a report holding it escaped the sandbox.</summary>
    public const string Secret = "SECRET-OUTSIDE-THE-TEMPLATE-FOLDER";

    private static readonly ReportLimits Limits = new()
    {
        LoopLimit = 10_000,
        RecursionLimit = 32,
        OutputLimit = 1 << 20,
        Timeout = TimeSpan.FromSeconds(2),
        TemplateSizeLimit = 64 * 1024,
    };

    private static readonly Lazy<(ReportRenderer Renderer, ReportModel Model, string Folder)> Fixture = new(CreateFixture);

    public override string Name => "template";

    public override string Contract =>
        "Parse and Render never throw; the report is within the output limit; includes never reach a file outside the template folder";

    public override void Run(byte[] data)
    {
        var (renderer, model, folder) = Fixture.Value;
        var text = Encoding.UTF8.GetString(data);
        foreach (var format in (ReadOnlySpan<ReportFormat>)[ReportFormat.Markdown, ReportFormat.Html])
        {
            var template = renderer.Parse(text, "fuzz.scriban", format, folder);
            foreach (var diagnostic in template.Diagnostics)
            {
                _ = diagnostic.ToString();
            }

            var rendering = renderer.Render(template, model);
            foreach (var diagnostic in rendering.Diagnostics)
            {
                _ = diagnostic.ToString();
            }

            if (rendering.Text is { } report)
            {
                if (report.Length > Limits.OutputLimit)
                {
                    throw new ContractViolationException($"a {report.Length}-character report passed the {Limits.OutputLimit}-character output limit");
                }

                if (report.Contains(Secret, StringComparison.Ordinal))
                {
                    throw new ContractViolationException("the report includes a file outside the template folder");
                }
            }
        }
    }

    /// <summary>
    /// A renderer, a model, and a template folder <c>templates/</c> with one include (<c>part.scriban</c>) and a
    /// symbolic link (<c>link.scriban</c>) to <c>../secret.txt</c>, which lies outside it.
    /// </summary>
    private static (ReportRenderer, ReportModel, string) CreateFixture()
    {
        var root = Path.Combine(Path.GetTempPath(), "instruments-fuzz-" + Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var folder = Path.Combine(root, "templates");
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(root, "secret.txt"), Secret);
        File.WriteAllText(Path.Combine(folder, "part.scriban"), "part of {{ instrument.id }}: {{ responses.size }} responses\n");
        var link = Path.Combine(folder, "link.scriban");
        if (!File.Exists(link))
        {
            try
            {
                File.CreateSymbolicLink(link, Path.Combine("..", "secret.txt"));
            }
            catch (IOException)
            {
                // no symbolic links here: the sandbox is still checked through ../secret.txt
            }
        }

        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try
            {
                Directory.Delete(root, recursive: true);
            }
            catch (IOException)
            {
            }
        };

        var plan = FixedInstrument.Plan;
        var responses = new List<ReportResponse>();
        string?[][] rows = [["1", "2", "5", "c01"], ["3", "", "x", "<b>&\"c02'</b>"], ["", "", "", null]];
        for (var i = 0; i < rows.Length; i++)
        {
            var response = new Dictionary<string, string?>
            {
                ["a"] = rows[i][0], ["b"] = rows[i][1], ["c"] = rows[i][2], ["respondent_id"] = rows[i][3], ["note"] = "=cmd|' /C calc'!A0",
            };
            var result = plan.Score(response, ["respondent_id", "note"]);
            responses.Add(ReportResponse.Create(result, i + 1, response, line: i + 2));
        }

        var model = ReportModel.Create(plan, responses, combined: true);
        return (new ReportRenderer(Limits, new FixedClock()), model, folder);
    }

    private sealed class FixedClock : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => new(2024, 6, 1, 9, 30, 0, TimeSpan.Zero);
    }
}
