using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;

// dotnet run -c Release --project benchmarks/Instruments.LoadTest -- [--server PATH.dll] [--seconds 10] [--max-requests 50000]
//     [--concurrency 4] [--rounds 3]
// Exit code: 0 when every request was answered 200 with a body, 1 otherwise, 2 when the service did not start.
var options = Options.Parse(args);
var inv = CultureInfo.InvariantCulture;
if (!File.Exists(options.Server))
{
    Console.Error.WriteLine($"loadtest: the service is not built: {options.Server} (dotnet build -c Release hosts/Instruments.Server)");
    return 2;
}

var port = FreePort();
var baseUri = new Uri($"http://127.0.0.1:{port}");
using var server = StartServer(options.Server, baseUri);
try
{
    using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = options.Concurrency, PooledConnectionLifetime = Timeout.InfiniteTimeSpan })
    {
        BaseAddress = baseUri,
        Timeout = TimeSpan.FromSeconds(60),
    };
    if (!await WaitReady(http, TimeSpan.FromSeconds(60)))
    {
        Console.Error.WriteLine("loadtest: the service did not become ready within 60 s");
        return 2;
    }

    var csv10k = Phq9Csv(10_000);
    var scenarios = new Scenario[]
    {
        // An intake form: one PHQ-9 administration as one JSON object, answered as JSON.
        new("single JSON (1 row)", 1, () => Body(Phq9Json(7), "application/json"), "application/json"),
        // A batch: 1,000 PHQ-9 rows as CSV, answered as CSV.
        new("CSV batch (1,000 rows)", 1000, () => Body(Phq9Csv(1000), "text/csv"), "text/csv"),
        // A larger batch: 10,000 rows (about 260 KB, over the service's 64 KiB small-body limit and one 256 KiB block),
        // streamed through the parallel pipeline. Built once: ByteArrayContent does not change the array.
        new("CSV batch (10,000 rows, streamed)", 10_000, () => Body(csv10k, "text/csv"), "text/csv"),
    };

    // Warm-up (JIT, connections): not measured.
    foreach (var s in scenarios)
    {
        await Run(http, s, TimeSpan.FromSeconds(2), 2_000, options.Concurrency);
    }

    Console.WriteLine(string.Create(inv, $"loadtest: {options.Concurrency} client loops on loopback, {options.Seconds} s or {options.MaxRequests:N0} requests per round (whichever first), {options.Rounds} rounds per scenario; {Environment.ProcessorCount} processors shared by client and service"));
    Console.WriteLine("| scenario | round | requests | req/s | rows/s | p50 ms | p99 ms | errors |");
    Console.WriteLine("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |");
    var totalErrors = 0L;
    foreach (var s in scenarios)
    {
        var results = new List<Result>();
        for (var round = 1; round <= options.Rounds; round++)
        {
            var r = await Run(http, s, TimeSpan.FromSeconds(options.Seconds), options.MaxRequests, options.Concurrency);
            results.Add(r);
            totalErrors += r.Errors;
            Console.WriteLine(string.Create(inv, $"| {s.Name} | {round} | {r.Requests:N0} | {r.Throughput:N0} | {r.Throughput * s.Rows:N0} | {r.P50:F2} | {r.P99:F2} | {r.Errors} |"));
        }

        Console.WriteLine(string.Create(inv,
            $"| **{s.Name}, median** | | {Median(results, r => r.Requests):N0} | **{Median(results, r => r.Throughput):N0}** | {Median(results, r => r.Throughput) * s.Rows:N0} | **{Median(results, r => r.P50):F2}** | **{Median(results, r => r.P99):F2}** | {results.Sum(r => r.Errors)} |"));
    }

    var (peak, current) = Memory(server.Id);
    Console.WriteLine(string.Create(inv, $"loadtest: service peak memory (VmHWM, resident) {peak / 1024.0:F1} MiB; resident at the end {current / 1024.0:F1} MiB; errors {totalErrors}"));
    return totalErrors == 0 ? 0 : 1;
}
finally
{
    if (!server.HasExited)
    {
        server.Kill(entireProcessTree: true);
    }
}

static async Task<Result> Run(HttpClient http, Scenario scenario, TimeSpan duration, int maxRequests, int concurrency)
{
    var latencies = new List<double>[concurrency];
    var errors = 0L;
    var issued = 0;
    var clock = Stopwatch.StartNew();
    var loops = Enumerable.Range(0, concurrency).Select(async i =>
    {
        var mine = latencies[i] = new List<double>(4096);
        while (clock.Elapsed < duration && Interlocked.Increment(ref issued) <= maxRequests)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/instruments/phq-9/score") { Content = scenario.Body() };
            request.Headers.Accept.ParseAdd(scenario.Accept);
            var start = Stopwatch.GetTimestamp();
            try
            {
                using var response = await http.SendAsync(request);
                var body = await response.Content.ReadAsByteArrayAsync();
                if (response.StatusCode != HttpStatusCode.OK || body.Length == 0)
                {
                    Interlocked.Increment(ref errors);
                }
            }
            catch (HttpRequestException)
            {
                Interlocked.Increment(ref errors);
            }
            catch (TaskCanceledException)
            {
                Interlocked.Increment(ref errors);
            }

            mine.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
        }
    }).ToArray();
    await Task.WhenAll(loops);
    var elapsed = clock.Elapsed.TotalSeconds;
    var all = latencies.SelectMany(l => l).Order().ToArray();
    return new Result(all.Length, all.Length / elapsed, Percentile(all, 0.50), Percentile(all, 0.99), errors);
}

