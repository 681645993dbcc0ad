using System.Collections.Immutable;
using Instruments.Diagnostics;

namespace Instruments.Reports;

/// <summary>
/// The catalogue of every diagnostic about report templates (<c>TPL4xxx</c>): parse errors, unknown names,
/// exceeded limits and refused includes. IDs are stable; each is documented in <c>docs/diagnostics.md</c>.
/// </summary>
public static class ReportDiagnostics
{
    private const string Template = "Template";

    /// <summary>TPL4001: the template text does not parse.</summary>
    public static readonly DiagnosticDescriptor TemplateSyntaxError = new("TPL4001", "Template syntax error", "Template syntax error: {0}", Template, DiagnosticSeverity.Error);

    /// <summary>TPL4002: the template names a variable or member that the report model does not have.</summary>
    public static readonly DiagnosticDescriptor UnknownName = new("TPL4002", "Unknown variable or member", "{0} (see docs/templates.md for every member of the report model)", Template, DiagnosticSeverity.Error);

    /// <summary>TPL4003: evaluating the template failed for another reason (wrong argument, null value, bad function call).</summary>
    public static readonly DiagnosticDescriptor RuntimeError = new("TPL4003", "Template runtime error", "Template error: {0}", Template, DiagnosticSeverity.Error);

    /// <summary>TPL4004: loops ran more iterations than allowed.</summary>
    public static readonly DiagnosticDescriptor LoopLimitExceeded = new("TPL4004", "Loop limit exceeded", "Loops ran more than {0:N0} iterations; the template stopped (endless loop?)", Template, DiagnosticSeverity.Error);

    /// <summary>TPL4005: function calls or includes nested deeper than allowed.</summary>
    public static readonly DiagnosticDescriptor RecursionLimitExceeded = new("TPL4005", "Recursion limit exceeded", "Function calls or includes nest deeper than {0} levels; the template stopped (endless recursion?)", Template, DiagnosticSeverity.Error);

    /// <summary>TPL4006: the rendered report grew larger than allowed.</summary>
    public static readonly DiagnosticDescriptor OutputLimitExceeded = new("TPL4006", "Output too large", "The report grew beyond {0:N0} characters; the template stopped", Template, DiagnosticSeverity.Error);

    /// <summary>TPL4007: rendering took longer than allowed.</summary>
    public static readonly DiagnosticDescriptor Timeout = new("TPL4007", "Rendering timed out", "Rendering took longer than {0} s; the template stopped", Template, DiagnosticSeverity.Error);

    /// <summary>TPL4008: an include names a path outside the template folder (absolute, rooted or with '..').</summary>
    public static readonly DiagnosticDescriptor IncludeRefused = new("TPL4008", "Include outside the template folder", "Include '{0}' refused: {1}", Template, DiagnosticSeverity.Error);

    /// <summary>TPL4009: an include names a template that does not exist in the template folder.</summary>
    public static readonly DiagnosticDescriptor IncludeNotFound = new("TPL4009", "Included template not found", "Include '{0}' not found in the template folder '{1}'", Template, DiagnosticSeverity.Error);

    /// <summary>TPL4010: the template file is larger than allowed.</summary>
    public static readonly DiagnosticDescriptor TemplateTooLarge = new("TPL4010", "Template too large", "The template is {0:N0} characters; templates are limited to {1:N0} characters", Template, DiagnosticSeverity.Error);

    /// <summary>Every descriptor in this catalogue, ordered by ID.</summary>
    // Built on first use, not with the class: reflecting over the fields costs milliseconds at start-up, and only
    // documentation tools and tests ask for the whole list.
    public static ImmutableArray<DiagnosticDescriptor> All => s_all.IsDefault ? s_all = DiagnosticDescriptor.DeclaredIn(typeof(ReportDiagnostics)) : s_all;

    private static ImmutableArray<DiagnosticDescriptor> s_all;
}
