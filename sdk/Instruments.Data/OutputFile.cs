using Instruments.Data.IO;

namespace Instruments.Data;

/// <summary>
/// An output file written atomically: the bytes go to a hidden temporary file in the same folder, which
/// <see cref="Commit"/> moves over the requested name. Disposing without committing deletes the temporary file, so a
/// failed or interrupted write never leaves a truncated file under the requested name, and an older file of that
/// name stays as it was.
/// </summary>
public sealed class OutputFile : IDisposable
{
    private readonly string _path;
    private readonly string _temp;
    private readonly WritebackFileStream _stream;
    private bool _committed;
    private bool _disposed;

    private OutputFile(string path, string temp, WritebackFileStream stream)
    {
        _path = path;
        _temp = temp;
        _stream = stream;
    }

    /// <summary>The stream to write to (the temporary file).</summary>
    public Stream Stream => _stream;

    /// <summary>The full path the file gets on <see cref="Commit"/>.</summary>
    public string Path => _path;

    /// <summary>The full path of the temporary file being written.</summary>
    public string TemporaryPath => _temp;

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

        var dir = System.IO.Path.GetDirectoryName(full)!;
        if (!Directory.Exists(dir))
        {
            var shown = System.IO.Path.GetDirectoryName(path) is { Length: > 0 } d ? d : dir;
            throw new DirectoryNotFoundException($"the output folder '{shown}' does not exist");
        }

        var temp = System.IO.Path.Combine(dir, "." + System.IO.Path.GetFileName(full) + "." + Guid.NewGuid().ToString("N")[..8] + ".tmp");
        var stream = new WritebackFileStream(new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 64 * 1024));
        return new OutputFile(full, temp, stream);
    }

    /// <summary>Flushes the file and moves it over <see cref="Path"/>.</summary>
    public void Commit()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        _stream.Flush();
        _stream.StartWriteback();
        _stream.Dispose();
        File.Move(_temp, _path, overwrite: true);
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
        _stream.Dispose();
        if (!_committed)
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
}
