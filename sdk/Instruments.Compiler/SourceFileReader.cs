using System.Buffers;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Unicode;
using Instruments.Diagnostics;

namespace Instruments.Compiler;

/// <summary>
/// Reads the small text files the SDK trusts nothing about (instrument definitions, texts files, plugin manifests):
/// only regular files (a FIFO, device or socket is never opened, since opening a FIFO blocks until a writer comes),
/// at most the size limit (plus one byte to notice more, whatever size the file system reports: <c>/proc</c> files
/// report 0), and strict UTF-8 (an invalid byte is an error at its line and column, never a silent U+FFFD).
/// </summary>
internal static partial class SourceFileReader
{
    /// <summary>
    /// The text of <paramref name="path"/>, or null with a diagnostic (INS1009 not a regular file, INS1003 too large,
    /// INS1000 invalid UTF-8). A missing or unreadable file throws the usual <see cref="IOException"/> or
    /// <see cref="UnauthorizedAccessException"/>, as <see cref="File.ReadAllText(string)"/> does.
    /// </summary>
    public static string? Read(string path, int maxBytes, List<Diagnostic> diagnostics)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (SpecialKind(path) is { } kind)
        {
            diagnostics.Add(Diagnostic.Create(InstrumentDiagnostics.NotARegularFile, Location.InFile(path), kind));
            return null;
        }

        byte[] bytes;
        int length;
        using (var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.SequentialScan))
        {
            var reported = stream.CanSeek ? stream.Length : 0;
            if (reported > maxBytes)
            {
                diagnostics.Add(Diagnostic.Create(InstrumentDiagnostics.FileTooLarge, Location.InFile(path), reported, maxBytes));
                return null;
            }

            // The reported size may lie (0 for /proc files, growing files): read at most one byte past the limit.
            bytes = new byte[Math.Clamp(reported + 1, 4096, maxBytes + 1L)];
            length = 0;
            while (true)
            {
                if (length == bytes.Length)
                {
                    if (bytes.Length > maxBytes)
                    {
                        break;
                    }

                    Array.Resize(ref bytes, (int)Math.Min(bytes.Length * 2L, maxBytes + 1L));
                }

                var n = stream.Read(bytes, length, bytes.Length - length);
                if (n == 0)
                {
                    break;
                }

                length += n;
            }
        }

        if (length > maxBytes)
        {
            diagnostics.Add(Diagnostic.Create(InstrumentDiagnostics.FileTooLarge, Location.InFile(path), length, maxBytes));
            return null;
        }

        return Decode(bytes.AsSpan(0, length), path, diagnostics);
    }

    /// <summary>Strict UTF-8 (a leading BOM is dropped); null with INS1000 at the first invalid byte.</summary>
    internal static string? Decode(ReadOnlySpan<byte> bytes, string path, List<Diagnostic> diagnostics)
    {
        if (bytes.StartsWith("\uFEFF"u8))
        {
            bytes = bytes[3..];
        }

        var chars = ArrayPool<char>.Shared.Rent(Math.Max(bytes.Length, 1));
        try
        {
            var status = Utf8.ToUtf16(bytes, chars, out var read, out var written, replaceInvalidSequences: false);
            if (status == OperationStatus.Done)
            {
                return new string(chars, 0, written);
            }

            var (line, column) = LineAndColumn(bytes[..read]);
            diagnostics.Add(Diagnostic.Create(InstrumentDiagnostics.InvalidUtf8, Location.At(path, line, column),
                "0x" + bytes[read].ToString("X2", System.Globalization.CultureInfo.InvariantCulture), read));
            return null;
        }
        finally
        {
            ArrayPool<char>.Shared.Return(chars);
        }
    }

    /// <summary>The 1-based line and column (in characters) just after <paramref name="prefix"/>, which is valid UTF-8.</summary>
    private static (int Line, int Column) LineAndColumn(ReadOnlySpan<byte> prefix)
    {
        var lastNewline = prefix.LastIndexOf((byte)'\n');
        var line = prefix.Count((byte)'\n') + 1;
        var column = 1;
        foreach (var b in prefix[(lastNewline + 1)..])
        {
            // Count code points: every byte that is not a UTF-8 continuation byte starts one.
            if ((b & 0xC0) != 0x80)
            {
                column++;
            }
        }

        return (line, column);
    }

    /// <summary>
    /// What <paramref name="path"/> is when it is not a regular file ("a FIFO", "a character device" ...), found without
    /// opening it (symbolic links are followed); null for a regular file, or when the kind cannot be told.
    /// </summary>
    internal static string? SpecialKind(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            var attributes = File.GetAttributes(path);
            return (attributes & FileAttributes.Directory) != 0 ? "a directory"
                : (attributes & FileAttributes.Device) != 0 ? "a device"
                : null;
        }

        // libSystem.Native ships with the runtime on every Unix; its FileStatus starts with Flags and Mode (int32 each),
        // whatever the platform's own struct stat looks like.
        var status = new byte[256];
        int result;
        try
        {
            result = Stat(path, status);
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
            return null;
        }

        if (result != 0)
        {
            // Missing or unreadable: opening it reports the real error the usual way.
            return null;
        }

        var mode = BitConverter.ToInt32(status, 4);
        return (mode & 0xF000) switch
        {
            0x8000 => null,
            0x4000 => "a directory",
            0x1000 => "a FIFO (named pipe)",
            0x2000 => "a character device",
            0x6000 => "a block device",
            0xC000 => "a socket",
            _ => "a special file",
        };
    }

    [DllImport("libSystem.Native", EntryPoint = "SystemNative_Stat", SetLastError = true)]
    private static extern int Stat([MarshalAs(UnmanagedType.LPUTF8Str)] string path, [Out] byte[] output);
}
