using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Instruments.Scoring;
using Npgsql;

namespace Instruments.Sql.Tests;

/// <summary>
/// A real PostgreSQL 15 server for the tests: <c>initdb</c> into a temporary folder (as the <c>postgres</c> user when the
/// tests run as root, since the server refuses root), started on a free loopback port with its socket in that folder,
/// stopped and deleted after. The binaries come from Debian's <c>postgresql</c> package (.ci/run installs it).
/// </summary>
public sealed class PostgreSqlServer : IDisposable
{
    private readonly string _bin;
    private readonly string _data;
    private readonly bool _asPostgres;

    public PostgreSqlServer()
    {
        _bin = FindBin() ?? throw new InvalidOperationException(
            "PostgreSQL 15 binaries not found (/usr/lib/postgresql/15/bin): install Debian's 'postgresql' package (.ci/run does)");
        _asPostgres = Environment.UserName == "root";
        _data = Directory.CreateTempSubdirectory("instruments-pg-").FullName;
        if (_asPostgres)
        {
            Run("chown", "postgres:postgres", _data);
        }

        Port = FreePort();
        Pg("initdb", "-D", _data, "-A", "trust", "-U", "postgres", "-E", "UTF8", "--locale=C", "--no-sync");
        Pg("pg_ctl", "-D", _data, "-w", "-t", "60", "-l", Path.Combine(_data, "server.log"), "-o",
            $"-p {Port} -k {_data} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off", "start");
        ConnectionString = $"Host=127.0.0.1;Port={Port};Username=postgres;Database=postgres;Pooling=false;Command Timeout=300";
    }

    public int Port { get; }

    public string ConnectionString { get; }

    public void Dispose()
    {
        try
        {
            Pg("pg_ctl", "-D", _data, "-m", "immediate", "-w", "stop");
        }
        finally
        {
            Directory.Delete(_data, recursive: true);
        }
    }

    private static string? FindBin() =>
        new[] { "/usr/lib/postgresql/15/bin" }.FirstOrDefault(d => File.Exists(Path.Combine(d, "initdb")));

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private void Pg(string tool, params string[] args)
    {
        var path = Path.Combine(_bin, tool);
        if (_asPostgres)
        {
            Run("runuser", ["-u", "postgres", "--", path, .. args]);
        }
        else
        {
            Run(path, args);
        }
    }

    private static void Run(string file, params string[] args)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(120_000))
        {
            process.Kill(entireProcessTree: true);
            throw new InvalidOperationException($"{file} timed out");
        }

        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', args)} failed ({process.ExitCode}): {stdout.Result}{stderr.Result}");
        }
    }
}

/// <summary>
/// The emitted PostgreSQL query against the engine on a real server: the same generated rows and cell-by-cell comparison
/// as <see cref="DuckDbDifferentialTests"/>, for every shipped instrument and the synthetic one.
/// </summary>
public sealed class PostgreSqlDifferentialTests(PostgreSqlServer server) : ServerDifferentialTests, IClassFixture<PostgreSqlServer>
{

    protected override List<Dictionary<string, object?>> Rows(ScoringPlan plan, List<string> columns, List<string?[]> data)
    {
        var emitted = SqlEmitter.Emit(plan, new SqlEmitOptions { Dialect = SqlDialect.PostgreSql, Table = "responses" });
        Assert.True(emitted.Query is not null, string.Join("\n", emitted.Diagnostics));
        return Rows(server, emitted.Query!, columns, data);
    }

    /// <summary>The rows of <paramref name="query"/> over a PostgreSQL table 'responses' of the text cells (binary COPY), ordered by 'rid'.</summary>
    internal static List<Dictionary<string, object?>> Rows(PostgreSqlServer server, string query, List<string> columns, List<string?[]> data)
    {
        using var connection = new NpgsqlConnection(server.ConnectionString);
        connection.Open();
        using (var create = connection.CreateCommand())
        {
            create.CommandText = "DROP TABLE IF EXISTS responses; CREATE TABLE responses (" + string.Join(", ", columns.Select(c => "\"" + c + "\" TEXT")) + ")";
            create.ExecuteNonQuery();
        }

        using (var writer = connection.BeginBinaryImport("COPY responses FROM STDIN (FORMAT BINARY)"))
        {
            foreach (var row in data)
            {
                writer.StartRow();
                foreach (var cell in row)
                {
                    if (cell is null)
                    {
                        writer.WriteNull();
                    }
                    else
                    {
                        writer.Write(cell, NpgsqlTypes.NpgsqlDbType.Text);
                    }
                }
            }

            writer.Complete();
        }

        using var command = connection.CreateCommand();
        command.CommandText = "SELECT * FROM (" + query.TrimEnd().TrimEnd(';') + "\n) AS scored ORDER BY rid";
        using var result = command.ExecuteReader();
        return Differential.ReadRows(result);
    }
}
