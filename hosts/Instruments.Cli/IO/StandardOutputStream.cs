using System.Runtime.InteropServices;

namespace Instruments.Cli.IO;

/// <summary>
/// Standard output on Unix as <c>write(2)</c> on file descriptor 1, with the semantics a shell expects of a program:
/// every write advances the descriptor's shared offset (so <c>(echo a; instruments score ...; echo b) &gt; out</c> keeps
/// all three in order, and <c>&gt;&gt;</c> appends), and a closed pipe is an <see cref="IOException"/> (EPIPE), so
/// <c>score ... | head -1</c> stops instead of scoring the whole input. A <see cref="FileStream"/> over descriptor 1 does
/// neither for a regular file: it writes with <c>pwrite</c> at its own position and leaves the shell's offset behind.
/// For the text streams (<c>ignoreBrokenPipe</c>: messages on descriptor 2, help and tables on descriptor 1) a closed
/// pipe is ignored, as <see cref="Console"/>'s streams do, without <see cref="Console"/>'s terminal set-up (terminfo,
/// signal handlers), which cost each start of the host several milliseconds.
/// </summary>
internal sealed unsafe partial class StandardOutputStream : Stream
{
    private const int StandardOutput = 1;
    private const int Eintr = 4;
    private const int Eagain = 11;
    private const int Epipe = 32;

    private readonly int _fd;
    private readonly bool _ignoreBrokenPipe;

    public StandardOutputStream(int fd = StandardOutput, bool ignoreBrokenPipe = false)
    {
        _fd = fd;
        _ignoreBrokenPipe = ignoreBrokenPipe;
    }

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        fixed (byte* start = buffer)
        {
            var p = start;
            var left = (nint)buffer.Length;
            while (left > 0)
            {
                var n = WriteNative(_fd, p, left);
                if (n >= 0)
                {
                    p += n;
                    left -= n;
                    continue;
                }

                var errno = Marshal.GetLastPInvokeError();
                if (errno == Eintr)
                {
                    continue;
                }

                if (errno == Eagain)
                {
                    // A non-blocking descriptor handed to us (rare): wait a little and retry rather than lose output.
                    Thread.Sleep(1);
                    continue;
                }

                if (errno == Epipe && _ignoreBrokenPipe)
                {
                    return; // nobody reads any more: the rest is dropped, as Console drops it
                }

                throw new IOException(errno == Epipe ? "Broken pipe" : Marshal.GetPInvokeErrorMessage(errno), errno == Epipe ? 32 : errno);
            }
        }
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        Write(buffer.AsSpan(offset, count));
        return Task.CompletedTask;
    }

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        Write(buffer.Span);
        return ValueTask.CompletedTask;
    }

    public override void WriteByte(byte value) => Write([value]);

    public override void Flush()
    {
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    [LibraryImport("libc", EntryPoint = "write", SetLastError = true)]
    private static partial nint WriteNative(int fd, byte* buffer, nint count);
}
