#!/usr/bin/env bash
# `instruments track` against pandas (track.py, groupby) on the same deterministic course files (gen_track.py):
# N clients x K sessions of PHQ-9 + GAD-7, CSV to CSV, whole process, in grouped and shuffled row order; then a
# value-by-value comparison of the two outputs (check_track.py), which fails the script on any difference.
# Before that, the hand-computed fixture (track-fixture/): the reference against it, and the engine against it and
# against the reference. Prints one table: median wall time, administrations/s, CPU, peak RSS and pandas' time
# relative to ours.
#
# usage: benchmarks/compare/track.sh [--smoke] [--runs N] [--clients N] [--sessions K] [--orders "grouped shuffled"]
#                                    [--reference-only] [--require-reference]
#   --smoke           1,000 clients x 10 sessions, one run, never installs anything; timings are printed but never
#                     judged (for CI). Without pandas it checks the engine against the fixture only and says so
#   --require-reference  fail (exit 1) instead of skipping the comparison with pandas when pandas is missing (CI)
#   --runs N          runs per tool, order and target (default 3)
#   --clients N       clients (default 100000); --sessions K administrations per client (default 10)
#   --orders "A B"    row orders of gen_track.py: grouped, session, shuffled (default "grouped shuffled")
#   --reference-only  no host: check track.py against the hand-computed fixture and time pandas alone
# Targets: the protocol `nhs-talking-therapies` (timed, --runs runs) and the single instrument `phq-9` (one run each,
# for the differential test). The host is called as
#   instruments track TARGET --input FILE --format csv --output OUT [--sudden-gains nhs-talking-therapies]
# Sudden gains: the shipped PHQ-9 and GAD-7 declare no sudden-gain rule, so the engine writes no sudden-gain columns.
# When the host's `track --help` offers --sudden-gains, both tools are run with `--sudden-gains nhs-talking-therapies`
# (the cut-off = each instrument's fixed NHS threshold) and the gains are compared too; otherwise they are not
# computed by either and the script says so.
# and may exit 0 (no invalid administration) or 1 (some administrations invalid: the generated files have some);
# any other exit code, or a missing output, is a failure.
# Environment: COMPARE_WORK (default /tmp/instruments-compare) holds the data, builds and outputs; INSTRUMENTS_HOST, when
# set, is the program to run instead of publishing the host (a framework-dependent build, another commit's host).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
work="${COMPARE_WORK:-/tmp/instruments-compare}"
python=/usr/bin/python3
smoke=0
runs=3
clients=100000
sessions=10
orders="grouped shuffled"
reference_only=0
require_reference=0
protocol=nhs-talking-therapies
instrument=phq-9
while [ $# -gt 0 ]; do
  case "$1" in
    --smoke) smoke=1; runs=1; clients=1000; shift ;;
    --runs) runs="$2"; shift 2 ;;
    --clients) clients="$2"; shift 2 ;;
    --sessions) sessions="$2"; shift 2 ;;
    --orders) orders="$2"; shift 2 ;;
    --reference-only) reference_only=1; shift ;;
    --require-reference) require_reference=1; shift ;;
    *) echo "track.sh: unknown option '$1'" >&2; exit 2 ;;
  esac
done
mkdir -p "$work"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

# ---- pandas (installed from Debian's package when missing; never in smoke mode) ----
have_pandas() { "$python" -c 'import pandas' >/dev/null 2>&1; }
pandas=1
if ! have_pandas; then
  if [ "$require_reference" -eq 1 ]; then
    echo "track.sh: pandas is not installed (python3-pandas) and --require-reference was given" >&2
    exit 1
  elif [ "$smoke" -eq 1 ] && [ "$reference_only" -eq 0 ]; then
    echo "track.sh: WARNING: pandas is not installed (python3-pandas): the engine is checked against the hand-computed" \
      "fixture only; the comparison with pandas is SKIPPED" >&2
    pandas=0
  elif [ "$smoke" -eq 1 ]; then
    echo "track.sh: pandas is not installed (python3-pandas): no reference; skipped" >&2
    exit 0
  else
    echo "track.sh: installing pandas from Debian packages" >&2
    apt-get update
    DEBIAN_FRONTEND=noninteractive apt-get install -y python3-pandas
  fi
fi

