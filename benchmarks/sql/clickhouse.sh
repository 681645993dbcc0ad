#!/usr/bin/env bash
# The emitted ClickHouse query on a two-shard cluster of two local clickhouse-server processes (as the tests start it).
#   bash benchmarks/sql/clickhouse.sh QUERY.sql DATA.csv
# QUERY.sql is `instruments sql <instrument> --dialect clickhouse --table responses`; DATA.csv has a header row.
# Starts two servers on free loopback ports (generated config under a temporary folder, remote_servers 'instruments':
# two shards, one replica each), loads the CSV's odd data rows into shard 1's local table and the even ones into
# shard 2's (Log engine, Nullable(String) columns), creates the Distributed table 'responses' over them, runs the query
# through it once with FORMAT Null (every output column computed and streamed to the client, then discarded) and once
# as INSERT INTO a Log table on shard 1 (the scored rows kept), prints the times, stops both servers, deletes the folder.
set -euo pipefail
query="$1"
data="$2"
server=/usr/sbin/clickhouse-server
[ -x "$server" ] || { echo "clickhouse.sh: $server not found: apt-get install clickhouse-server" >&2; exit 1; }
root=$(mktemp -d /tmp/instruments-ch-bench.XXXXXX)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$root"; }
trap cleanup EXIT
read -r t1 t2 h1 h2 < <(python3 -c 'import socket
s=[socket.socket() for _ in range(4)]
[x.bind(("127.0.0.1",0)) for x in s]
print(*[x.getsockname()[1] for x in s])
[x.close() for x in s]')
for i in 1 2; do
  d="$root/shard$i"; mkdir -p "$d"/{data,tmp,user_files,log}
  if [ $i = 1 ]; then http=$h1; tcp=$t1; else http=$h2; tcp=$t2; fi
  cat > "$d/config.xml" <<XML
<?xml version="1.0"?>
<yandex>
  <logger><level>warning</level><log>$d/log/server.log</log><errorlog>$d/log/error.log</errorlog><size>10M</size><count>1</count></logger>
  <http_port>$http</http_port><tcp_port>$tcp</tcp_port><listen_host>127.0.0.1</listen_host>
  <path>$d/data/</path><tmp_path>$d/tmp/</tmp_path><user_files_path>$d/user_files/</user_files_path>
  <users_config>$d/users.xml</users_config><default_profile>default</default_profile><default_database>default</default_database>
  <mark_cache_size>268435456</mark_cache_size><timezone>UTC</timezone>
  <remote_servers><instruments>
    <shard><replica><host>127.0.0.1</host><port>$t1</port></replica></shard>
    <shard><replica><host>127.0.0.1</host><port>$t2</port></replica></shard>
  </instruments></remote_servers>
</yandex>
XML
  cat > "$d/users.xml" <<'XML'
<?xml version="1.0"?>
<yandex>
  <profiles><default><max_memory_usage>4000000000</max_memory_usage><max_query_size>16777216</max_query_size></default></profiles>
  <users><default><password></password><networks><ip>127.0.0.1</ip></networks><profile>default</profile><quota>default</quota></default></users>
  <quotas><default></default></quotas>
</yandex>
XML
  "$server" --config-file="$d/config.xml" >"$d/log/stdout.log" 2>&1 &
  pids+=($!)
done
ch() { local port=$1; shift; curl -sS --fail-with-body --data-binary @- "http://127.0.0.1:$port/?$*"; }
for port in $h1 $h2; do
  for _ in $(seq 1 300); do curl -s "http://127.0.0.1:$port/" >/dev/null 2>&1 && break; sleep 0.2; done
done
header=$(head -1 "$data")
columns=$(echo "$header" | tr -d '\r' | awk -F, '{for(i=1;i<=NF;i++) printf "%s`%s` Nullable(String)", (i>1?", ":""), $i}')
for port in $h1 $h2; do echo "CREATE TABLE responses_local ($columns) ENGINE = Log" | ch "$port"; done
echo "CREATE TABLE responses AS responses_local ENGINE = Distributed(instruments, default, responses_local)" | ch "$h1"

start=$(date +%s.%N)
tail -n +2 "$data" | awk 'NR % 2 == 1' | ch "$h1" "query=INSERT%20INTO%20responses_local%20FORMAT%20CSV" &
l1=$!
tail -n +2 "$data" | awk 'NR % 2 == 0' | ch "$h2" "query=INSERT%20INTO%20responses_local%20FORMAT%20CSV" &
l2=$!
wait $l1 $l2
loaded=$(date +%s.%N)
n1=$(echo "SELECT count() FROM responses_local" | ch "$h1"); n2=$(echo "SELECT count() FROM responses_local" | ch "$h2")
printf 'clickhouse load (CSV over HTTP into both shards, in parallel): %.1f s (shard 1 %s rows, shard 2 %s rows)\n' "$(echo "$loaded - $start" | bc)" "$n1" "$n2"

body=$(sed -e 's/;[[:space:]]*$//' "$query")
start=$(date +%s.%N)
printf '%s\nFORMAT Null' "$body" | ch "$h1"
done_at=$(date +%s.%N)
printf 'clickhouse query through the Distributed table, FORMAT Null (computed, streamed, discarded): %.1f s\n' "$(echo "$done_at - $start" | bc)"

start=$(date +%s.%N)
printf 'CREATE TABLE scored ENGINE = Log AS\n%s' "$body" | ch "$h1"
done_at=$(date +%s.%N)
printf 'clickhouse query through the Distributed table into a Log table on shard 1: %.1f s (%s rows)\n' "$(echo "$done_at - $start" | bc)" \
  "$(echo "SELECT count() FROM scored" | ch "$h1")"
