using Instruments.Definitions;
using Instruments.Diagnostics;
using YamlDotNet.Core;

namespace Instruments.Compiler;

/// <summary>Remembers where each definition path came from in the YAML text.</summary>
internal sealed class YamlSourceLocator(string path) : SourceLocator
{
    private readonly Dictionary<string, (Location Location, ScalarStyle Style)> _locations = new(StringComparer.Ordinal);

    /// <summary>
    /// Records where a definition path came from. <paramref name="style"/> is the scalar style when offsets inside the
    /// value map one-to-one onto source columns (a value on one line without escapes); otherwise <see cref="ScalarStyle.Any"/>.
    /// </summary>
    public void Record(string definitionPath, Location location, ScalarStyle style = ScalarStyle.Any) =>
        _locations.TryAdd(definitionPath, (location, style));

    public override Location Locate(string definitionPath)
    {
        var p = definitionPath;
        while (true)
        {
            if (_locations.TryGetValue(p, out var found))
            {
                return found.Location;
            }

            var cut = Math.Max(p.LastIndexOf('.'), p.LastIndexOf('['));
            if (cut <= 0)
            {
                return Location.InFile(path);
            }

            p = p[..cut];
        }
    }

    public override Location LocateInScalar(string definitionPath, int offset, int length)
    {
        if (!_locations.TryGetValue(definitionPath, out var found))
        {
            return Locate(definitionPath);
        }

        var (location, style) = found;
        return style switch
        {
            ScalarStyle.Plain => location.Shift(offset, length),
            ScalarStyle.SingleQuoted or ScalarStyle.DoubleQuoted => location.Shift(offset + 1, length),
            _ => location, // block scalars, multi-line values, escapes: columns do not follow offsets; point at the value
        };
    }
}