# ---- the reference against the hand-computed fixture (track-fixture/expected.csv: 10 clients, every boundary) ----
# Without sudden gains (as the shipped instruments are tracked), then with the fixed NHS thresholds as the cut-off: the
# fixture's hand-computed gains and losses check the reference's sudden-gain code even while the engine has none.
fixture="$here/track-fixture/input.csv"
expected="$here/track-fixture/expected.csv"
if [ "$pandas" -eq 1 ]; then
  "$python" "$here/track.py" "$fixture" "$work/track-fixture-pandas.csv" --canonical
  "$python" "$here/check_track.py" --skip sudden "$work/track-fixture-pandas.csv" "$expected"
  "$python" "$here/track.py" "$fixture" "$work/track-fixture-pandas-sg.csv" --canonical --sudden-gains nhs-talking-therapies
  "$python" "$here/check_track.py" "$work/track-fixture-pandas-sg.csv" "$expected"
fi

# ---- our host: published as run.sh does (self-contained, composite ReadyToRun, TieredPGO off) ----
host_label="instruments track (.NET, composite R2R)"
if [ "$reference_only" -eq 0 ] && [ -n "${INSTRUMENTS_HOST:-}" ]; then
  host="$INSTRUMENTS_HOST"
  host_label="instruments track ($host)"
elif [ "$reference_only" -eq 0 ]; then
  echo "track.sh: building the host (Release, self-contained, composite ReadyToRun, TieredPGO off)" >&2
  rm -rf "$root/hosts/Instruments.Cli/obj/Release/net10.0/linux-x64/R2R" "$work/host"
  dotnet publish "$root/hosts/Instruments.Cli" -c Release -r linux-x64 --self-contained true \
    -p:PublishReadyToRun=true -p:PublishReadyToRunComposite=true -p:TieredPGO=false -o "$work/host" -v quiet -nologo \
    >"$work/publish.log" 2>&1 \
    || { cat "$work/publish.log" >&2; exit 1; }
  host="$work/host/instruments"
fi
sudden=()
if [ "$reference_only" -eq 0 ]; then
  if ! "$host" track --help >"$work/track-help.txt" 2>&1; then
    echo "track.sh: this build of instruments has no 'track' command ($host track --help failed)" >&2
    exit 1
  fi
  if grep -q -- '--sudden-gains' "$work/track-help.txt"; then
    sudden=(--sudden-gains nhs-talking-therapies)
    echo "track.sh: the host offers --sudden-gains: both tools run with ${sudden[*]}; sudden gains are compared" >&2
  else
    echo "track.sh: the host has no --sudden-gains option and the shipped PHQ-9/GAD-7 declare no sudden-gain rule:" \
      "sudden gains are computed by neither tool and NOT compared" >&2
  fi
fi

tools="pandas"
[ "$reference_only" -eq 1 ] || tools="ours pandas"
short_of() { case "$1" in "$protocol") echo protocol ;; *) echo "$1" ;; esac; }
pandas_target() { case "$1" in "$protocol") echo nhs-talking-therapies ;; *) echo "$1" ;; esac; }
command_of() { # tool target input output
  case "$1" in
    ours) echo "$host" track "$2" --input "$3" --format csv --output "$4" "${sudden[@]}" ;;
    pandas) echo "$python" "$here/track.py" "$3" "$4" --target "$(pandas_target "$2")" "${sudden[@]}" ;;
  esac
}
ok_exit() { [ "$2" -eq 0 ] || { [ "$1" = ours ] && [ "$2" -eq 1 ]; }; }
median() { sort -n | awk '{a[NR]=$1} END {if (NR == 0) print "nan"; else if (NR % 2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2}'; }

status=0
# The engine on the fixture: against the hand-computed values (expected.csv with the engine's column names for that
# target; its sudden-gain columns only when both run with --sudden-gains), then against the reference on the same file.
if [ "$reference_only" -eq 0 ]; then
  skip=(--skip sudden)
  [ "${#sudden[@]}" -eq 0 ] || skip=()
  for target in "$protocol" "$instrument" gad-7; do
    s=$(short_of "$target")
    code=0
    # shellcheck disable=SC2046
    $(command_of ours "$target" "$fixture" "$work/track-fixture-ours-$s.csv") \
      2>"$work/track-fixture-ours-$s.stderr" || code=$?
    if ! ok_exit ours "$code" || [ ! -s "$work/track-fixture-ours-$s.csv" ]; then
      echo "track.sh: instruments track $target failed on the fixture (exit $code):" >&2
      cat "$work/track-fixture-ours-$s.stderr" >&2
      status=1
      continue
    fi
    "$python" "$here/track.py" --translate "$expected" "$work/track-fixture-expected-$s.csv" --target "$(pandas_target "$target")"
    "$python" "$here/check_track.py" "${skip[@]}" "$work/track-fixture-ours-$s.csv" "$work/track-fixture-expected-$s.csv" \
      || status=1
    if [ "$pandas" -eq 1 ]; then
      # shellcheck disable=SC2046
      $(command_of pandas "$target" "$fixture" "$work/track-fixture-pandas-$s.csv")
      "$python" "$here/check_track.py" "$work/track-fixture-ours-$s.csv" "$work/track-fixture-pandas-$s.csv" || status=1
    fi
  done
  if [ "$pandas" -eq 0 ]; then
    [ "$status" -eq 0 ] && echo "track.sh: the engine agrees with the hand-computed fixture; no pandas, no timings" >&2
    exit "$status"
  fi
