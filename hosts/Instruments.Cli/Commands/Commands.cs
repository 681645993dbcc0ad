namespace Instruments.Cli.Commands;

/// <summary>The commands of the host, in the order <c>instruments --help</c> lists them.</summary>
internal static class Commands
{
    public static IReadOnlyList<HostCommand> Create(CliContext context) =>
    [
        CatalogCommands.CreateList(context),
        CatalogCommands.CreateDescribe(context),
        ValidateCommand.Create(context),
        ScoreCommand.Create(context),
        ExportCommand.Create(context),
        TrackCommand.Create(context),
        AgreeCommand.Create(context),
        ReportCommand.Create(context),
        TestCommand.Create(context),
        SchemaCommand.Create(context),
        ImportCommand.Create(context),
        SqlCommand.Create(context),
    ];
}
