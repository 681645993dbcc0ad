namespace Instruments.FakeSdk;

/// <summary>A type the old plugin uses, so that its reference to this assembly stays in its metadata.</summary>
public static class Marker
{
    /// <summary>Any value.</summary>
    public const int Major = 9;

    /// <summary>Keeps the reference.</summary>
    public static int Value() => Major;
}
