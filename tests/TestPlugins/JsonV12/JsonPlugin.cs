using Instruments.Expressions;
using Instruments.Plugins;
using Newtonsoft.Json;

namespace Instruments.TestPlugins.JsonV12;

/// <summary>Registers json12_major(): the major version of the Newtonsoft.Json this plugin loaded.</summary>
public sealed class JsonPlugin : InstrumentPlugin
{
    /// <inheritdoc />
    public override void Initialize(PluginContext context)
    {
        var major = typeof(JsonConvert).Assembly.GetName().Version!.Major;
        context.RegisterFunction(new ScoringFunction("json12_major", 0, 0, _ => major));
    }
}
