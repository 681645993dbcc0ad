using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Instruments.Scoring;

namespace Instruments.Sql.Tests;

/// <summary>
/// A real two-shard ClickHouse cluster for the tests: two <c>clickhouse-server</c> processes (Debian's
/// <c>clickhouse-server</c> package, 18.16; .ci/run installs it) on free loopback ports, each with its own data, tmp and
/// user_files folders under one temporary folder, and a generated <c>remote_servers</c> entry <c>instruments</c> (two
/// shards, one replica each, pointing to the two TCP ports). Queries go through the HTTP interface with plain
/// <see cref="HttpClient"/> and <c>TabSeparated</c> formats, no client library (the one served, ClickHouse.Driver 1.5.0, is
/// written for current servers and was not tried against 18.16; the HTTP interface needs no dependency). Both servers are
/// stopped and the folder deleted after. When the binary is missing the fixture fails with a message, as
/// <see cref="PostgreSqlServer"/> does: the tests never skip silently. 18.16 runs as root, so the servers run as the
/// current user (no <c>runuser</c> needed, unlike PostgreSQL).
/// </summary>
public sealed class ClickHouseCluster : IDisposable
{
    public const string Cluster = "instruments";
    private const string Binary = "/usr/sbin/clickhouse-server";
    private readonly string _root;
    private readonly List<Process> _servers = [];
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromMinutes(10) };

    public ClickHouseCluster()
    {
        if (!File.Exists(Binary))
        {
            throw new InvalidOperationException(
                $"ClickHouse server binary not found ({Binary}): install Debian's 'clickhouse-server' package (.ci/run does)");
        }

        _root = Directory.CreateTempSubdirectory("instruments-ch-").FullName;
        var ports = FreePorts(4);
        TcpPorts = [ports[0], ports[1]];
        HttpPorts = [ports[2], ports[3]];
        try
        {
            for (var shard = 0; shard < 2; shard++)
            {
                var dir = Path.Combine(_root, "shard" + (shard + 1).ToString(CultureInfo.InvariantCulture));
                foreach (var sub in new[] { "data", "tmp", "user_files", "log" })
                {
                    Directory.CreateDirectory(Path.Combine(dir, sub));
                }

                File.WriteAllText(Path.Combine(dir, "config.xml"), Config(dir, HttpPorts[shard], TcpPorts[shard]));
                File.WriteAllText(Path.Combine(dir, "users.xml"), Users);
                var start = new ProcessStartInfo(Binary) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
                start.ArgumentList.Add("--config-file=" + Path.Combine(dir, "config.xml"));
                var process = Process.Start(start)!;
                process.OutputDataReceived += (_, _) => { };
                process.ErrorDataReceived += (_, _) => { };
                process.BeginOutputReadLine();
                process.BeginErrorReadLine();
                _servers.Add(process);
            }

            for (var shard = 0; shard < 2; shard++)
            {
                WaitReady(shard);
            }
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>The TCP (native protocol) ports of shard 1 and shard 2, as in <c>remote_servers</c>.</summary>
    public int[] TcpPorts { get; }

    /// <summary>The HTTP ports of shard 1 and shard 2.</summary>
    public int[] HttpPorts { get; }

    /// <summary>Runs a statement on a shard (0 or 1); the answer's text (an error is an exception with the server's message).</summary>
    public string Query(int shard, string sql, string? data = null)
    {
        var url = $"http://127.0.0.1:{HttpPorts[shard]}/";
        using var content = new StringContent(data ?? sql, Encoding.UTF8);
        if (data is not null)
        {
            url += "?query=" + Uri.EscapeDataString(sql);
        }

        using var response = _http.PostAsync(url, content).GetAwaiter().GetResult();
        var text = response.Content.ReadAsStringAsync().GetAwaiter().GetResult();
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"ClickHouse (shard {shard + 1}) answered {(int)response.StatusCode}: {text}");
        }

        return text;
    }

    public void Dispose()
    {
        foreach (var process in _servers)
        {
            try
            {
                if (!process.HasExited)
                {
                    process.Kill(entireProcessTree: true);
                    process.WaitForExit(30_000);
                }
            }
            catch (InvalidOperationException)
            {
                // Already gone.
            }

            process.Dispose();
        }

        _servers.Clear();
        _http.Dispose();
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    private string Config(string dir, int http, int tcp) => $"""
        <?xml version="1.0"?>
        <yandex>
          <logger><level>warning</level><log>{dir}/log/server.log</log><errorlog>{dir}/log/error.log</errorlog><size>10M</size><count>1</count></logger>
          <http_port>{http}</http_port>
          <tcp_port>{tcp}</tcp_port>
          <listen_host>127.0.0.1</listen_host>
          <path>{dir}/data/</path>
          <tmp_path>{dir}/tmp/</tmp_path>
          <user_files_path>{dir}/user_files/</user_files_path>
          <users_config>{dir}/users.xml</users_config>
          <default_profile>default</default_profile>
          <default_database>default</default_database>
          <mark_cache_size>268435456</mark_cache_size>
          <timezone>UTC</timezone>
          <remote_servers>
            <{Cluster}>
              <shard><replica><host>127.0.0.1</host><port>{TcpPorts[0]}</port></replica></shard>
              <shard><replica><host>127.0.0.1</host><port>{TcpPorts[1]}</port></replica></shard>
            </{Cluster}>
          </remote_servers>
        </yandex>
        """;

    // The emitted query of a large instrument is longer than the default max_query_size (256 KiB) and has more AST
    // elements than the default limits; a real deployment raises these the same way (docs/scale.md).
    private const string Users = """
        <?xml version="1.0"?>
        <yandex>
          <profiles><default>
            <max_memory_usage>4000000000</max_memory_usage>
            <max_query_size>16777216</max_query_size>
            <max_ast_elements>10000000</max_ast_elements>
            <max_expanded_ast_elements>10000000</max_expanded_ast_elements>
          </default></profiles>
          <users><default><password></password><networks><ip>127.0.0.1</ip></networks><profile>default</profile><quota>default</quota></default></users>
          <quotas><default></default></quotas>
        </yandex>
        """;

    private void WaitReady(int shard)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            if (_servers[shard].HasExited)
            {
                throw new InvalidOperationException($"clickhouse-server (shard {shard + 1}) exited with {_servers[shard].ExitCode}: {Log(shard)}");
            }

            try
            {
                if (Query(shard, "SELECT 1").Trim() == "1")
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new InvalidOperationException($"clickhouse-server (shard {shard + 1}) did not answer within 60 s: {Log(shard)}");
            }

            Thread.Sleep(200);
        }
    }

    private string Log(int shard)
    {
        var file = Path.Combine(_root, "shard" + (shard + 1).ToString(CultureInfo.InvariantCulture), "log", "error.log");
        return File.Exists(file) ? File.ReadAllText(file) : "(no error log)";
    }

    private static int[] FreePorts(int count)
    {
        var listeners = Enumerable.Range(0, count).Select(_ => new TcpListener(IPAddress.Loopback, 0)).ToList();
        try
        {
            listeners.ForEach(l => l.Start());
            return [.. listeners.Select(l => ((IPEndPoint)l.LocalEndpoint).Port)];
        }
        finally
        {
            listeners.ForEach(l => l.Stop());
        }
    }
}

