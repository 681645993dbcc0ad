using Instruments.Data.IO;

namespace Instruments.Data;

/// <summary>
/// An output file written safely. A regular file (or a new one) is written atomically: the bytes go to a hidden
/// temporary file in the same folder, which <see cref="Commit"/> moves over the requested name, so a failed or
/// interrupted write never leaves a truncated file under that name, and an older file of that name stays as it was
/// until then. The replacement keeps the older file's permission bits (and, where the process may, its owner); a new
/// file gets the default mode the process's umask allows. Anything that is not a regular file (a character device such
/// as <c>/dev/null</c>, a FIFO, a terminal, <c>/dev/stdout</c>) is written in place, never replaced: see
/// <see cref="IsInPlace"/>. A symbolic link to a regular file is kept, and the file it points to is replaced.
/// </summary>
public sealed class OutputFile : IDisposable
{
    private const UnixFileMode NewFileMode =
        UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.OtherRead | UnixFileMode.OtherWrite;

    private readonly string _path;
    private readonly string? _temp;
    private readonly string? _target;
    private readonly Stream _stream;
    private readonly UnixFileStatus? _replaced;
    private bool _committed;
    private bool _disposed;

    private OutputFile(string path, string? temp, string? target, Stream stream, UnixFileStatus? replaced)
    {
        _path = path;
        _temp = temp;
        _target = target;
        _stream = stream;
        _replaced = replaced;
    }

    /// <summary>The stream to write to (the temporary file, or the special file itself when <see cref="IsInPlace"/>).</summary>
    public Stream Stream => _stream;

    /// <summary>The full path the file gets on <see cref="Commit"/>.</summary>
    public string Path => _path;

    /// <summary>The full path of the temporary file being written; null when <see cref="IsInPlace"/>.</summary>
    public string? TemporaryPath => _temp;

    /// <summary>
    /// True when <see cref="Path"/> is not a regular file (a device, FIFO, socket or terminal) and is written directly:
    /// there is no temporary file, and <see cref="Commit"/> only flushes.
    /// </summary>
    public bool IsInPlace => _temp is null;

    /// <summary>Starts writing <paramref name="path"/>.</summary>
    /// <param name="path">The file to write; its folder must exist.</param>
    /// <returns>The output file; dispose it.</returns>
    /// <exception cref="IOException"><paramref name="path"/> is a folder, or its folder does not exist.</exception>
    public static OutputFile Create(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var full = System.IO.Path.GetFullPath(path);
        if (Directory.Exists(full))
        {
            throw new IOException($"output '{path}' is a folder; give a file name");
        }

        var status = UnixFiles.Stat(full, followLinks: true);
        if (IsSpecial(full, status))
        {
            var device = new FileStream(full, new FileStreamOptions { Mode = FileMode.Open, Access = FileAccess.Write, Share = FileShare.ReadWrite, BufferSize = 64 * 1024 });
            return new OutputFile(full, null, null, device, null);
        }

        var target = full;
        if (status is { } regular && UnixFiles.Stat(full, followLinks: false) is { Kind: UnixFileKind.SymbolicLink })
        {
            // Replace the file the link points to and keep the link. A link the kernel resolves in its own way
            // (/dev/stdout redirected to a file, /proc/self/fd/N) names no path we can rename over: write through it.
            var resolved = File.ResolveLinkTarget(full, returnFinalTarget: true)?.FullName;
            if (resolved is null || UnixFiles.Stat(resolved, followLinks: true) is not { } linked || !linked.IsSameFileAs(regular))
            {
                var through = new FileStream(full, new FileStreamOptions { Mode = FileMode.Truncate, Access = FileAccess.Write, Share = FileShare.ReadWrite, BufferSize = 64 * 1024 });
                return new OutputFile(full, null, null, through, null);
            }

            target = resolved;
        }

        var dir = System.IO.Path.GetDirectoryName(target)!;
        if (!Directory.Exists(dir))
        {
            var shown = System.IO.Path.GetDirectoryName(path) is { Length: > 0 } d ? d : dir;
            throw new DirectoryNotFoundException($"the output folder '{shown}' does not exist");
        }

        var temp = System.IO.Path.Combine(dir, "." + System.IO.Path.GetFileName(target) + "." + Guid.NewGuid().ToString("N")[..8] + ".tmp");
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None, BufferSize = 64 * 1024 };
        if (!OperatingSystem.IsWindows())
        {
            // The umask applies on top, so the temporary file is never more open than the file it replaces (or than
            // a new file would be); Commit sets the exact mode.
            options.UnixCreateMode = status is { } old ? old.Permissions : NewFileMode;
        }

