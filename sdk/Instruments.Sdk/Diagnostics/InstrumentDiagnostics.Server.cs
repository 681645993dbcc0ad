namespace Instruments.Diagnostics;

// RSP206x: the HTTP service (hosts/Instruments.Server): a request, not a row, that cannot be scored. Each is carried in
// a problem details answer (RFC 7807) with its HTTP status. Kept in their own file of the one catalogue.
public static partial class InstrumentDiagnostics
{
    /// <summary>RSP2060: a request body that cannot be read as its format at all (HTTP 400).</summary>
    public static readonly DiagnosticDescriptor RequestBodyUnreadable = new("RSP2060", "Request body unreadable", "The request body cannot be read as {0}: {1}", Response, DiagnosticSeverity.Error);

    /// <summary>RSP2061: a request body over the service's size limit (HTTP 413).</summary>
    public static readonly DiagnosticDescriptor RequestBodyTooLarge = new("RSP2061", "Request body too large", "The request body is larger than the limit of {0} bytes", Response, DiagnosticSeverity.Error);

    /// <summary>RSP2062: a request that did not finish within the service's time limit (HTTP 503).</summary>
    public static readonly DiagnosticDescriptor RequestTimedOut = new("RSP2062", "Request timed out", "The request did not finish within {0} seconds", Response, DiagnosticSeverity.Error);

    /// <summary>RSP2063: a request body whose content type the service does not read (HTTP 415).</summary>
    public static readonly DiagnosticDescriptor UnsupportedMediaType = new("RSP2063", "Unsupported media type", "Content type '{0}' is not supported; send {1}", Response, DiagnosticSeverity.Error);

    /// <summary>RSP2064: an Accept header naming no format the service writes (HTTP 406).</summary>
    public static readonly DiagnosticDescriptor NotAcceptable = new("RSP2064", "Response format not acceptable", "Accept '{0}' names no format the service writes; accept {1}", Response, DiagnosticSeverity.Error);

    /// <summary>RSP2065: an <c>Instruments-Column-Map</c> header that cannot be used as a column map (HTTP 400).</summary>
    public static readonly DiagnosticDescriptor ColumnMapUnusable = new("RSP2065", "Column map unusable", "The Instruments-Column-Map header cannot be used: {0}", Response, DiagnosticSeverity.Error);
}