static double Percentile(double[] sorted, double p) =>
    sorted.Length == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];

static double Median(List<Result> results, Func<Result, double> value)
{
    var v = results.Select(value).Order().ToArray();
    return v.Length % 2 == 1 ? v[v.Length / 2] : (v[(v.Length / 2) - 1] + v[v.Length / 2]) / 2;
}

static HttpContent Body(byte[] bytes, string mediaType)
{
    var content = new ByteArrayContent(bytes);
    content.Headers.ContentType = new MediaTypeHeaderValue(mediaType);
    return content;
}

static byte[] Phq9Json(int seed)
{
    var sb = new StringBuilder("{\"respondent_id\":\"p1\"");
    for (var i = 1; i <= 10; i++)
    {
        sb.Append(CultureInfo.InvariantCulture, $",\"phq9_{i}\":{(seed * i) % 4}");
    }

    return Encoding.UTF8.GetBytes(sb.Append('}').ToString());
}

static byte[] Phq9Csv(int rows)
{
    var sb = new StringBuilder("respondent_id");
    for (var i = 1; i <= 10; i++)
    {
        sb.Append(CultureInfo.InvariantCulture, $",phq9_{i}");
    }

    sb.Append('\n');
    for (var r = 0; r < rows; r++)
    {
        sb.Append(CultureInfo.InvariantCulture, $"p{r}");
        for (var i = 1; i <= 10; i++)
        {
            sb.Append(CultureInfo.InvariantCulture, $",{(r * 7 + i) % 4}");
        }

        sb.Append('\n');
    }

    return Encoding.UTF8.GetBytes(sb.ToString());
}

static Process StartServer(string dll, Uri uri)
{
    var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } p && File.Exists(p) ? p : "dotnet";
    var psi = new ProcessStartInfo(dotnet) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
    psi.ArgumentList.Add(dll);
    psi.ArgumentList.Add("--urls");
    psi.ArgumentList.Add(uri.ToString().TrimEnd('/'));
    psi.Environment["Logging__LogLevel__Default"] = "Warning";
    psi.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
    var process = Process.Start(psi)!;
    process.OutputDataReceived += (_, _) => { };
    process.ErrorDataReceived += (_, e) =>
    {
        if (e.Data is { Length: > 0 } line)
        {
            Console.Error.WriteLine("service: " + line);
        }
    };
    process.BeginOutputReadLine();
    process.BeginErrorReadLine();
    return process;
}

static async Task<bool> WaitReady(HttpClient http, TimeSpan limit)
{
    var clock = Stopwatch.StartNew();
    while (clock.Elapsed < limit)
    {
        try
        {
            if ((await http.GetAsync("/ready")).StatusCode == HttpStatusCode.OK)
            {
                return true;
            }
        }
        catch (HttpRequestException)
        {
        }

        await Task.Delay(100);
    }

    return false;
}

// Peak and current resident memory of the service, in KiB, from /proc (Linux).
static (long Peak, long Current) Memory(int pid)
{
    long peak = 0, current = 0;
    foreach (var line in File.ReadLines($"/proc/{pid}/status"))
    {
        if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
        {
            peak = long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
        }
        else if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
        {
            current = long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
        }
    }

    return (peak, current);
}

static int FreePort()
{
    using var listener = new TcpListener(IPAddress.Loopback, 0);
    listener.Start();
    return ((IPEndPoint)listener.LocalEndpoint).Port;
}

internal sealed record Scenario(string Name, int Rows, Func<HttpContent> Body, string Accept);

internal sealed record Result(int Requests, double Throughput, double P50, double P99, long Errors);

internal sealed record Options(string Server, int Seconds, int MaxRequests, int Concurrency, int Rounds)
{
    public static Options Parse(string[] args)
    {
        string Get(string name, string fallback)
        {
            var i = Array.IndexOf(args, name);
            return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
        }

        var repo = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "../../../../../"));
        return new Options(
            Path.GetFullPath(Get("--server", Path.Combine(repo, "hosts/Instruments.Server/bin/Release/net10.0/Instruments.Server.dll"))),
            int.Parse(Get("--seconds", "10"), CultureInfo.InvariantCulture),
            int.Parse(Get("--max-requests", "50000"), CultureInfo.InvariantCulture),
            int.Parse(Get("--concurrency", "4"), CultureInfo.InvariantCulture),
            int.Parse(Get("--rounds", "3"), CultureInfo.InvariantCulture));
    }
}