fi

rows=$((clients * sessions))
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
results="$work/track-results.tsv"
: >"$results"
for order in $orders; do
  data="$work/track-$clients-$sessions-$order.csv"
  if [ ! -s "$data" ]; then
    echo "track.sh: generating $data" >&2
    "$python" "$here/gen_track.py" --clients "$clients" --sessions "$sessions" --order "$order" "$data.tmp"
    mv "$data.tmp" "$data"
  fi
  for target in "$protocol" "$instrument"; do
    s=$(short_of "$target")
    n=$runs
    [ "$target" = "$protocol" ] || n=1
    for tool in $tools; do
      out="$work/track-out-$tool-$s-$order.csv"
      rm -f "$out"
      walls=(); rsss=(); cpus=()
      for ((i = 1; i <= n; i++)); do
        # shellcheck disable=SC2046
        read -r wall rss code cpu < <("$python" "$here/measure.py" --cpu "$work/track-stdout.txt" $(command_of "$tool" "$target" "$data" "$out") \
          2>"$work/track-stderr-$tool.txt")
        if ! ok_exit "$tool" "$code" || [ ! -s "$out" ]; then
          echo "track.sh: $tool $target failed on $order input (exit $code):" >&2
          head -20 "$work/track-stderr-$tool.txt" >&2
          status=1
          continue
        fi
        walls+=("$wall"); rsss+=("$rss"); cpus+=("$cpu")
        echo "track.sh: $tool $target $order run $i: ${wall} s, CPU ${cpu} s, $((rss / 1024)) MiB" >&2
      done
      [ "${#walls[@]}" -gt 0 ] || continue
      wall=$(printf '%s\n' "${walls[@]}" | median)
      rss=$(printf '%s\n' "${rsss[@]}" | median)
      cpu=$(printf '%s\n' "${cpus[@]}" | median)
      printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$order" "$s" "$tool" "${#walls[@]}" "$wall" "$rss" "$cpu" >>"$results"
    done
    # The differential test: every value of the reference must be in ours, the same.
    if [ "$reference_only" -eq 0 ] && [ -s "$work/track-out-ours-$s-$order.csv" ] && [ -s "$work/track-out-pandas-$s-$order.csv" ]; then
      "$python" "$here/check_track.py" "$work/track-out-ours-$s-$order.csv" "$work/track-out-pandas-$s-$order.csv" || status=1
    fi
  done
done

# ---- the table ----
echo
printf '| administrations | order | target | tool | runs | median wall | administrations/s | CPU (user+sys) | peak RSS | pandas vs ours |\n'
printf '| ---: | --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |\n'
while IFS=$'\t' read -r order s tool n wall rss cpu; do
  ours=$(awk -F'\t' -v o="$order" -v t="$s" '$1 == o && $2 == t && $3 == "ours" {print $5}' "$results")
  pandas=$(awk -F'\t' -v o="$order" -v t="$s" '$1 == o && $2 == t && $3 == "pandas" {print $5}' "$results")
  awk -v rows="$rows" -v order="$order" -v target="$s" -v tool="$tool" -v n="$n" -v wall="$wall" -v rss="$rss" -v cpu="$cpu" \
      -v ours="${ours:-0}" -v pandas="${pandas:-0}" -v ourlabel="$host_label" '
  function group(x,   s) { s = sprintf("%d", x); while (s ~ /[0-9][0-9][0-9][0-9]/) sub(/[0-9][0-9][0-9]($|,)/, ",&", s); return s }
  BEGIN {
    label = (tool == "ours") ? ourlabel : "pandas (groupby)";
    ratio = (tool == "ours" && ours > 0 && pandas > 0) ? sprintf("%.1fx", pandas / ours) : "";
    printf "| %s | %s | %s | %s | %d | %.2f s | %s | %.2f s | %.0f MiB | %s |\n", group(rows), order, target, label, n, wall, group(int(rows / wall)), cpu, rss / 1024, ratio
  }'
done <"$results"
echo
echo "$(date -u +%Y-%m-%d), $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'), load average before: $load_before, after: $(cut -d' ' -f1-3 /proc/loadavg)"
if [ "$status" -ne 0 ]; then
  echo "track.sh: FAILED (a tool crashed or the outputs disagree)" >&2
fi
exit "$status"
