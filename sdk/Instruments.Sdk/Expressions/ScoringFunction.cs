using System.Collections.Immutable;
using System.Text.RegularExpressions;

namespace Instruments.Expressions;

/// <summary>The body of a <see cref="ScoringFunction"/>: arguments in, one value out; NaN means missing.</summary>
/// <param name="arguments">The argument values (NaN for a missing value). Do not keep the span.</param>
public delegate double ScoringFunctionBody(ReadOnlySpan<double> arguments);

/// <summary>
/// A function that YAML expressions can call by name, brought by a plugin (for example a norm-table lookup).
/// Immutable. The body must be thread-safe, allocation-free and side-effect-free: it runs once per response
/// on the scoring path. If it throws, the call yields a missing value and the response gets an RSP2012 diagnostic.
/// </summary>
public sealed partial class ScoringFunction
{
    /// <summary>Creates a function.</summary>
    /// <param name="name">Lower-case name used in expressions: a letter, then letters, digits or '_'.</param>
    /// <param name="minArguments">Fewest arguments (0 or more).</param>
    /// <param name="maxArguments">Most arguments (at least <paramref name="minArguments"/>).</param>
    /// <param name="body">The implementation.</param>
    /// <param name="resultMin">Smallest value it can return (for the compiler's band checks); -infinity if unknown.</param>
    /// <param name="resultMax">Largest value it can return; +infinity if unknown.</param>
    /// <param name="integralResult">True when it always returns whole numbers.</param>
    public ScoringFunction(string name, int minArguments, int maxArguments, ScoringFunctionBody body,
        double resultMin = double.NegativeInfinity, double resultMax = double.PositiveInfinity, bool integralResult = false)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(body);
        if (!NamePattern().IsMatch(name))
        {
            throw new ArgumentException($"Function name '{name}' must be a lower-case letter followed by lower-case letters, digits or '_'.", nameof(name));
        }

        ArgumentOutOfRangeException.ThrowIfNegative(minArguments);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxArguments, minArguments);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxArguments, 64);
        if (resultMin > resultMax)
        {
            throw new ArgumentException("resultMin is above resultMax.", nameof(resultMin));
        }

        Name = name;
        MinArguments = minArguments;
        MaxArguments = maxArguments;
        Body = body;
        ResultMin = resultMin;
        ResultMax = resultMax;
        IntegralResult = integralResult;
    }

    /// <summary>The name used in expressions.</summary>
    public string Name { get; }

    /// <summary>Fewest arguments.</summary>
    public int MinArguments { get; }

    /// <summary>Most arguments.</summary>
    public int MaxArguments { get; }

    /// <summary>The implementation.</summary>
    public ScoringFunctionBody Body { get; }

    /// <summary>Smallest possible result.</summary>
    public double ResultMin { get; }

    /// <summary>Largest possible result.</summary>
    public double ResultMax { get; }

    /// <summary>True when results are always whole numbers.</summary>
    public bool IntegralResult { get; }

    /// <summary>Who registered the function (a plugin id), for diagnostics; empty when registered directly.</summary>
    public string Owner { get; init; } = string.Empty;

    /// <summary>True when <paramref name="name"/> is one of the built-in functions (min, max, sum, mean, count, round, abs).</summary>
    public static bool IsBuiltIn(string name) => ExpressionSyntax.FunctionNames.Contains(name);

    [GeneratedRegex("^[a-z][a-z0-9_]*$", RegexOptions.CultureInvariant)]
    private static partial Regex NamePattern();
}

/// <summary>An immutable set of <see cref="ScoringFunction"/>s by name.</summary>
public sealed class ScoringFunctions
{
    /// <summary>No functions beyond the built-in ones.</summary>
    public static readonly ScoringFunctions Empty = new(ImmutableDictionary<string, ScoringFunction>.Empty.WithComparers(StringComparer.Ordinal));

    private readonly ImmutableDictionary<string, ScoringFunction> _byName;

    private ScoringFunctions(ImmutableDictionary<string, ScoringFunction> byName) => _byName = byName;

    /// <summary>The functions, in name order.</summary>
    public IEnumerable<ScoringFunction> All => _byName.Values.OrderBy(f => f.Name, StringComparer.Ordinal);

    /// <summary>How many functions there are.</summary>
    public int Count => _byName.Count;

    /// <summary>
    /// Returns a set with <paramref name="function"/> added. Throws <see cref="ArgumentException"/> when the name is
    /// built in or already taken (hosts turn that into a PLG diagnostic before calling).
    /// </summary>
    public ScoringFunctions Add(ScoringFunction function)
    {
        ArgumentNullException.ThrowIfNull(function);
        if (ScoringFunction.IsBuiltIn(function.Name) || _byName.ContainsKey(function.Name))
        {
            throw new ArgumentException($"A function named '{function.Name}' already exists.", nameof(function));
        }

        return new ScoringFunctions(_byName.Add(function.Name, function));
    }

    /// <summary>True when a function of that name exists.</summary>
    public bool Contains(string name) => _byName.ContainsKey(name);

    /// <summary>Finds a function by name.</summary>
    public ScoringFunction? Find(string name) => _byName.GetValueOrDefault(name);
}