/// <summary>
/// The emitted ClickHouse query against the engine on a real two-shard cluster: the generated rows (as in
/// <see cref="DuckDbDifferentialTests"/>) are split over the two shards' local tables, the query runs once against the
/// <c>Distributed</c> table over them (each shard scores its own rows), and every cell is compared with the engine's CSV
/// output for the same rows, for every shipped instrument and the synthetic one. Distributed results come back in no
/// order: the test appends <c>ORDER BY rid</c> (the generated row number) to the emitted query.
/// </summary>
public sealed class ClickHouseDifferentialTests(ClickHouseCluster cluster) : ServerDifferentialTests, IClassFixture<ClickHouseCluster>
{

    /// <summary>
    /// The deployment that scores on the shards (docs/scale.md): the query over each shard's local table as a view on
    /// every shard, and a <c>Distributed</c> table over the views. (Through a <c>Distributed</c> table of responses, only the
    /// innermost stage runs on the shards; the outer stages run on the server that was asked.)
    /// </summary>
    [Fact]
    public void SyntheticInstrument_AsAViewOnEveryShard_MatchesTheEngine()
    {
        var plan = DuckDbDifferentialTests.Compile(Synthetic.Yaml, "synthetic.yaml");
        Differential.Run(plan, seed: 4242, rows: 3000, backend: (p, c, d) => Rows(p, c, d, viaViews: true)).AssertCovered(plan);
    }

