#:package DuckDB.NET.Data.Full
#:property ManagePackageVersionsCentrally=true
// Runs a query emitted by 'instruments sql' in DuckDB over a CSV of responses, in process (no duckdb CLI needed):
//   dotnet run benchmarks/sql/duckdb-score.cs -- QUERY.sql INPUT.csv [OUTPUT.csv | --table]
// The CSV is read with read_csv(..., all_varchar = true) into a table named 'responses' (every cell as text, as the
// console host reads it); the scored rows go to OUTPUT.csv (COPY ... TO), or the first rows are printed. Timings go to stderr.
using System.Diagnostics;
using DuckDB.NET.Data;

if (args.Length < 2)
{
    Console.Error.WriteLine("usage: dotnet run duckdb-score.cs -- QUERY.sql INPUT.csv [OUTPUT.csv]");
    return 2;
}

static string Literal(string s) => "'" + s.Replace("'", "''") + "'";
var query = File.ReadAllText(args[0]).TrimEnd().TrimEnd(';');
using var connection = new DuckDBConnection("DataSource=:memory:");
connection.Open();
using var command = connection.CreateCommand();
var clock = Stopwatch.StartNew();
command.CommandText = $"CREATE TABLE responses AS SELECT * FROM read_csv({Literal(args[1])}, all_varchar = true)";
command.ExecuteNonQuery();
var load = clock.Elapsed;
clock.Restart();
if (args.Length > 2 && args[2] == "--table")
{
    // Score into an in-memory table (no CSV formatting or writing): the query's own cost.
    command.CommandText = $"CREATE TABLE scored AS {query}";
    command.ExecuteNonQuery();
    Console.Error.WriteLine($"duckdb: load {load.TotalSeconds:F2} s, score into a table {clock.Elapsed.TotalSeconds:F2} s");
    return 0;
}

if (args.Length > 2)
{
    command.CommandText = $"COPY ({query}) TO {Literal(args[2])} (HEADER, DELIMITER ',')";
    var rows = command.ExecuteNonQuery();
    Console.Error.WriteLine($"duckdb: load {load.TotalSeconds:F2} s, score and write {clock.Elapsed.TotalSeconds:F2} s ({rows:N0} rows)");
    return 0;
}

command.CommandText = query;
using var reader = command.ExecuteReader();
Console.WriteLine(string.Join(",", Enumerable.Range(0, reader.FieldCount).Select(reader.GetName)));
while (reader.Read())
{
    Console.WriteLine(string.Join(",", Enumerable.Range(0, reader.FieldCount).Select(c => reader.IsDBNull(c) ? "" : Convert.ToString(reader.GetValue(c), System.Globalization.CultureInfo.InvariantCulture))));
}

return 0;
