using System.Text;
using Instruments.Cli.Scoring;
using Instruments.Data;
using Instruments.Reports;
using Instruments.Scoring;

namespace Instruments.Cli.Commands;

/// <summary>
/// <c>instruments track --report md|html --output DIR</c>: one course-of-care report per client, from the clients the
/// tracking pipeline hands over (<see cref="TrackingOptions.OnClient"/>), rendered through
/// <see cref="CourseReportModel"/> and a course template, each file written atomically (<see cref="OutputFile"/>).
/// </summary>
internal sealed class CourseReports(ScoringPlan plan, ReportRenderer renderer, ReportTemplate template, ReportFormat format,
    string folder, string input, CliContext context)
{
    private readonly HashSet<string> _names = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Reports written so far.</summary>
    public int Written { get; private set; }

    /// <summary>
    /// The course template: the built-in one without <c>--template</c> or with <c>--template default</c>; a
    /// <c>.scriban</c> file; or a template the instrument's plugin ships, by name. Parse errors are printed (TPL
    /// diagnostics) and stop the command before anything is read.
    /// </summary>
    public static ReportTemplate ResolveTemplate(ReportRenderer renderer, CatalogEntry entry, string? option, ReportFormat format, TextWriter stderr)
    {
        var template = option is null or TemplateCatalog.BuiltInName
            ? renderer.GetBuiltInCourse(format)
            : TemplateCatalog.Resolve(renderer, entry.Definition.Id, entry.SourcePath, option, format, entry.Templates);
        foreach (var d in template.Diagnostics)
        {
            stderr.WriteLine(d.ToString());
        }

        if (template.HasErrors)
        {
            throw new CliException($"template '{template.Path}' has errors; no report was written");
        }

        return template;
    }

    /// <summary>Renders and writes one client's report. A template that fails to render prints its TPL diagnostics and stops the run.</summary>
    public void Write(TrackedClient client)
    {
        var administrations = new List<CourseAdministration>(client.Administrations.Length);
        foreach (var a in client.Administrations)
        {
            administrations.Add(CourseAdministration.FromValues(plan, a.Occasion.ToString(), a.Status, a.Scores, a.Line, a.Problem, a.NotUsed));
        }

        var model = CourseReportModel.Create(plan, client.Client, administrations, client.Diagnostics);
        var rendering = renderer.Render(template, model, context.Cancellation);
        if (rendering.Text is not { } text)
        {
            foreach (var d in rendering.Diagnostics)
            {
                context.Error.WriteLine(d.ToString());
            }

            throw new CliException($"template '{template.Path}' failed on client '{TerminalText.Escape(client.Client)}'; that report was not written");
        }

        WriteAtomically(Path.Combine(folder, UniqueName(_names, model.FileName(format))), text, input, context);
        Written++;
    }

    /// <summary>Writes one report's text into <paramref name="path"/> atomically (<see cref="OutputTarget"/>), never over the input.</summary>
    internal static void WriteAtomically(string path, string text, string input, CliContext context)
    {
        InputFiles.RefuseToOverwrite(input, path);
        using var target = OutputTarget.Open(path, context);
        using (var writer = new StreamWriter(target.Stream, new UTF8Encoding(false), 64 * 1024, leaveOpen: true))
        {
            writer.Write(text);
        }

        target.Commit();
    }

    /// <summary>
    /// Two client ids can give one file name (<c>a b</c> and <c>a_b</c>; names differing only in case on a
    /// case-insensitive file system): the later client gets <c>-2</c>, <c>-3</c>, ... before the extension.
    /// </summary>
    internal static string UniqueName(HashSet<string> names, string name)
    {
        if (names.Add(name))
        {
            return name;
        }

        var ext = Path.GetExtension(name);
        var stem = name[..^ext.Length];
        for (var n = 2; ; n++)
        {
            var candidate = stem + "-" + n.ToString(System.Globalization.CultureInfo.InvariantCulture) + ext;
            if (names.Add(candidate))
            {
                return candidate;
            }
        }
    }
}
