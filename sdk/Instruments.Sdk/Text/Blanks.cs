using System.Runtime.CompilerServices;

namespace Instruments.Text;

/// <summary>
/// Spaces and tabs around UTF-8 cells (client ids, occasions): the same as
/// <c>MemoryExtensions.Trim(span, " \t"u8)</c>, which tests each byte against the set through a generic search (about
/// 4% of a tracking run's CPU when asked of every row), in two plain loops.
/// </summary>
internal static class Blanks
{
    /// <summary><paramref name="utf8"/> without its leading and trailing spaces and tabs.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ReadOnlySpan<byte> Trim(ReadOnlySpan<byte> utf8)
    {
        var start = 0;
        while (start < utf8.Length && utf8[start] is (byte)' ' or (byte)'\t')
        {
            start++;
        }

        var end = utf8.Length;
        while (end > start && utf8[end - 1] is (byte)' ' or (byte)'\t')
        {
            end--;
        }

        return utf8[start..end];
    }

    /// <summary>True when <paramref name="utf8"/> is empty or only spaces and tabs.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool IsBlank(ReadOnlySpan<byte> utf8)
    {
        foreach (var b in utf8)
        {
            if (b is not ((byte)' ' or (byte)'\t'))
            {
                return false;
            }
        }

        return true;
    }
}
