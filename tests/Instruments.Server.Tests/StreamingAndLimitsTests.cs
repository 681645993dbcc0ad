using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Instruments.Server.Tests;

public sealed class StreamingAndLimitsTests
{
    private static string SwlsRow(int i) => $"{{\"respondent_id\":\"r{i}\",\"swls1\":5,\"swls2\":5,\"swls3\":5,\"swls4\":5,\"swls5\":{1 + (i % 7)}}}\n";

    [Fact]
    public async Task Score_Ndjson_StreamsRowsOut_BeforeTheRequestHasFinishedSending()
    {
        using var service = new ServiceFactory();
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        // 10,000 rows (about 700 KB: more than two of the pipeline's blocks), then the body waits until the test has
        // read a scored row: a service that buffered the request or the answer would never answer, and the read times out.
        var content = new RowContent(SwlsRow, rowsBeforeGate: 10_000, rowsAfterGate: 50, gate.Task);
        var request = new HttpRequestMessage(HttpMethod.Post, "/instruments/swls/score") { Content = content };
        using var response = await service.Client().SendAsync(request, HttpCompletionOption.ResponseHeadersRead).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/x-ndjson", response.Content.Headers.ContentType?.MediaType);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        var first = await reader.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(30));
        Assert.False(content.Finished, "the first row was answered only after the whole body was sent");
        Assert.Equal("r0", JsonDocument.Parse(first!).RootElement.GetProperty("fields").GetProperty("respondent_id").GetString());
        gate.SetResult();
        var count = 1;
        while (await reader.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(30)) is { } line)
        {
            Assert.Contains($"\"row\":{count + 1},", line, StringComparison.Ordinal);
            count++;
        }

