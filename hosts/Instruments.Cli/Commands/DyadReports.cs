using Instruments.Alliance;
using Instruments.Reports;

namespace Instruments.Cli.Commands;

/// <summary>
/// <c>instruments agree --report md|html --output DIR</c>: one dyad report per dyad the agreement pipeline hands over
/// (<see cref="Data.AgreementOptions.OnDyad"/>), built by a <see cref="ServiceSummaryBuilder"/> and rendered through
/// the built-in dyad template, then the service summary (<c>service.md|html</c>); each file written atomically, names
/// as <c>track --report</c> gives them (clashes get <c>-2</c>, <c>-3</c>).
/// </summary>
internal sealed class DyadReports
{
    private readonly ReportRenderer _renderer;
    private readonly ReportFormat _format;
    private readonly string _folder;
    private readonly IReadOnlyList<string> _inputs;
    private readonly CliContext _context;
    private readonly ServiceSummaryBuilder _builder;
    private readonly HashSet<string> _names = new(StringComparer.OrdinalIgnoreCase);

    public DyadReports(InstrumentPairing pairing, double? discrepancy, ReportFormat format, string folder, IReadOnlyList<string> inputs, CliContext context)
    {
        _renderer = new ReportRenderer(null, context.Time);
        _format = format;
        _folder = folder;
        _inputs = inputs;
        _context = context;
        _builder = new ServiceSummaryBuilder(pairing, discrepancy);
        _names.Add(ServiceSummaryModel.FileName(format));   // a client named "service" gets service-2
    }

    /// <summary>Reports written so far (dyads and the summary).</summary>
    public int Written { get; private set; }

    /// <summary>Builds, renders and writes one dyad's report.</summary>
    public void Write(AgreementDyad dyad)
    {
        var model = _builder.Add(dyad);
        Save(_renderer.Render(_renderer.GetBuiltInDyad(_format), model, _context.Cancellation), model.FileName(_format),
            $"dyad {TerminalText.Escape(model.FileName(_format))}");
    }

    /// <summary>Renders and writes the service summary.</summary>
    public void WriteSummary(long notUsable) =>
        Save(_renderer.Render(_renderer.GetBuiltInService(_format), _builder.Build(notUsable), _context.Cancellation), ServiceSummaryModel.FileName(_format),
            "the service summary", summary: true);

    private void Save(ReportRendering rendering, string name, string what, bool summary = false)
    {
        if (rendering.Text is not { } text)
        {
            foreach (var d in rendering.Diagnostics)
            {
                _context.Error.WriteLine(d.ToString());
            }

            throw new CliException($"the report template failed on {what}; that report was not written");
        }

        var path = Path.Combine(_folder, summary ? name : CourseReports.UniqueName(_names, name));
        foreach (var input in _inputs.Skip(1))
        {
            Scoring.InputFiles.RefuseToOverwrite(input, path);
        }

        CourseReports.WriteAtomically(path, text, _inputs[0], _context);
        Written++;
    }
}
