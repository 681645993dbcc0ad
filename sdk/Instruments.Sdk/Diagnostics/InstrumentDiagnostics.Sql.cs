namespace Instruments.Diagnostics;

// INS1190-INS1199: emitting a scoring plan as SQL (Instruments.Sql's SqlEmitter). Each means no query was emitted: a
// definition the SQL form cannot score exactly as the engine does gets a diagnostic, never an approximate query.
public static partial class InstrumentDiagnostics
{
    private const string Sql = "Sql";

    /// <summary>INS1190: an expression calls a plugin function, which runs in .NET and has no SQL form.</summary>
    public static readonly DiagnosticDescriptor SqlPluginFunction = new("INS1190", "Plugin function has no SQL form", "{0} calls plugin function '{1}', which runs only in the engine; no SQL query is emitted", Sql, DiagnosticSeverity.Error);

    /// <summary>INS1191: a scoring rule the SQL emitter cannot reproduce exactly (it would need the engine's own code).</summary>
    public static readonly DiagnosticDescriptor SqlRuleNotExpressible = new("INS1191", "Scoring rule not expressible in SQL", "{0} cannot be scored exactly in SQL: {1}; no SQL query is emitted", Sql, DiagnosticSeverity.Error);

    /// <summary>INS1192: the query would exceed the emitter's size limit.</summary>
    public static readonly DiagnosticDescriptor SqlQueryTooLarge = new("INS1192", "SQL query beyond limits", "The SQL query would be {0} characters long, more than the {1} allowed; no SQL query is emitted", Sql, DiagnosticSeverity.Error);

    /// <summary>INS1193: the table name is not a plain (optionally schema-qualified) SQL identifier.</summary>
    public static readonly DiagnosticDescriptor SqlTableName = new("INS1193", "SQL table name not usable", "'{0}' is not a table name the query can use (letters, digits and '_', not starting with a digit, optionally 'schema.table')", Sql, DiagnosticSeverity.Error);

    /// <summary>INS1197: a protocol has no SQL query because one of its instruments has none (its own errors come first).</summary>
    public static readonly DiagnosticDescriptor SqlProtocolInstrument = new("INS1197", "Protocol instrument not expressible in SQL", "Protocol '{0}' has no SQL query: its instrument '{1}' cannot be scored exactly in SQL (see the errors before this one)", Sql, DiagnosticSeverity.Error);

    /// <summary>INS1198: an output column name is longer than the database keeps (PostgreSQL: 63 bytes), so it would be cut silently.</summary>
    public static readonly DiagnosticDescriptor SqlColumnNameTooLong = new("INS1198", "SQL column name too long", "Output column '{0}' is longer than the {1} bytes the database keeps in a name (it would be cut without an error); no SQL query is emitted", Sql, DiagnosticSeverity.Error);
}