        var stream = new WritebackFileStream(new FileStream(temp, options));
        return new OutputFile(full, temp, target, stream, status);
    }

    /// <summary>
    /// True when writing an output file at <paramref name="path"/> would overwrite the regular file
    /// <paramref name="otherPath"/>: the same path once resolved, or (on Linux) the same file by device and inode, such
    /// as a hard link or a symbolic link to it. False for special files, which are written in place (<see cref="IsInPlace"/>),
    /// and when either file does not exist. A host calls it before reading an input it would otherwise destroy.
    /// </summary>
    /// <param name="path">The output path.</param>
    /// <param name="otherPath">The file to protect, typically the input.</param>
    /// <returns>True when the two name the same regular file.</returns>
    public static bool WouldOverwrite(string path, string otherPath)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentException.ThrowIfNullOrEmpty(otherPath);
        var a = System.IO.Path.GetFullPath(path);
        var b = System.IO.Path.GetFullPath(otherPath);
        if (UnixFiles.Supported)
        {
            return UnixFiles.Stat(b, followLinks: true) is { Kind: UnixFileKind.Regular } protectedFile
                   && UnixFiles.Stat(a, followLinks: true) is { } output
                   && output.IsSameFileAs(protectedFile);
        }

        var comparison = OperatingSystem.IsWindows() || OperatingSystem.IsMacOS() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
        return File.Exists(b) && (string.Equals(a, b, comparison)
                                  || string.Equals(File.ResolveLinkTarget(a, returnFinalTarget: true)?.FullName ?? a, File.ResolveLinkTarget(b, returnFinalTarget: true)?.FullName ?? b, comparison));
    }

    /// <summary>
    /// Flushes the file and moves it over <see cref="Path"/>, with the replaced file's permission bits and owner; for a
    /// file written in place (<see cref="IsInPlace"/>), only flushes it.
    /// </summary>
    public void Commit()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_stream is not WritebackFileStream file)
        {
            _stream.Flush();
            _stream.Dispose();
            _committed = true;
            return;
        }

        file.Flush();
        file.StartWriteback();
        if (_replaced is { } old && !OperatingSystem.IsWindows())
        {
            _ = UnixFiles.TryChangeOwner(file.Handle, old.Uid, old.Gid);
            File.SetUnixFileMode(file.Handle, old.Permissions); // after the owner: chown may clear bits
        }

        // A new file was created with 0666 under the umask: already the mode it should have.

        file.Dispose();
        File.Move(_temp!, _target!, overwrite: true);
        _committed = true;
    }

    /// <summary>Closes the file; without <see cref="Commit"/>, deletes the temporary file.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        try
        {
            _stream.Dispose();
        }
        catch (IOException) when (_temp is null)
        {
            // A special file whose reader went away (a FIFO): nothing was replaced, nothing to clean up.
        }

        if (!_committed && _temp is not null)
        {
            try
            {
                File.Delete(_temp);
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }
        }
    }

    /// <summary>An existing file that is not a regular file: written in place, never renamed over.</summary>
    private static bool IsSpecial(string full, UnixFileStatus? status)
    {
        if (status is { } known)
        {
            return known.Kind is not (UnixFileKind.Regular or UnixFileKind.Directory);
        }

        // Without statx (not Linux): the device folder is the one place special files are routinely named.
        return !OperatingSystem.IsWindows() && !UnixFiles.Supported && full.StartsWith("/dev/", StringComparison.Ordinal) && File.Exists(full);
    }
}
