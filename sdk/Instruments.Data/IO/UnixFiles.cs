using System.Buffers.Binary;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Instruments.Data.IO;

/// <summary>What kind of file a path names (Unix <c>S_IFMT</c>).</summary>
internal enum UnixFileKind
{
    Other,
    Regular,
    Directory,
    SymbolicLink,
    Fifo,
    CharacterDevice,
    BlockDevice,
    Socket,
}

/// <summary>One file's kind, permission bits, owner and identity (device and inode).</summary>
internal readonly record struct UnixFileStatus(UnixFileKind Kind, UnixFileMode Permissions, uint Uid, uint Gid, ulong Device, ulong Inode)
{
    public bool IsSameFileAs(UnixFileStatus other) => Device == other.Device && Inode == other.Inode;
}

/// <summary>
/// The file facts .NET has no API for (kind, inode, owner), from Linux <c>statx</c>, whose structure has the same
/// layout on every architecture. Elsewhere (or on kernels and C libraries without it) <see cref="Supported"/> is false
/// and callers fall back to what paths alone can tell.
/// </summary>
internal static unsafe partial class UnixFiles
{
    private const int AtFdCwd = -100;
    private const int AtSymlinkNoFollow = 0x100;
    private const uint StatxBasicStats = 0x7ff;
    private const int StatxSize = 256;

    private static bool _unavailable = !OperatingSystem.IsLinux();

    /// <summary>True when <see cref="Stat"/> can answer on this system.</summary>
    public static bool Supported
    {
        get
        {
            if (!_unavailable)
            {
                _ = Stat("/", followLinks: true);
            }

            return !_unavailable;
        }
    }

    /// <summary>The status of <paramref name="path"/>, following symbolic links or not; null when it does not exist or cannot be examined.</summary>
    public static UnixFileStatus? Stat(string path, bool followLinks)
    {
        if (_unavailable)
        {
            return null;
        }

        var buffer = stackalloc byte[StatxSize];
        try
        {
            if (Statx(AtFdCwd, path, followLinks ? 0 : AtSymlinkNoFollow, StatxBasicStats, buffer) != 0)
            {
                return null;
            }
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            _unavailable = true;
            return null;
        }

        var bytes = new ReadOnlySpan<byte>(buffer, StatxSize);
        var uid = BinaryPrimitives.ReadUInt32LittleEndian(bytes[20..]);
        var gid = BinaryPrimitives.ReadUInt32LittleEndian(bytes[24..]);
        var mode = BinaryPrimitives.ReadUInt16LittleEndian(bytes[28..]);
        var inode = BinaryPrimitives.ReadUInt64LittleEndian(bytes[32..]);
        var devMajor = BinaryPrimitives.ReadUInt32LittleEndian(bytes[136..]);
        var devMinor = BinaryPrimitives.ReadUInt32LittleEndian(bytes[140..]);
        if (!BitConverter.IsLittleEndian)
        {
            uid = BinaryPrimitives.ReverseEndianness(uid);
            gid = BinaryPrimitives.ReverseEndianness(gid);
            mode = BinaryPrimitives.ReverseEndianness(mode);
            inode = BinaryPrimitives.ReverseEndianness(inode);
            devMajor = BinaryPrimitives.ReverseEndianness(devMajor);
            devMinor = BinaryPrimitives.ReverseEndianness(devMinor);
        }

        var kind = (mode & 0xF000) switch
        {
            0x8000 => UnixFileKind.Regular,
            0x4000 => UnixFileKind.Directory,
            0xA000 => UnixFileKind.SymbolicLink,
            0x1000 => UnixFileKind.Fifo,
            0x2000 => UnixFileKind.CharacterDevice,
            0x6000 => UnixFileKind.BlockDevice,
            0xC000 => UnixFileKind.Socket,
            _ => UnixFileKind.Other,
        };
        return new UnixFileStatus(kind, (UnixFileMode)(mode & 0x1FF), uid, gid, ((ulong)devMajor << 32) | devMinor, inode);
    }

    /// <summary>Gives an open file an owner (best effort: only root, or the owner to one of its groups, may); true when it worked.</summary>
    public static bool TryChangeOwner(SafeFileHandle file, uint uid, uint gid)
    {
        if (_unavailable)
        {
            return false;
        }

        try
        {
            return FChown((int)file.DangerousGetHandle(), uid, gid) == 0;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return false;
        }
    }

    // statx: glibc 2.28, musl 1.2.5; the buffer is 'struct statx' (256 bytes, the same layout on every architecture).
    [LibraryImport("libc", EntryPoint = "statx", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Statx(int dirfd, string path, int flags, uint mask, byte* buffer);

    [LibraryImport("libc", EntryPoint = "fchown", SetLastError = true)]
    private static partial int FChown(int fd, uint uid, uint gid);
}
