#!/usr/bin/env bash
# Packs the host as the `instruments` .NET tool into the local folder feed (artifacts/packages), checks the package
# (metadata; every built-in plugin inside, the compiled norms plugin included), installs it from that folder with
# `dotnet tool install --tool-path` into a fresh folder and runs it as a user would: `instruments list` must list what
# `dotnet run --project hosts/Instruments.Cli -- list` lists, and `instruments score swls --input samples/swls.csv`
# must score. Exits non-zero when anything fails.
#
#   bash hosts/Instruments.Cli/pack-tool.sh
#
# Never a stale package: the tool's publish folder, the tool path and the NuGet packages folder used for the install
# are emptied on every run (artifacts/tool), and the install reads only the local feed (a nuget.config with <clear/>:
# the tool package carries all it needs, so no other source is asked and none can offer another 'instruments').
# Leaves the SDK packages that samples/embedding/run.sh packs into the same feed alone.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
feed="$root/artifacts/packages"
work="$root/artifacts/tool"
project="$here/Instruments.Cli.csproj"

export DOTNET_CLI_TELEMETRY_OPTOUT=1
export DOTNET_NOLOGO=1
export DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

fail() { echo "tool: $*" >&2; exit 1; }

# 1. Pack (the publish layout, plugins/ included, under tools/net10.0/any/), from a publish folder of this run only.
rm -rf "$work"
mkdir -p "$work" "$feed"
rm -f "$feed"/instruments.[0-9]*.nupkg
dotnet pack "$project" -c Release -o "$feed" -p:PublishDir="$work/publish/" -nologo -v:q
nupkg=$(ls "$feed"/instruments.[0-9]*.nupkg)
version=$(basename "$nupkg" .nupkg)
version=${version#instruments.}
echo "tool: packed ${nupkg#"$root"/}"

# 2. What is inside (.ci/check-packages.py): a DotnetTool named 'instruments', its metadata, the built-in plugins.
python3 "$root/.ci/check-packages.py" tool "$feed" "$root"

# 3. Install it as the README says, into a fresh tool path, from the local feed only.
cat > "$work/nuget.config" <<'CONFIG'
<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <packageSources>
    <clear />
  </packageSources>
</configuration>
CONFIG
NUGET_PACKAGES="$work/nuget-packages" dotnet tool install instruments --tool-path "$work/bin" \
  --configfile "$work/nuget.config" --add-source "$feed" --version "$version"
tool="$work/bin/instruments"
[ -x "$tool" ] || fail "no $tool after 'dotnet tool install'"
installed=$("$tool" --version)
[ "$installed" = "instruments $version" ] || fail "'instruments --version' says '$installed', not $version"

# 4. Run it outside the repository, without INSTRUMENTS_PLUGINS: the built-in plugins come from the package.
unset INSTRUMENTS_PLUGINS
cd "$work"

#    list: the same instruments and protocols as the host run from source.
"$tool" list > "$work/list.txt" || fail "'instruments list' exited $?"
dotnet run --project "$project" -c Release -- list > "$work/list-source.txt" || fail "'dotnet run -- list' exited $?"
if ! diff -u "$work/list-source.txt" "$work/list.txt" >&2; then
  fail "the installed tool lists other instruments than 'dotnet run --project hosts/Instruments.Cli -- list' (diff above)"
fi
for id in swls phq-9 gad-7 wai-sr who-5; do
  grep -q "^$id " "$work/list.txt" || fail "'instruments list' does not list the built-in '$id'"
done
grep -q '^nhs-talking-therapies ' "$work/list.txt" || fail "'instruments list' does not list the built-in protocol 'nhs-talking-therapies'"

#    score: the README's example, header and rows (CSV is written with CRLF line ends, RFC 4180; compared without).
"$tool" score swls --input "$root/samples/swls.csv" 2> "$work/swls.err" | tr -d '\r' > "$work/swls.csv" \
  || fail "'instruments score swls' exited non-zero: $(cat "$work/swls.err")"
[ "$(head -n 1 "$work/swls.csv")" = "respondent_id,session,date,status,total,total_band,flags,diagnostics" ] \
  || fail "unexpected header from 'instruments score swls': $(head -n 1 "$work/swls.csv")"
grep -qx 'r001,1,2024-03-04,complete,25,Slightly satisfied,,' "$work/swls.csv" || fail "'instruments score swls': no row 'r001,...,25,Slightly satisfied'"
rows=$(($(wc -l < "$work/swls.csv") - 1))
inputs=$(($(grep -c . "$root/samples/swls.csv") - 1))
[ "$rows" -eq "$inputs" ] || fail "'instruments score swls' wrote $rows rows for $inputs responses"

#    the compiled norms plugin (plugins/norms/bin) loads from the package: a YAML instrument calling its function.
mkdir -p "$work/acme/instruments"
printf 'id: acme\nversion: 1.0.0\nsdk: ">=0.1.0 <1.0.0"\n' > "$work/acme/plugin.yaml"
cat > "$work/acme/instruments/mood.yaml" <<'YAML'
instrument: acme.mood
version: 1.0.0
title: Mood (tool check)
license: { name: test, texts: restricted }
response_scales:
  f: { options: [ { value: 0, label: a }, { value: 1, label: b }, { value: 2, label: c }, { value: 3, label: d } ] }
items:
  - { id: m1, scale: f }
  - { id: m2, scale: f }
scores:
  - { id: total, items: [m1, m2], method: sum }
  - { id: t, expression: "phq9_t_women(total)" }
YAML
printf 'id,m1,m2\nr1,3,2\n' > "$work/mood.csv"
norms=$("$tool" score acme.mood --input "$work/mood.csv" --plugins "$work/acme" 2> "$work/mood.err" | tr -d '\r') \
  || fail "the norms plugin check exited non-zero: $(cat "$work/mood.err")"
# total 5 -> T (women) = 50 + 10 * (5 - 3.1) / 3.5 = 55.4 (plugins/norms/tables)
grep -qx 'r1,complete,5,55.4,,' <<<"$norms" || fail "the compiled norms plugin did not score from the installed tool: $norms"

echo "tool: installed instruments $version with --tool-path; list ($(grep -c . "$work/list.txt") lines, as from source), score swls ($rows rows) and the norms plugin check pass"
