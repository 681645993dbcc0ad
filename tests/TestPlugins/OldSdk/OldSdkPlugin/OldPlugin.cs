namespace Instruments.TestPlugins.OldSdk;

/// <summary>Compiled against "Instruments.Sdk" 9.0.0; the host must refuse it (PLG3017) before touching its types.</summary>
public static class OldPlugin
{
    /// <summary>Uses the fake SDK so that the reference is recorded.</summary>
    public static int Major() => Instruments.FakeSdk.Marker.Value();
}
