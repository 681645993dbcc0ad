using System.Diagnostics;
using System.Text;

namespace Instruments.Compiler.Tests;

/// <summary>
/// Hostile files never crash, hang or exhaust memory (issue 13, items 5, 11 and 14): the kind of file is checked
/// before it is opened, at most the size limit is read, and the bytes are decoded strictly.
/// </summary>
public sealed class FileSafetyTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("instruments-files-").FullName;

    public void Dispose()
    {
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    [Fact]
    public void FromFile_SparseFileOfOnePointTwoGigabytes_IsINS1003_WithoutReadingIt()
    {
        var path = Path.Combine(_dir, "huge.yaml");
        using (var stream = new FileStream(path, FileMode.CreateNew))
        {
            stream.SetLength(1_200_000_000); // sparse: costs no disk
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        var compilation = InstrumentCompiler.Compile([InstrumentSource.FromFile(path)]);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        var d = Assert.Single(compilation.Diagnostics);
        Assert.Equal("INS1003", d.Id);
        Assert.Contains("1,200,000,000 bytes", d.Message, StringComparison.Ordinal);
        Assert.True(allocated < 4 * InstrumentCompiler.MaxFileBytes, $"allocated {allocated:N0} bytes");
    }

    [Fact]
    public async Task INS1009_FifoGivenAsAFile_IsAnErrorAndNeverBlocks()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        var fifo = Path.Combine(_dir, "pipe.yaml");
        using (var mkfifo = Process.Start("mkfifo", [fifo]))
        {
            mkfifo.WaitForExit();
            Assert.Equal(0, mkfifo.ExitCode);
        }

        var read = Task.Run(() => InstrumentCompiler.Compile([InstrumentSource.FromFile(fifo)]));
        var finished = await Task.WhenAny(read, Task.Delay(TimeSpan.FromSeconds(20))) == read;
        if (!finished)
        {
            // Unblock the reader stuck in open(): a writer appears and goes at once.
            using var writer = new FileStream(fifo, FileMode.Open, FileAccess.Write);
        }

        Assert.True(finished, "reading a FIFO blocked");
        var d = Assert.Single((await read).Diagnostics);
        Assert.Equal("INS1009", d.Id);
        Assert.Contains("FIFO", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void INS1000_InvalidUtf8InAFile_IsAnErrorAtTheLineAndColumnOfTheByte()
    {
        var path = Path.Combine(_dir, "latin1.yaml");
        var yaml = CompilerTestYaml.Doc().Replace("title: Demo", "title: Caf\u00e9 Demo", StringComparison.Ordinal);
        var bytes = Encoding.Latin1.GetBytes(yaml); // é as the single byte 0xE9: not UTF-8
        File.WriteAllBytes(path, bytes);

        var compilation = InstrumentCompiler.Compile([InstrumentSource.FromFile(path)]);

        var d = Assert.Single(compilation.Diagnostics);
        Assert.Equal("INS1000", d.Id);
        Assert.True(d.IsError);
        Assert.Equal((3, 11), (d.Location.Line, d.Location.Column)); // "title: Caf" is 10 characters
        Assert.Contains("0xE9", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromFile_ValidUtf8WithBom_Compiles()
    {
        var path = Path.Combine(_dir, "bom.yaml");
        File.WriteAllText(path, CompilerTestYaml.Doc().Replace("title: Demo", "title: Café Demo", StringComparison.Ordinal), new UTF8Encoding(true));

        var compilation = InstrumentCompiler.Compile([InstrumentSource.FromFile(path)]);

        Assert.Empty(compilation.Diagnostics);
        Assert.Equal("Café Demo", Assert.Single(compilation.Definitions).Title);
    }

    [Fact]
    public void INS1065_ControlCharacterInATitle_IsAWarningAtTheValue()
    {
        var yaml = CompilerTestYaml.Doc().Replace("title: Demo", "title: \"Demo \\e]0;pwned\\a\"", StringComparison.Ordinal);

        var compilation = InstrumentCompiler.Compile(yaml, CompilerTestYaml.Path);

        var d = Assert.Single(compilation.Diagnostics);
        Assert.Equal("INS1065", d.Id);
        Assert.False(d.IsError);
        Assert.Equal((3, 8), (d.Location.Line, d.Location.Column));
        Assert.Contains("U+001B at character 6", d.Message, StringComparison.Ordinal);
        Assert.Single(compilation.Definitions); // a warning: the definition is usable
    }

    [Theory]
    [InlineData("\\x9b31m")]       // C1 CSI
    [InlineData("\\u202Eevil")]    // right-to-left override
    [InlineData("a\\x7f")]         // DEL
    [InlineData("carriage\\rreturn")]
    public void Compile_OtherTerminalControls_AreINS1065(string escaped)
    {
        var yaml = CompilerTestYaml.Doc().Replace("title: Demo", "title: \"" + escaped + "\"", StringComparison.Ordinal);

        Assert.Equal("INS1065", Assert.Single(InstrumentCompiler.Compile(yaml, CompilerTestYaml.Path).Diagnostics).Id);
    }

    [Fact]
    public void ApplyFile_TextsFileWithInvalidUtf8_IsINS1000_AndAppliesNothing()
    {
        var definition = Assert.Single(InstrumentCompiler.Compile(CompilerTestYaml.Doc(), CompilerTestYaml.Path).Definitions);
        var path = Path.Combine(_dir, "texts.yaml");
        File.WriteAllBytes(path, [.. "instrument: demo\ntexts:\n  mood: \"bad "u8, 0xFF, .. "\"\n"u8]);

        var result = InstrumentTexts.ApplyFile(definition, path);

        Assert.Null(result.Definition);
        var d = Assert.Single(result.Diagnostics);
        Assert.Equal("INS1000", d.Id);
        Assert.Equal((3, 14), (d.Location.Line, d.Location.Column));
    }
}