    /// <summary>
    /// ClickHouse's own float parsing is not correctly rounded, so the query reads numbers from their digits: every
    /// halfway point between an integer and its neighbouring doubles (exactly on it, and 1e-60 either side), in every
    /// binade of the scale, reads as .NET reads it (an option, a missing code, or a number that is neither).
    /// </summary>
    [Fact]
    public void NumberText_AtEveryHalfwayPointAroundTheIntegers_ReadsAsTheEngine()
    {
        var plan = DuckDbDifferentialTests.Compile("""
            instrument: digits
            version: 1.0.0
            title: number reading test instrument
            license: { name: test, texts: restricted }
            missing_codes: [-99]
            response_scales:
              wide: { options: [ { value: 0, label: a }, { value: 1, label: b }, { value: 2, label: c }, { value: 3, label: d }, { value: 4, label: e }, { value: 7, label: f }, { value: 8, label: g }, { value: 15, label: h }, { value: 16, label: i }, { value: 99, label: j } ] }
            items:
              - { id: x, scale: wide }
            scores:
              - { id: total, items: [x], method: sum }
            """, "digits.yaml");
        var texts = new List<string>();
        var tiny = System.Numerics.BigInteger.Pow(10, 60);
        foreach (var k in new long[] { 0, 1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 98, 99, 100, -1, -99, -100 })
        {
            var magnitude = Math.Abs(k);
            // Half a unit in the last place above |k| and below it (2^(e-53), e the binade; 2^-54 below 1; 2^-1075 above 0).
            var e = magnitude == 0 ? -1075 + 53 : (int)Math.Floor(Math.Log2(magnitude));
            var eBelow = magnitude == 0 ? -1075 + 53 : (int)Math.Floor(Math.Log2(magnitude - 0.5));
            foreach (var (sign, exponent) in new[] { (1, e - 53), (-1, magnitude == 1 ? -54 : eBelow - 53) })
            {
                if (magnitude == 0 && sign < 0)
                {
                    continue;
                }

                // |k| + sign * 2^exponent, exactly, then 1e-60 either side, as decimal text.
                var scale = System.Numerics.BigInteger.Pow(10, -exponent + 60);
                var at = magnitude * scale + sign * System.Numerics.BigInteger.Pow(5, -exponent) * System.Numerics.BigInteger.Pow(10, 60);
                foreach (var v in new[] { at, at - scale / tiny, at + scale / tiny })
                {
                    var digits = v.ToString(CultureInfo.InvariantCulture).PadLeft(-exponent + 61, '0');
                    var text = digits[..^(-exponent + 60)] + "." + digits[^(-exponent + 60)..];
                    texts.Add((k < 0 ? "-" : string.Empty) + text);
                }
            }
        }

        texts.AddRange(["57.99999999999999644728632084422767336904378542414892333924439360437474988430039", "2.81233956478", "-0", "-0.0", "099", "99.000", ".9999999999999999999", "16.000000000000001776356839400250464677810668945312"]);
        var columns = new List<string> { "rid", "x" };
        var data = texts.Select((t, i) => new string?[] { i.ToString("D6", CultureInfo.InvariantCulture), t }).ToList();
        var csv = new StringBuilder("rid,x\n");
        foreach (var row in data)
        {
            csv.Append(row[0]).Append(",\"").Append(row[1]).Append("\"\n");
        }

        var engine = Differential.EngineCsv(plan, Encoding.UTF8.GetBytes(csv.ToString()));
        var sql = Rows(plan, columns, data);
        Assert.Equal(data.Count, sql.Count);
        var kinds = new HashSet<string>(StringComparer.Ordinal);
        for (var r = 0; r < data.Count; r++)
        {
            for (var c = 0; c < engine.Header.Length; c++)
            {
                Differential.CompareCell(engine.Header[c], engine.Rows[r][c], sql[r][engine.Header[c]], r, data[r], columns);
            }

            kinds.Add(engine.Rows[r][Array.IndexOf(engine.Header, "status")] + ":" + engine.Rows[r][Array.IndexOf(engine.Header, "diagnostics")].Split(':')[0]);
        }

        // Options, missing codes and numbers that are neither were all met.
        Assert.Contains("complete:", kinds);
        Assert.Contains("partial:RSP2006", kinds);
        Assert.Contains("invalid:RSP2001", kinds);
    }