        Assert.Equal(10_050, count);
    }

    [Fact]
    public async Task Score_ClientGoesAway_ServiceStopsReadingAndScoring()
    {
        using var service = new ServiceFactory();
        var content = new RowContent(SwlsRow, rowsBeforeGate: int.MaxValue, rowsAfterGate: 0, Task.CompletedTask);
        using var cancel = new CancellationTokenSource();
        var request = new HttpRequestMessage(HttpMethod.Post, "/instruments/swls/score") { Content = content };
        var response = await service.Client().SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancel.Token).WaitAsync(TimeSpan.FromSeconds(30));
        var stream = await response.Content.ReadAsStreamAsync(cancel.Token);
        using (var reader = new StreamReader(stream))
        {
            Assert.NotNull(await reader.ReadLineAsync(cancel.Token).AsTask().WaitAsync(TimeSpan.FromSeconds(30)));
        }

        Assert.False(content.Finished);
        cancel.Cancel();
        response.Dispose();
        // Once the request is aborted the service stops taking the body: the endless body stops moving.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        long before;
        do
        {
            before = content.Rows;
            await Task.Delay(1000);
        }
        while (content.Rows != before && DateTime.UtcNow < deadline);
        Assert.Equal(before, content.Rows);
        Assert.True(content.Rows < 5_000_000, $"{content.Rows} rows sent");
    }

    [Fact]
    public async Task Score_ClientGoesAway_CancelsTheScoring_BeforeTheInputEnds()
    {
        // The whole body is sent (so the input never fails): only the request's cancellation can stop the pipeline early.
        using var service = new ServiceFactory();
        const int Total = 400_000;
        var body = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Range(0, Total).Select(SwlsRow)));
        using var cancel = new CancellationTokenSource();
        var request = new HttpRequestMessage(HttpMethod.Post, "/instruments/swls/score") { Content = ScoreEndpointTests.Body(body, "application/x-ndjson") };
        var response = await service.Client().SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancel.Token).WaitAsync(TimeSpan.FromSeconds(30));
        using (var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cancel.Token)))
        {
            Assert.NotNull(await reader.ReadLineAsync(cancel.Token).AsTask().WaitAsync(TimeSpan.FromSeconds(30)));
        }

        cancel.Cancel();
        response.Dispose();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        string? line = null;
        while (DateTime.UtcNow < deadline && (line = service.Logs.FirstOrDefault(l => l.StartsWith("Scoring 'swls' cancelled", StringComparison.Ordinal))) is null)
        {
            await Task.Delay(100);
        }

        Assert.NotNull(line);
        var rows = long.Parse(line!.Split(" after ")[1].Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(rows < Total, line);
    }

    [Fact]
    public async Task RSP2061_BodyOverTheLimit_Is413_WithOrWithoutContentLength()
    {
        using var service = new ServiceFactory(new Dictionary<string, string?> { ["Instruments:MaxRequestBodyBytes"] = "10000" });
        var client = service.Client();
        var body = string.Concat(Enumerable.Range(0, 500).Select(SwlsRow));
        Assert.True(Encoding.UTF8.GetByteCount(body) > 10_000);

        var sized = ScoreEndpointTests.Body(body, "application/x-ndjson");
        await Problem.AssertAsync(await client.PostAsync("/instruments/swls/score", sized), HttpStatusCode.RequestEntityTooLarge, "RSP2061", "The request body is larger than the limit of 10000 bytes");

        var chunked = new RowContent(SwlsRow, rowsBeforeGate: 500, rowsAfterGate: 0, Task.CompletedTask);
        await Problem.AssertAsync(await client.PostAsync("/instruments/swls/score", chunked), HttpStatusCode.RequestEntityTooLarge, "RSP2061");

        // Under the limit, the same service scores.
        var small = ScoreEndpointTests.Body(string.Concat(Enumerable.Range(0, 5).Select(SwlsRow)), "application/x-ndjson");
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsync("/instruments/swls/score", small)).StatusCode);
    }

    [Fact]
    public async Task RSP2062_RequestOverTheTimeLimit_Is503()
    {
        using var service = new ServiceFactory(new Dictionary<string, string?> { ["Instruments:RequestTimeoutSeconds"] = "1" });
        var client = service.Client();
        await client.GetAsync("/instruments"); // the library loads outside the timed request
        // A CSV header, then nothing for a long while: the reader waits, the time limit stops it.
        var stalled = new RowContent(_ => "", rowsBeforeGate: 0, rowsAfterGate: 0, Task.Delay(TimeSpan.FromSeconds(30)), "respondent_id,swls1,swls2,swls3,swls4,swls5\n", "text/csv");
        var r = await client.PostAsync("/instruments/swls/score", stalled).WaitAsync(TimeSpan.FromSeconds(20));
        await Problem.AssertAsync(r, HttpStatusCode.ServiceUnavailable, "RSP2062", "The request did not finish within 1 seconds");
    }

    /// <summary>A chunked body (no Content-Length) of generated rows, optionally pausing until a gate opens.</summary>
    private sealed class RowContent : HttpContent
    {
        private readonly Func<int, string> _row;
        private readonly int _before;
        private readonly int _after;
        private readonly Task _gate;
        private readonly string _prefix;
        private long _rows;

        public RowContent(Func<int, string> row, int rowsBeforeGate, int rowsAfterGate, Task gate, string prefix = "", string mediaType = "application/x-ndjson")
        {
            (_row, _before, _after, _gate, _prefix) = (row, rowsBeforeGate, rowsAfterGate, gate, prefix);
            Headers.ContentType = new MediaTypeHeaderValue(mediaType);
        }

        public bool Finished { get; private set; }

        public long Rows => Interlocked.Read(ref _rows);

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            await stream.WriteAsync(Encoding.UTF8.GetBytes(_prefix));
            var batch = new StringBuilder();
            for (var i = 0; i < _before; i++)
            {
                batch.Append(_row(i));
                if (batch.Length > 16 * 1024)
                {
                    await stream.WriteAsync(Encoding.UTF8.GetBytes(batch.ToString()));
                    batch.Clear();
                }

                Interlocked.Increment(ref _rows);
            }

            await stream.WriteAsync(Encoding.UTF8.GetBytes(batch.ToString()));
            await stream.FlushAsync();
            await _gate;
            for (var i = _before; i < _before + _after; i++)
            {
                await stream.WriteAsync(Encoding.UTF8.GetBytes(_row(i)));
                Interlocked.Increment(ref _rows);
            }

            Finished = true;
        }

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }
}
