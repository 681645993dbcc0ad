namespace Instruments.Cli.Commands;

/// <summary>The commands of the host, in the order <c>instruments --help</c> lists them.</summary>
internal static class Commands
{
    private static readonly (string Name, Func<CliContext, HostCommand> Create)[] All =
    [
        ("list", CatalogCommands.CreateList),
        ("describe", CatalogCommands.CreateDescribe),
        ("validate", ValidateCommand.Create),
        ("score", ScoreCommand.Create),
        ("export", ExportCommand.Create),
        ("track", TrackCommand.Create),
        ("agree", AgreeCommand.Create),
        ("report", ReportCommand.Create),
        ("test", TestCommand.Create),
        ("schema", SchemaCommand.Create),
        ("import", ImportCommand.Create),
        ("sql", SqlCommand.Create),
    ];

    /// <summary>Every command.</summary>
    public static IReadOnlyList<HostCommand> Create(CliContext context) => [.. All.Select(c => c.Create(context))];

    /// <summary>
    /// The command named <paramref name="name"/> alone when there is one, else every command. A command line that
    /// starts with a command's name is parsed by that command alone, so the others need not be built: building them
    /// (their options, choices and static tables) was about 8 ms of every start-up.
    /// </summary>
    public static IReadOnlyList<HostCommand> CreateFor(string? name, CliContext context)
    {
        foreach (var (known, create) in All)
        {
            if (string.Equals(known, name, StringComparison.Ordinal))
            {
                return [create(context)];
            }
        }

        return Create(context);
    }
}