    protected override List<Dictionary<string, object?>> Rows(ScoringPlan plan, List<string> columns, List<string?[]> data) => Rows(plan, columns, data, viaViews: false);

    private List<Dictionary<string, object?>> Rows(ScoringPlan plan, List<string> columns, List<string?[]> data, bool viaViews)
    {
        var emitted = SqlEmitter.Emit(plan, new SqlEmitOptions { Dialect = SqlDialect.ClickHouse, Table = viaViews ? "responses_local" : "responses" });
        Assert.True(emitted.Query is not null, string.Join("\n", emitted.Diagnostics));
        return Rows(cluster, emitted.Query!, columns, data, viaViews);
    }

    /// <summary>
    /// Puts the rows on the cluster (odd rows on shard 1, even rows on shard 2) and runs <paramref name="query"/>
    /// (over <c>responses</c>, the Distributed table; or, <paramref name="viaViews"/>, over <c>responses_local</c> as a
    /// view on every shard, through a Distributed table of the views), ordered by <c>rid</c>.
    /// </summary>
    internal static List<Dictionary<string, object?>> Rows(ClickHouseCluster cluster, string query, List<string> columns, List<string?[]> data, bool viaViews)
    {
        var columnList = string.Join(", ", columns.Select(c => "`" + c + "` Nullable(String)"));
        for (var shard = 0; shard < 2; shard++)
        {
            cluster.Query(shard, "DROP TABLE IF EXISTS responses");
            cluster.Query(shard, "DROP TABLE IF EXISTS scored");
            cluster.Query(shard, "DROP TABLE IF EXISTS scored_local");
            cluster.Query(shard, "DROP TABLE IF EXISTS responses_local");
            cluster.Query(shard, $"CREATE TABLE responses_local ({columnList}) ENGINE = Log");
            // Odd rows on shard 1, even rows on shard 2.
            var tsv = new StringBuilder();
            for (var r = shard; r < data.Count; r += 2)
            {
                tsv.Append(string.Join('\t', data[r].Select(Tsv))).Append('\n');
            }

            cluster.Query(shard, "INSERT INTO responses_local FORMAT TabSeparated", tsv.ToString());
            Assert.Equal((data.Count + 1 - shard) / 2, int.Parse(cluster.Query(shard, "SELECT count() FROM responses_local").Trim(), CultureInfo.InvariantCulture));
        }

        if (viaViews)
        {
            for (var shard = 0; shard < 2; shard++)
            {
                cluster.Query(shard, "CREATE VIEW scored_local AS\n" + query.TrimEnd().TrimEnd(';'));
            }

            cluster.Query(0, $"CREATE TABLE scored AS scored_local ENGINE = Distributed({ClickHouseCluster.Cluster}, default, scored_local)");
            return Parse(cluster.Query(0, "SELECT * FROM scored ORDER BY `rid` FORMAT TabSeparatedWithNamesAndTypes"));
        }

        cluster.Query(0, $"CREATE TABLE responses AS responses_local ENGINE = Distributed({ClickHouseCluster.Cluster}, default, responses_local)");
        var answer = cluster.Query(0, query.TrimEnd().TrimEnd(';') + "\nORDER BY `rid`\nFORMAT TabSeparatedWithNamesAndTypes");
        return Parse(answer);
    }

