using System.Collections;
using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Globalization;
using Instruments.Diagnostics;
using Instruments.Reports.Rendering;
using Scriban;
using Scriban.Parsing;
using Scriban.Runtime;
using Scriban.Syntax;

namespace Instruments.Reports;

/// <summary>
/// Parses report templates once (files are cached by path and modification time, includes too) and renders them
/// over a <see cref="ReportModel"/>. Every render gets a new Scriban context with strict variables and members,
/// loop, recursion, output and time limits (<see cref="ReportLimits"/>), escaping of every written value for the
/// template's format, and includes confined to the template's folder. Thread-safe: one renderer can serve a whole
/// host.
/// </summary>
public sealed class ReportRenderer
{
    internal const string BuiltInPrefix = "builtin:";

    private readonly ConcurrentDictionary<(string Path, ReportFormat Format), (DateTime Stamp, long Length, ReportTemplate Template)> _files = new();
    private readonly ConcurrentDictionary<string, (DateTime Stamp, long Length, Template Template)> _includes = new(StringComparer.Ordinal);
    private readonly Lazy<ReportTemplate> _builtInMarkdown;
    private readonly Lazy<ReportTemplate> _builtInHtml;
    private readonly Lazy<ReportTemplate> _courseMarkdown;
    private readonly Lazy<ReportTemplate> _courseHtml;
    private readonly Lazy<ReportTemplate>[] _dyad;
    private readonly Lazy<ReportTemplate>[] _service;
    private readonly TimeProvider _time;

    /// <summary>Creates a renderer.</summary>
    /// <param name="limits">Safety limits for every render; <see cref="ReportLimits.Default"/> when null.</param>
    /// <param name="timeProvider">The clock of <c>generated_at</c> and of the render timeout; the system clock when null.</param>
    public ReportRenderer(ReportLimits? limits = null, TimeProvider? timeProvider = null)
    {
        Limits = limits ?? ReportLimits.Default;
        Limits.Validate();
        _time = timeProvider ?? TimeProvider.System;
        _builtInMarkdown = new(() => ParseBuiltIn("default", ReportFormat.Markdown));
        _builtInHtml = new(() => ParseBuiltIn("default", ReportFormat.Html));
        _courseMarkdown = new(() => ParseBuiltIn("course", ReportFormat.Markdown));
        _courseHtml = new(() => ParseBuiltIn("course", ReportFormat.Html));
        _dyad = [new(() => ParseBuiltIn("dyad", ReportFormat.Markdown)), new(() => ParseBuiltIn("dyad", ReportFormat.Html))];
        _service = [new(() => ParseBuiltIn("service", ReportFormat.Markdown)), new(() => ParseBuiltIn("service", ReportFormat.Html))];
    }

    /// <summary>The limits applied to every render.</summary>
    public ReportLimits Limits { get; }

    /// <summary>The built-in default template of a format; it works for any instrument.</summary>
    public ReportTemplate GetBuiltIn(ReportFormat format) => format == ReportFormat.Html ? _builtInHtml.Value : _builtInMarkdown.Value;

    /// <summary>
    /// The built-in course-of-care template of a format (<c>course.md.scriban</c>, <c>course.html.scriban</c>), rendered
    /// over a <see cref="CourseReportModel"/>; it works for any instrument.
    /// </summary>
    public ReportTemplate GetBuiltInCourse(ReportFormat format) => format == ReportFormat.Html ? _courseHtml.Value : _courseMarkdown.Value;

    /// <summary>
    /// The built-in dyad template of a format (<c>dyad.md.scriban</c>, <c>dyad.html.scriban</c>), rendered over a
    /// <see cref="DyadReportModel"/>; it works for any paired measure.
    /// </summary>
    public ReportTemplate GetBuiltInDyad(ReportFormat format) => _dyad[format == ReportFormat.Html ? 1 : 0].Value;

    /// <summary>
    /// The built-in service-summary template of a format (<c>service.md.scriban</c>, <c>service.html.scriban</c>),
    /// rendered over a <see cref="ServiceSummaryModel"/>.
    /// </summary>
    public ReportTemplate GetBuiltInService(ReportFormat format) => _service[format == ReportFormat.Html ? 1 : 0].Value;

    /// <summary>The text of a built-in template (for authors who want to start from it).</summary>
    public static string GetBuiltInText(ReportFormat format) => BuiltInText("default", format);

    /// <summary>The text of a built-in course-of-care template (for authors who want to start from it).</summary>
    public static string GetBuiltInCourseText(ReportFormat format) => BuiltInText("course", format);

