#!/usr/bin/env bash
# 10 M rows scored by the console host, by the emitted SQL in DuckDB (in process) and by the emitted SQL on a two-shard
# ClickHouse cluster (benchmarks/sql/clickhouse.sh; skipped with a note when clickhouse-server is not installed), same
# CSV, one run each.
#   bash benchmarks/sql/run.sh [ROWS]        (default 10000000; the CSV is generated once under $SQL_BENCH_WORK)
# Input: benchmarks/compare/gen.py (WAI-shaped: respondent_id, w1..w12 with 1-5 and ~1% empty) scored with
# benchmarks/compare/wai-shaped.yaml. Both write a CSV file. Timings only; equality is proven by tests/Instruments.Sql.Tests.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
rows="${1:-10000000}"
work="${SQL_BENCH_WORK:-/tmp/instruments-sql-bench}"
mkdir -p "$work"
data="$work/wai-$rows.csv"
yaml=benchmarks/compare/wai-shaped.yaml
[ -f "$data" ] || { echo "run.sh: generating $data" >&2; python3 benchmarks/compare/gen.py "$rows" "$data.tmp" && mv "$data.tmp" "$data"; }

dotnet build hosts/Instruments.Cli -c Release -v quiet -nologo >/dev/null
host="dotnet hosts/Instruments.Cli/bin/Release/net10.0/instruments.dll"
$host sql "$yaml" --dialect duckdb --table responses > "$work/query.sql"
$host sql "$yaml" --dialect clickhouse --table responses > "$work/query-clickhouse.sql"
# Build the DuckDB runner once (Release) so that the timed run does not include a compile.
dotnet build benchmarks/sql/duckdb-score.cs -c Release -v quiet -nologo >/dev/null 2>&1 || true

echo "== console host: score --input $data" >&2
/usr/bin/time -f "host: %e s wall, %M KiB peak RSS" $host score "$yaml" --input "$data" --output "$work/host.csv" --quiet
echo "== DuckDB: read_csv(all_varchar) into a table, then the emitted query, COPY to CSV" >&2
/usr/bin/time -f "duckdb (whole process incl. start-up): %e s wall, %M KiB peak RSS" \
  dotnet run -c Release benchmarks/sql/duckdb-score.cs -- "$work/query.sql" "$data" "$work/sql.csv"
echo "== DuckDB: the same, scored into an in-memory table (no CSV written)" >&2
dotnet run -c Release benchmarks/sql/duckdb-score.cs -- "$work/query.sql" "$data" --table
echo "rows: host $(($(wc -l < "$work/host.csv") - 1)), duckdb $(($(wc -l < "$work/sql.csv") - 1))" >&2
if [ -x /usr/sbin/clickhouse-server ]; then
  echo "== ClickHouse 18.16, two shards (two local servers): load the CSV, then the emitted query through the Distributed table" >&2
  /usr/bin/time -f "clickhouse (whole script incl. server start-up): %e s wall" bash benchmarks/sql/clickhouse.sh "$work/query-clickhouse.sql" "$data"
else
  echo "== ClickHouse: skipped (/usr/sbin/clickhouse-server not installed; apt-get install clickhouse-server)" >&2
fi
