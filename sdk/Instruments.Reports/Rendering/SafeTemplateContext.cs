using System.Text;
using Instruments.Diagnostics;
using Scriban;
using Scriban.Functions;
using Scriban.Parsing;
using Scriban.Runtime;
using Scriban.Syntax;

namespace Instruments.Reports.Rendering;

/// <summary>
/// The Scriban context of one render (never reused): every value an expression writes (<c>{{ x }}</c>) is escaped
/// for the output format, so data can never become markup; literal template text is written as is. Includes
/// are cached by the renderer and their output is passed through unescaped (it was escaped while it was rendered).
/// </summary>
internal sealed class SafeTemplateContext : TemplateContext
{
    private readonly ReportFormat _format;
    private readonly Func<string, SourceSpan, Template> _includes;

    public SafeTemplateContext(ReportFormat format, Func<string, SourceSpan, Template> includes)
    {
        _format = format;
        _includes = includes;

        // Our include: the built-in one (path checks by the loader, recursion counted), but its result is marked
        // as already escaped.
        BuiltinObject.SetValue("include", new EscapedInclude(new IncludeFunction()), true);
    }

    public override TemplateContext Write(SourceSpan span, object? textAsObject)
    {
        if (textAsObject is not null)
        {
            Write(Escape(textAsObject));
        }

        return this;
    }

    public override async ValueTask<TemplateContext> WriteAsync(SourceSpan span, object? textAsObject)
    {
        if (textAsObject is not null)
        {
            await WriteAsync(Escape(textAsObject)).ConfigureAwait(false);
        }

        return this;
    }

    protected override Template CreateTemplate(string templatePath, ScriptNode? callerContext) =>
        _includes(templatePath, callerContext?.Span ?? default);

    private string Escape(object value) =>
        value is EscapedText done ? done.Value
        : _format == ReportFormat.Html ? Escaping.Html(ObjectToString(value) ?? string.Empty)
        : Escaping.Markdown(ObjectToString(value) ?? string.Empty);

    /// <summary>Output that was escaped when it was rendered (an include's result).</summary>
    private sealed class EscapedText(string value)
    {
        public string Value { get; } = value;

        public override string ToString() => Value;
    }

    private sealed class EscapedInclude(IScriptCustomFunction inner) : IScriptCustomFunction
    {
        public int RequiredParameterCount => inner.RequiredParameterCount;

        public int ParameterCount => inner.ParameterCount;

        public ScriptVarParamKind VarParamKind => inner.VarParamKind;

        public Type ReturnType => typeof(object);

        public ScriptParameterInfo GetParameterInfo(int index) => inner.GetParameterInfo(index);

        public object? Invoke(TemplateContext context, ScriptNode? callerContext, ScriptArray arguments, ScriptBlockStatement? blockStatement) =>
            new EscapedText(inner.Invoke(context, callerContext, arguments, blockStatement) as string ?? string.Empty);

        public async ValueTask<object?> InvokeAsync(TemplateContext context, ScriptNode? callerContext, ScriptArray arguments, ScriptBlockStatement? blockStatement) =>
            new EscapedText(await inner.InvokeAsync(context, callerContext, arguments, blockStatement).ConfigureAwait(false) as string ?? string.Empty);
    }
}

/// <summary>The escaping rules of the two formats (documented in docs/templates.md).</summary>
internal static class Escaping
{
    /// <summary>HTML: <c>&amp; &lt; &gt; " '</c> become entities; safe in element content and in quoted attributes.</summary>
    public static string Html(string text)
    {
        if (text.AsSpan().IndexOfAny("&<>\"'") < 0)
        {
            return text;
        }

        var sb = new StringBuilder(text.Length + 16);
        foreach (var c in text)
        {
            sb.Append(c switch
            {
                '&' => "&amp;",
                '<' => "&lt;",
                '>' => "&gt;",
                '"' => "&quot;",
                '\'' => "&#39;",
                _ => null,
            } ?? c.ToString());
        }

        return sb.ToString();
    }

    /// <summary>
    /// Markdown: <c>&lt;</c> becomes <c>&amp;lt;</c> (no raw HTML); <c>\ ` [ ] |</c> get a backslash (no code spans, links,
    /// images or extra table cells); line breaks and tabs become spaces (a value cannot start a heading, list or
    /// quote on a line of its own).
    /// </summary>
    public static string Markdown(string text)
    {
        if (text.AsSpan().IndexOfAny("<\\`[]|\r\n\t") < 0)
        {
            return text;
        }

        var sb = new StringBuilder(text.Length + 16);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            switch (c)
            {
                case '<':
                    sb.Append("&lt;");
                    break;
                case '\\' or '`' or '[' or ']' or '|':
                    sb.Append('\\').Append(c);
                    break;
                case '\r' when i + 1 < text.Length && text[i + 1] == '\n':
                    break;
                case '\r' or '\n' or '\t':
                    sb.Append(' ');
                    break;
                default:
                    sb.Append(c);
                    break;
            }
        }

        return sb.ToString();
    }
}

/// <summary>A failure we detect ourselves (a refused include, a missing or oversized one), carrying its diagnostic.</summary>
internal sealed class ReportTemplateException(SourceSpan span, DiagnosticDescriptor descriptor, params object?[] arguments)
    : ScriptRuntimeException(span, descriptor.FormatMessage(arguments))
{
    public DiagnosticDescriptor Descriptor { get; } = descriptor;

    public object?[] Arguments { get; } = arguments;
}