    private static string Tsv(string? cell) => cell is null
        ? "\\N"
        : cell.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\t", "\\t", StringComparison.Ordinal)
            .Replace("\n", "\\n", StringComparison.Ordinal).Replace("\r", "\\r", StringComparison.Ordinal);

    /// <summary>TabSeparatedWithNamesAndTypes: doubles as doubles, the 0/1 of the <c>_prorated</c> and <c>flag_</c> columns (a protocol's <c>phq-9.flag_</c> too) as booleans.</summary>
    internal static List<Dictionary<string, object?>> Parse(string answer)
    {
        var lines = answer.Split('\n');
        var names = lines[0].Split('\t').Select(Unescape).ToArray();
        var types = lines[1].Split('\t');
        var rows = new List<Dictionary<string, object?>>();
        foreach (var line in lines.Skip(2).Where(l => l.Length > 0))
        {
            var cells = line.Split('\t');
            var row = new Dictionary<string, object?>(StringComparer.Ordinal);
            for (var c = 0; c < names.Length; c++)
            {
                var name = names[c];
                var type = types[c];
                row[name] = cells[c] == "\\N" ? null
                    : type.Contains("Float64", StringComparison.Ordinal) ? double.Parse(cells[c], CultureInfo.InvariantCulture)
                    : type.Contains("UInt8", StringComparison.Ordinal) && (name.EndsWith("_prorated", StringComparison.Ordinal) || name[(name.LastIndexOf('.') + 1)..].StartsWith("flag_", StringComparison.Ordinal)) ? cells[c] == "1"
                    : Unescape(cells[c]);
            }

            rows.Add(row);
        }

        return rows;
    }

    private static string Unescape(string cell)
    {
        if (!cell.Contains('\\', StringComparison.Ordinal))
        {
            return cell;
        }

        var b = new StringBuilder();
        for (var i = 0; i < cell.Length; i++)
        {
            if (cell[i] == '\\' && i + 1 < cell.Length)
            {
                i++;
                b.Append(cell[i] switch { 't' => '\t', 'n' => '\n', 'r' => '\r', '0' => '\0', 'b' => '\b', 'f' => '\f', _ => cell[i] });
            }
            else
            {
                b.Append(cell[i]);
            }
        }

        return b.ToString();
    }
}

/// <summary>
/// Protocols in ClickHouse: the protocol query (every instrument's stages side by side, nested as subqueries) on the
/// two-shard cluster through the Distributed table, against the engine's protocol CSV, as ProtocolPostgreSqlTests.
/// </summary>
public sealed class ProtocolClickHouseTests(ClickHouseCluster cluster) : IClassFixture<ClickHouseCluster>
{
    [Theory]
    [MemberData(nameof(ProtocolDifferential.ShippedProtocols), MemberType = typeof(ProtocolDifferential))]
    public void ShippedProtocol_SqlInClickHouseCluster_MatchesTheEngineCellByCell(string path)
    {
        var protocol = ProtocolDifferential.Shipped(path);
        ProtocolDifferential.Run(protocol, SqlDialect.ClickHouse, seed: path.Length * 7919, rows: 3000,
            (query, columns, data) => ClickHouseDifferentialTests.Rows(cluster, query, columns, data, viaViews: false)).AssertCovered();
    }

    [Fact]
    public void TestProtocol_WithRoundingKeptAndOptionalItems_MatchesTheEngineCellByCell()
    {
        var protocol = ProtocolDifferential.Compile(ProtocolDifferential.SyntheticProtocol, "synthetic-and-phq.yaml");
        ProtocolDifferential.Run(protocol, SqlDialect.ClickHouse, seed: 4242, rows: 4000,
            (query, columns, data) => ClickHouseDifferentialTests.Rows(cluster, query, columns, data, viaViews: false)).AssertCovered();
    }
}
