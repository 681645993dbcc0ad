using Instruments.Diagnostics;
using Instruments.Server;
using Microsoft.AspNetCore.Http.Timeouts;

// The HTTP service: a thin shell over the SDK, as the console host is. Stateless: the instrument library is loaded
// once and shared (compiled plans are immutable); a request keeps nothing after it ends.
var builder = WebApplication.CreateBuilder(args);
builder.Services.AddOptions<ServerOptions>().Bind(builder.Configuration.GetSection(ServerOptions.Section))
    .Validate(o => o.MaxRequestBodyBytes > 0 && o.RequestTimeoutSeconds > 0, "Instruments:MaxRequestBodyBytes and Instruments:RequestTimeoutSeconds must be positive");
var settings = builder.Configuration.GetSection(ServerOptions.Section).Get<ServerOptions>() ?? new ServerOptions();

// Kestrel's own limit is the service's (its default, 30 MB, would cut in first); the score endpoint also counts.
builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = settings.MaxRequestBodyBytes);
builder.Services.AddSingleton<LibraryProvider>();
builder.Services.AddHostedService<LibraryLoader>();
builder.Services.AddProblemDetails();
builder.Services.AddOpenApi();
builder.Services.AddRequestTimeouts(o => o.DefaultPolicy = new RequestTimeoutPolicy
{
    Timeout = TimeSpan.FromSeconds(settings.RequestTimeoutSeconds),
    WriteTimeoutResponse = context => Problems.WriteAsync(context, StatusCodes.Status503ServiceUnavailable,
        InstrumentDiagnostics.RequestTimedOut, settings.RequestTimeoutSeconds),
});

var app = builder.Build();
app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseRouting();
app.UseRequestTimeouts();
app.MapOpenApi();
CatalogEndpoints.Map(app);
ScoreEndpoint.Map(app);
ValidateEndpoint.Map(app);
app.Run();

/// <summary>The service's entry point (public for <c>WebApplicationFactory&lt;Program&gt;</c> in the tests).</summary>
public partial class Program;
