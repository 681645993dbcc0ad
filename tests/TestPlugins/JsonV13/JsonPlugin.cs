using Instruments.Expressions;
using Instruments.Plugins;
using Newtonsoft.Json;

namespace Instruments.TestPlugins.JsonV13;

/// <summary>Registers json13_major(): the major version of the Newtonsoft.Json this plugin loaded.</summary>
public sealed class JsonPlugin : InstrumentPlugin
{
    /// <inheritdoc />
    public override void Initialize(PluginContext context)
    {
        var major = typeof(JsonConvert).Assembly.GetName().Version!.Major;
        context.RegisterFunction(new ScoringFunction("json13_major", 0, 0, _ => major));
    }
}
