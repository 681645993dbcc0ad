using Instruments.Definitions;

namespace Instruments.Sdk.Tests.Validation;

/// <summary>The id rule of instruments, protocols and plugins, against the pattern the JSON schemas publish.</summary>
public sealed class IdRuleTests
{
    [Fact]
    public void InstrumentAndPluginIds_AreCheckedExactlyAsTheSchemaPatternSays()
    {
        // The pattern the schemas publish for instrument, protocol and plugin ids, ^[a-z0-9][a-z0-9.-]*$, as the
        // reference; with \z rather than $, which would also take a trailing newline (a block scalar's).
        var reference = new System.Text.RegularExpressions.Regex(@"^[a-z0-9][a-z0-9.-]*\z");
        var alphabet = "az09.-_AZ \n\u00e9\u0131".ToCharArray();
        var random = new Random(20261130);
        var checkedIds = new List<string> { "", "a", "0", "-", ".", "a-", "a.b-c", "phq-9", "A", "a\n", "\u0131d" };
        for (var i = 0; i < 50_000; i++)
        {
            var chars = new char[random.Next(0, 6)];
            for (var k = 0; k < chars.Length; k++)
            {
                chars[k] = alphabet[random.Next(alphabet.Length)];
            }

            checkedIds.Add(new string(chars));
        }

        foreach (var id in checkedIds)
        {
            Assert.True(reference.IsMatch(id) == DefinitionBinder.IsValidInstrumentId(id), $"'{id}'");
        }

        Assert.Contains(checkedIds, DefinitionBinder.IsValidInstrumentId);
        Assert.Contains(checkedIds, id => !DefinitionBinder.IsValidInstrumentId(id));
    }
}
