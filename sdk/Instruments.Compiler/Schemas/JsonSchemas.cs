using Instruments.Compiler.Schemas;

namespace Instruments.Compiler;

/// <summary>
/// JSON Schemas (draft 2020-12) of the YAML files the compiler reads, generated from the readers' own key tables so that
/// an editor checks the same keys the compiler does. The plugin manifest's schema is
/// <c>Instruments.Hosting.PluginManifestSchema</c>. <c>instruments schema --output schemas/</c> writes them all.
/// </summary>
public static class JsonSchemas
{
    /// <summary>The base of every schema's <c>$id</c> (a placeholder until the project's site is published).</summary>
    public const string BaseUri = SchemaBuilder.BaseUri;

    /// <summary>The file name of the instrument schema (<c>instrument.schema.json</c>).</summary>
    public const string InstrumentFileName = InstrumentSchema.FileName;

    /// <summary>The file name of the protocol schema (<c>protocol.schema.json</c>).</summary>
    public const string ProtocolFileName = ProtocolSchema.FileName;

    /// <summary>The file name of the texts schema (<c>texts.schema.json</c>).</summary>
    public const string TextsFileName = TextsSchema.FileName;

    /// <summary>The schema of instrument files, as the text of a JSON file (two-space indents, <c>\n</c> line ends).</summary>
    public static string Instrument() => InstrumentSchema.Generate();

    /// <summary>The schema of protocol files, as the text of a JSON file.</summary>
    public static string Protocol() => ProtocolSchema.Generate();

    /// <summary>The schema of texts files (item wording supplied separately), as the text of a JSON file.</summary>
    public static string Texts() => TextsSchema.Generate();
}
