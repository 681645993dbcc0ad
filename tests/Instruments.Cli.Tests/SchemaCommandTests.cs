namespace Instruments.Cli.Tests;

/// <summary><c>instruments schema --output DIR</c> writes the four schema files exactly as they are committed under schemas/.</summary>
public sealed class SchemaCommandTests
{
    [Fact]
    public async Task Schema_WritesTheCommittedFilesByteForByte()
    {
        var folder = Directory.CreateTempSubdirectory("schemas-");
        try
        {
            var output = Path.Combine(folder.FullName, "new", "schemas");
            var r = await InProcess.RunAsync("schema", "--output", output);

            Assert.Equal(0, r.ExitCode);
            string[] names = ["instrument.schema.json", "protocol.schema.json", "plugin.schema.json", "texts.schema.json"];
            Assert.Equal(names.Select(n => Path.Combine(output, n)), r.StdoutLines);
            Assert.Equal(names.Order(StringComparer.Ordinal), Directory.GetFiles(output).Select(Path.GetFileName).Order(StringComparer.Ordinal));
            foreach (var name in names)
            {
                Assert.Equal(File.ReadAllBytes(Path.Combine(Host.RepoRoot, "schemas", name)), File.ReadAllBytes(Path.Combine(output, name)));
            }
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Schema_IntoAFile_IsAUsageError()
    {
        var file = Path.GetTempFileName();
        try
        {
            var r = await InProcess.RunAsync("schema", "--output", file);
            Assert.Equal(2, r.ExitCode);
            Assert.Contains("cannot write the schemas into", r.Stderr, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }
    }
}
