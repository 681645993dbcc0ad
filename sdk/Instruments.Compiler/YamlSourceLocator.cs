using Instruments.Definitions;
using Instruments.Diagnostics;
using YamlDotNet.Core;

namespace Instruments.Compiler;

/// <summary>Remembers where each definition path came from in the YAML text.</summary>
internal sealed class YamlSourceLocator(string path) : SourceLocator
{
    private readonly Dictionary<string, (Location Location, ScalarStyle Style)> _locations = new(StringComparer.Ordinal);

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
            _ => location, // block scalars: the text starts on a later line; point at the key's value
        };
    }
}
