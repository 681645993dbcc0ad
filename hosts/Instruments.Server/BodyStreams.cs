using System.Buffers;
using System.IO.Pipelines;

namespace Instruments.Server;

/// <summary>The request body passed <see cref="ServerOptions.MaxRequestBodyBytes"/>.</summary>
public sealed class RequestBodyTooLargeException(long limit) : IOException($"the request body is larger than {limit} bytes")
{
    /// <summary>The limit, in bytes.</summary>
    public long Limit { get; } = limit;
}

/// <summary>
/// The request body for the scoring pipeline, which reads synchronously on its own thread: each read waits for the
/// asynchronous one (so no request thread is blocked, and <c>AllowSynchronousIO</c> stays off), is cancelled with
/// the request, and counts bytes against the size limit (Kestrel enforces the same limit; the count makes it hold
/// for any server, and for bodies without a Content-Length). A JSON body that is one object, not an array, is read
/// as an array of that one object.
/// </summary>
/// <remarks><paramref name="prefix"/>: the start of the body, already read (and counted here again).</remarks>
internal sealed class RequestBodyStream(Stream inner, long limit, bool wrapSingleObject, CancellationToken cancel, ReadOnlyMemory<byte> prefix = default) : Stream
{
    private ReadOnlyMemory<byte> _prefix = prefix;
    private static readonly byte[] OpenBracket = "["u8.ToArray();
    private static readonly byte[] CloseBracket = "]"u8.ToArray();
    private long _read;
    private byte[]? _pending;
    private int _pendingOffset;
    private bool _checked = !wrapSingleObject;
    private bool _wrapped;
    private bool _ended;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        if (buffer.IsEmpty)
        {
            return 0;
        }

        if (!_checked)
        {
            Peek();
        }

        if (_pending is { } pending)
        {
            var n = Math.Min(buffer.Length, pending.Length - _pendingOffset);
            pending.AsSpan(_pendingOffset, n).CopyTo(buffer);
            _pendingOffset += n;
            if (_pendingOffset == pending.Length)
            {
                _pending = null;
            }

            return n;
        }

        if (_ended)
        {
            return 0;
        }

        var read = ReadInner(buffer);
        if (read == 0)
        {
            _ended = true;
            if (_wrapped)
            {
                CloseBracket.CopyTo(buffer);
                return 1;
            }
        }

        return read;
    }

    /// <summary>
    /// Where the JSON object starts when <paramref name="body"/> (its first bytes) starts with one, after a byte order
    /// mark and white space, so that the body is one response; -1 otherwise (an array, or not JSON).
    /// </summary>
    public static int SingleObjectStart(ReadOnlySpan<byte> body)
    {
        var start = body.StartsWith("\uFEFF"u8) ? 3 : 0;
        while (start < body.Length && body[start] is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n')
        {
            start++;
        }

        return start < body.Length && body[start] == (byte)'{' ? start : -1;
    }

    // Reads the start of the body: a JSON object first (after white space and a byte order mark) is one response.
    private void Peek()
    {
        _checked = true;
        var first = new byte[4096];
        var n = ReadInner(first);
        if (SingleObjectStart(first.AsSpan(0, n)) is >= 0 and var start)
        {
            _wrapped = true;
            _pending = [.. OpenBracket, .. first.AsSpan(start, n - start)];
        }
        else if (n > 0)
        {
            _pending = first[..n];
        }
        else
        {
            _ended = true;
        }
    }

    private int ReadInner(Span<byte> buffer)
    {
        if (!_prefix.IsEmpty)
        {
            var p = Math.Min(buffer.Length, _prefix.Length);
            _prefix.Span[..p].CopyTo(buffer);
            _prefix = _prefix[p..];
            _read += p;
            return _read > limit ? throw new RequestBodyTooLargeException(limit) : p;
        }

        var rented = System.Buffers.ArrayPool<byte>.Shared.Rent(buffer.Length);
        try
        {
            var n = inner.ReadAsync(rented.AsMemory(0, buffer.Length), cancel).AsTask().GetAwaiter().GetResult();
            _read += n;
            if (_read > limit)
            {
                throw new RequestBodyTooLargeException(limit);
            }

            rented.AsSpan(0, n).CopyTo(buffer);
            return n;
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(rented);
        }
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}

/// <summary>
/// The response body for the scoring pipeline: each write (the header, one block of rows, the footer) is copied into
/// the response pipe and flushed, waiting for the client to take it (back pressure keeps memory flat), cancelled with
/// the request. Nothing is sent before the pipeline's first write, so an error found before it can still be answered
/// with a problem.
/// </summary>
internal sealed class ResponseBodyStream(PipeWriter writer, CancellationToken cancel) : Stream
{
    /// <summary>True once something was written.</summary>
    public bool Started { get; private set; }

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        if (buffer.IsEmpty)
        {
            return;
        }

        Started = true;
        writer.Write(buffer);
        var result = writer.FlushAsync(cancel).AsTask().GetAwaiter().GetResult();
        if (result.IsCanceled || result.IsCompleted)
        {
            cancel.ThrowIfCancellationRequested();
            throw new IOException("the client stopped reading the response");
        }
    }

    public override void Flush()
    {
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();
}
