#:package DuckDB.NET.Data.Full
#:property ManagePackageVersionsCentrally=true
// Converts a response CSV to Parquet, or counts and checks the rows of a Parquet file, with DuckDB in process (a
// Parquet writer and reader that is not ours):
//   dotnet run benchmarks/parquet/duckdb-parquet.cs -- to-parquet INPUT.csv OUTPUT.parquet [typed|text]
//   dotnet run benchmarks/parquet/duckdb-parquet.cs -- describe FILE.parquet
// 'typed' lets read_csv infer the column types (item columns become BIGINT, empty cells NULL); 'text' keeps every
// cell as VARCHAR. DuckDB writes row groups of about 123,000 rows (81 for 10 M rows), Snappy-compressed.
using DuckDB.NET.Data;

static string Literal(string s) => "'" + s.Replace("'", "''") + "'";
using var connection = new DuckDBConnection("DataSource=:memory:");
connection.Open();
using var command = connection.CreateCommand();
switch (args.FirstOrDefault())
{
    case "to-parquet" when args.Length >= 3:
        var text = args.Length > 3 && args[3] == "text";
        command.CommandText = $"COPY (SELECT * FROM read_csv({Literal(args[1])}{(text ? ", all_varchar = true" : string.Empty)})) TO {Literal(args[2])} (FORMAT parquet)";
        command.ExecuteNonQuery();
        return 0;
    case "describe" when args.Length >= 2:
        command.CommandText = $"SELECT count(*), count(DISTINCT row_group_id) FROM parquet_metadata({Literal(args[1])})";
        using (var reader = command.ExecuteReader())
        {
            reader.Read();
            Console.Error.WriteLine($"column chunks: {reader.GetInt64(0)}, row groups: {reader.GetInt64(1)}");
        }

        command.CommandText = $"SELECT count(*) FROM read_parquet({Literal(args[1])})";
        Console.WriteLine(command.ExecuteScalar());
        command.CommandText = $"DESCRIBE SELECT * FROM read_parquet({Literal(args[1])})";
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                Console.Error.WriteLine($"  {reader.GetString(0)}: {reader.GetString(1)}");
            }
        }

        return 0;
    default:
        Console.Error.WriteLine("usage: dotnet run duckdb-parquet.cs -- to-parquet INPUT.csv OUTPUT.parquet [typed|text] | describe FILE.parquet");
        return 2;
}