    private static string BuiltInText(string kind, ReportFormat format)
    {
        var name = "Instruments.Reports.Templates." + kind + "." + format.Extension() + ".scriban";
        using var stream = typeof(ReportRenderer).Assembly.GetManifestResourceStream(name)
                           ?? throw new InvalidOperationException("Missing embedded template " + name);
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    /// <summary>
    /// Loads and parses a template file, or returns the cached parse when the file has not changed. Includes are
    /// resolved in the file's folder. The format comes from <paramref name="format"/>, else from the file name
    /// (<c>x.html.scriban</c>, <c>x.md.scriban</c>), else Markdown. I/O failures (a missing file) throw.
    /// </summary>
    public ReportTemplate Load(string path, ReportFormat? format = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var full = Path.GetFullPath(path);
        var info = new FileInfo(full);
        if (!info.Exists)
        {
            throw new FileNotFoundException($"Template file '{path}' does not exist.", path);
        }

        var fmt = format ?? ReportFormats.FromTemplateFileName(path) ?? ReportFormat.Markdown;
        var key = (full, fmt);
        if (_files.TryGetValue(key, out var cached) && cached.Stamp == info.LastWriteTimeUtc && cached.Length == info.Length)
        {
            return cached.Template;
        }

        var shownFolder = Path.GetDirectoryName(path) is { Length: > 0 } d ? d : ".";
        var template = info.Length > Limits.TemplateSizeLimit * 4L
            ? TooLarge(path, fmt, info.Length)
            : Parse(File.ReadAllText(full), path, fmt, Path.GetDirectoryName(full), shownFolder);
        _files[key] = (info.LastWriteTimeUtc, info.Length, template);
        return template;
    }

    /// <summary>
    /// Parses template text (not cached: keep the result). <paramref name="path"/> names it in diagnostics;
    /// includes are resolved in <paramref name="includeFolder"/>, and refused when it is null.
    /// </summary>
    public ReportTemplate Parse(string text, string path, ReportFormat format, string? includeFolder = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentException.ThrowIfNullOrEmpty(path);
        return Parse(text, path, format, includeFolder is null ? null : Path.GetFullPath(includeFolder), includeFolder);
    }

    private ReportTemplate Parse(string text, string path, ReportFormat format, string? includeFolder, string? shownFolder)
    {
        if (text.Length > Limits.TemplateSizeLimit)
        {
            return TooLarge(path, format, text.Length);
        }

        if (FindHugeExponent(text) is { } literal)
        {
            return new ReportTemplate(path, format, includeFolder, null,
                [Diagnostic.Create(ReportDiagnostics.TemplateSyntaxError, LocationOf(path, text, literal.Index), HugeExponentMessage(literal.Value))])
            {
                ShownIncludeFolder = shownFolder,
            };
        }

        var parsed = ScribanParse(text, path, out var crash);
        if (parsed is null)
        {
            return new ReportTemplate(path, format, includeFolder, null,
                [Diagnostic.Create(ReportDiagnostics.TemplateSyntaxError, Location.InFile(path), crash!)])
            {
                ShownIncludeFolder = shownFolder,
            };
        }

        var diagnostics = ParserDiagnostics(parsed.Messages, path, includeFolder, shownFolder);
        return new ReportTemplate(path, format, includeFolder, parsed.HasErrors ? null : parsed, diagnostics)
        {
            ShownIncludeFolder = shownFolder,
        };
    }

    private ReportTemplate TooLarge(string path, ReportFormat format, long size) =>
        new(path, format, null, null, [Diagnostic.Create(ReportDiagnostics.TemplateTooLarge, Location.InFile(path), size, Limits.TemplateSizeLimit)]);

    private ReportTemplate ParseBuiltIn(string kind, ReportFormat format)
    {
        var template = Parse(BuiltInText(kind, format), BuiltInPrefix + kind + "." + format.Extension() + ".scriban", format, null, null);
        return template.HasErrors
            ? throw new InvalidOperationException("Built-in template does not parse: " + string.Join("; ", template.Diagnostics))
            : template;
    }

    /// <summary>
    /// Renders <paramref name="template"/> over <paramref name="model"/>, adding <c>format</c> and <c>generated_at</c>.
    /// Template mistakes and exceeded limits are returned as TPL4xxx diagnostics, never thrown. Cancelling
    /// <paramref name="cancellationToken"/> throws <see cref="OperationCanceledException"/>.
    /// </summary>
    public ReportRendering Render(ReportTemplate template, ReportModel model, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(template);
        ArgumentNullException.ThrowIfNull(model);
        return Render(template, model.Data, cancellationToken);
    }

    /// <summary>
    /// Renders a course-of-care template (<see cref="GetBuiltInCourse(ReportFormat)"/>, or a file written for
    /// <see cref="CourseReportModel"/>) over one client's course, adding <c>format</c> and <c>generated_at</c>, with
    /// the same escaping and limits as every report. Template mistakes and exceeded limits are returned as TPL4xxx
    /// diagnostics, never thrown. Cancelling <paramref name="cancellationToken"/> throws <see cref="OperationCanceledException"/>.
    /// </summary>
    public ReportRendering Render(ReportTemplate template, CourseReportModel model, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(template);
        ArgumentNullException.ThrowIfNull(model);
        return Render(template, model.Data, cancellationToken);
    }

    /// <summary>
    /// Renders a dyad template (<see cref="GetBuiltInDyad(ReportFormat)"/>, or a file written for
    /// <see cref="DyadReportModel"/>) over one dyad, with the same escaping and limits as every report. Template
    /// mistakes and exceeded limits are returned as TPL4xxx diagnostics, never thrown.
    /// </summary>
    public ReportRendering Render(ReportTemplate template, DyadReportModel model, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(template);
        ArgumentNullException.ThrowIfNull(model);
        return Render(template, model.Data, cancellationToken);
    }

    /// <summary>
    /// Renders a service-summary template (<see cref="GetBuiltInService(ReportFormat)"/>, or a file written for
    /// <see cref="ServiceSummaryModel"/>), with the same escaping and limits as every report. Template mistakes and
    /// exceeded limits are returned as TPL4xxx diagnostics, never thrown.
    /// </summary>
    public ReportRendering Render(ReportTemplate template, ServiceSummaryModel model, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(template);
        ArgumentNullException.ThrowIfNull(model);
        return Render(template, model.Data, cancellationToken);
    }

    private ReportRendering Render(ReportTemplate template, IReadOnlyDictionary<string, object?> data, CancellationToken cancellationToken)
    {
        if (template.HasErrors || template.Parsed is null)
        {
            return new ReportRendering(null, template.Diagnostics);
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var timer = _time.CreateTimer(static s => ((CancellationTokenSource)s!).Cancel(), timeout, Limits.Timeout, Timeout.InfiniteTimeSpan);
        if (!ReferenceEquals(_time, TimeProvider.System))
        {
            // A fake clock never fires: keep a real wall-clock bound as well.
            timeout.CancelAfter(Limits.Timeout);
        }

        var context = new SafeTemplateContext(template.Format, (path, span) => GetInclude(path, span))
        {
            StrictVariables = true,
            EnableRelaxedMemberAccess = false,
            EnableRelaxedTargetAccess = false,
            EnableRelaxedFunctionAccess = false,
            LoopLimit = Limits.LoopLimit,
            LoopLimitQueryable = Limits.LoopLimit,
            RecursiveLimit = Limits.RecursionLimit,
            LimitToString = Limits.OutputLimit,
            OnStringLimit = ScriptLimitBehavior.Throw,
            OutputLimit = Limits.OutputLimit,
            OnOutputLimit = ScriptLimitBehavior.Throw,
            ObjectRecursionLimit = 20,
            RegexTimeOut = TimeSpan.FromSeconds(1),
            CancellationToken = timeout.Token,
            NewLine = "\n",
            MemberFilter = static _ => false,
            TemplateLoader = new FolderTemplateLoader(template.IncludeFolder, template.ShownIncludeFolder ?? "."),
        };

        var globals = (ScriptObject)ToScript(data)!;
        globals.SetValue("format", template.Format.Extension(), true);
        globals.SetValue("generated_at", _time.GetUtcNow().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture), true);
        context.PushGlobal(globals);
        try
        {
            var text = template.Parsed.Render(context);
            return new ReportRendering(text, []);
        }
        catch (ScriptRuntimeException ex) when (cancellationToken.IsCancellationRequested)
        {
            throw new OperationCanceledException("Rendering was cancelled.", ex, cancellationToken);
        }
        catch (ScriptRuntimeException ex)
        {
            return new ReportRendering(null, Classify(ex, template, timeout.IsCancellationRequested));
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new ReportRendering(null, [Diagnostic.Create(ReportDiagnostics.Timeout, Location.InFile(template.Path), Limits.Timeout.TotalSeconds)]);
        }
    }

    private ImmutableArray<Diagnostic> Classify(ScriptRuntimeException ex, ReportTemplate template, bool timedOut)
    {
        var location = ToLocation(ex.Span, template.Path, template.IncludeFolder, template.ShownIncludeFolder);
        if (ex is ReportTemplateException ours)
        {
            return [Diagnostic.Create(ours.Descriptor, location, ours.Arguments)];
        }

        if (ex is ScriptParserRuntimeException parse && parse.ParserMessages is { } messages)
        {
            var diagnostics = ParserDiagnostics(messages, template.Path, template.IncludeFolder, template.ShownIncludeFolder);
            if (diagnostics.Length > 0)
            {
                return diagnostics;
            }
        }

        var message = ex.OriginalMessage ?? ex.Message;
        if (ex is ScriptAbortException || timedOut)
        {
            return [Diagnostic.Create(ReportDiagnostics.Timeout, location, Limits.Timeout.TotalSeconds)];
        }

        DiagnosticDescriptor descriptor;
        object?[] args;
        if (Contains(message, "iteration limit") || Contains(message, "LoopLimit"))
        {
            (descriptor, args) = (ReportDiagnostics.LoopLimitExceeded, [Limits.LoopLimit]);
        }
        else if (Contains(message, "recursive depth limit") || Contains(message, "RecursiveLimit"))
        {
            (descriptor, args) = (ReportDiagnostics.RecursionLimitExceeded, [Limits.RecursionLimit]);
        }
        else if (Contains(message, "OutputLimit") || Contains(message, "LimitToString"))
        {
            (descriptor, args) = (ReportDiagnostics.OutputLimitExceeded, [Limits.OutputLimit]);
        }
        else if (Contains(message, "was not found") || Contains(message, "Cannot get member"))
        {
            (descriptor, args) = (ReportDiagnostics.UnknownName, [message.TrimEnd('.')]);
        }
        else
        {
            (descriptor, args) = (ReportDiagnostics.RuntimeError, [message.TrimEnd('.')]);
        }

        return [Diagnostic.Create(descriptor, location, args)];
    }

    private static bool Contains(string text, string part) => text.Contains(part, StringComparison.Ordinal);

    /// <summary>An include, parsed once per file version; a parse error stops the render with TPL4001 at the include's position.</summary>
    private Template GetInclude(string fullPath, SourceSpan span)
    {
        var info = new FileInfo(fullPath);
        if (_includes.TryGetValue(fullPath, out var cached) && cached.Stamp == info.LastWriteTimeUtc && cached.Length == info.Length)
        {
            return cached.Template;
        }

        if (info.Length > Limits.TemplateSizeLimit * 4L)
        {
            throw new ReportTemplateException(span, ReportDiagnostics.TemplateTooLarge, info.Length, Limits.TemplateSizeLimit);
        }

        var text = File.ReadAllText(fullPath);
        if (text.Length > Limits.TemplateSizeLimit)
        {
            throw new ReportTemplateException(span, ReportDiagnostics.TemplateTooLarge, text.Length, Limits.TemplateSizeLimit);
        }

        if (FindHugeExponent(text) is { } literal)
        {
            throw new ReportTemplateException(span, ReportDiagnostics.TemplateSyntaxError, fullPath + ": " + HugeExponentMessage(literal.Value));
        }

        var template = ScribanParse(text, fullPath, out var crash)
            ?? throw new ReportTemplateException(span, ReportDiagnostics.TemplateSyntaxError, fullPath + ": " + crash);
        if (template.HasErrors)
        {
            throw new ScriptParserRuntimeException(span, "The included template does not parse", template.Messages);
        }

        _includes[fullPath] = (info.LastWriteTimeUtc, info.Length, template);
        return template;
    }

    private static ImmutableArray<Diagnostic> ParserDiagnostics(IEnumerable<LogMessage> messages, string path, string? includeFolder, string? shownFolder)
    {
        var list = ImmutableArray.CreateBuilder<Diagnostic>();
        foreach (var m in messages)
        {
            var d = Diagnostic.Create(ReportDiagnostics.TemplateSyntaxError, ToLocation(m.Span, path, includeFolder, shownFolder), m.Message.TrimEnd('.'));
            list.Add(m.Type == ParserMessageType.Error ? d : d.WithSeverity(DiagnosticSeverity.Warning));
        }

        return list.ToImmutable();
    }

    /// <summary>Scriban's 0-based span as our 1-based location; an included file is named by its path under the folder as given.</summary>
    private static Location ToLocation(SourceSpan span, string path, string? includeFolder, string? shownFolder)
    {
        var file = span.FileName;
        if (string.IsNullOrEmpty(file))
        {
            file = path;
        }
        else if (includeFolder is not null && Path.IsPathFullyQualified(file) && file.StartsWith(includeFolder, StringComparison.Ordinal))
        {
            file = Path.Combine(shownFolder ?? includeFolder, Path.GetRelativePath(includeFolder, file));
        }

        var line = Math.Max(span.Start.Line, 0) + 1;
        var column = Math.Max(span.Start.Column, 0) + 1;
        var endLine = Math.Max(span.End.Line, span.Start.Line) + 1;
        var endColumn = Math.Max(span.End.Column, 0) + 2;   // Scriban's end is inclusive, ours exclusive
        return new Location(file, line, column, endLine, endColumn);
    }

    // Scriban reads an integer literal with an exponent (1E4448626) as a BigInteger and computes the power while
    // parsing, before any render limit applies: 24 bytes of template ran for minutes (found by the fuzzer). No report
    // needs a number beyond a double's range (exponent 308), so a literal in a code block with a larger exponent is
    // refused before Scriban sees the template.
    private static readonly System.Text.RegularExpressions.Regex ExponentLiteral =
        new(@"(?<![A-Za-z0-9_])[0-9][0-9_]*(?:\.[0-9_]*)?[eE][+-]?([0-9_]+)", System.Text.RegularExpressions.RegexOptions.CultureInvariant);

    /// <summary>The first number literal inside a <c>{{ }}</c> block whose exponent passes 308, or null.</summary>
    internal static System.Text.RegularExpressions.Match? FindHugeExponent(string text)
    {
        for (var open = text.IndexOf("{{", StringComparison.Ordinal); open >= 0; open = text.IndexOf("{{", open + 2, StringComparison.Ordinal))
        {
            var close = text.IndexOf("}}", open + 2, StringComparison.Ordinal);
            var end = close < 0 ? text.Length : close;
            for (var m = ExponentLiteral.Match(text, open + 2, end - open - 2); m.Success; m = m.NextMatch())
            {
                var digits = m.Groups[1].Value.Replace("_", string.Empty, StringComparison.Ordinal).TrimStart('0');
                if (digits.Length > 3 || (digits.Length == 3 && int.Parse(digits, System.Globalization.CultureInfo.InvariantCulture) > 308))
                {
                    return m;
                }
            }

            if (close < 0)
            {
                break;
            }
        }

        return null;
    }

    private static string HugeExponentMessage(string literal) =>
        $"the number '{(literal.Length > 40 ? literal[..40] + "..." : literal)}' has an exponent beyond 308; numbers in templates must fit a double";

    private static Location LocationOf(string path, string text, int index)
    {
        var line = 1;
        var column = 1;
        for (var i = 0; i < index; i++)
        {
            if (text[i] == '\n')
            {
                line++;
                column = 1;
            }
            else
            {
                column++;
            }
        }

        return Location.At(path, line, column);
    }

    // Scriban's parser can throw instead of reporting an error: on some broken input it formats the offending node
    // for its message, and printing that node throws (NotSupportedException from ScriptExpressionAsStatement.PrintTo;
    // found by the fuzzer). A template that breaks the parser is a syntax error, never an exception out of Parse.
    private static Template? ScribanParse(string text, string path, out string? crash)
    {
        try
        {
            crash = null;
            return Template.Parse(Normalize(text), path);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            crash = "the template parser failed on this text (" + ex.GetType().Name + ": " + ex.Message + ")";
            return null;
        }
    }

    private static string Normalize(string text) => text.Replace("\r\n", "\n", StringComparison.Ordinal);

    /// <summary>Plain data as Scriban values: dictionaries become script objects, lists script arrays; nothing else gets through.</summary>
    internal static object? ToScript(object? value)
    {
        switch (value)
        {
            case null:
                return null;
            case string or bool or int or long:
                return value;
            case double d:
                return double.IsFinite(d) ? d : null;
            case IReadOnlyDictionary<string, object?> dict:
                var obj = new ScriptObject(dict.Count);
                foreach (var (k, v) in dict)
                {
                    obj.SetValue(k, ToScript(v), false);
                }

                return obj;
            case IEnumerable list:
                var array = new ScriptArray();
                foreach (var item in list)
                {
                    array.Add(ToScript(item));
                }

                return array;
            default:
                return Convert.ToString(value, CultureInfo.InvariantCulture);
        }
    }
}
