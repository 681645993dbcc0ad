#!/usr/bin/env bash
# Packs every SDK assembly (sdk/*) into a local folder feed (artifacts/packages) and builds and runs the embedding
# sample against those packages, as an application outside this repository would use them. Also checks that the
# code excerpts of docs/embedding.md are in the sample, and each package's metadata and symbols. Exits non-zero when
# anything fails. (The `instruments` tool package goes into the same folder: hosts/Instruments.Cli/pack-tool.sh, run
# after this script, since this one empties the folder first.)
#
#   bash samples/embedding/run.sh
#
# NuGet: samples/embedding/nuget.config adds the local feed to the sources already configured for this user or
# machine (they bring YamlDotNet, Scriban.Signed, McMaster.NETCore.Plugins). The sample restores into a packages
# folder of its own, emptied on every run, so a cached Instruments package of the same version never hides a change.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
feed="$root/artifacts/packages"
packages="$root/artifacts/embedding/packages"
project="$here/EmbeddingSample.csproj"
guide="$root/docs/embedding.md"

export DOTNET_CLI_TELEMETRY_OPTOUT=1
export DOTNET_NOLOGO=1
export DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

fail() { echo "embedding: $*" >&2; exit 1; }

# 1. The guide's C# excerpts must be in the sample: every non-blank line of every ```csharp block of
#    docs/embedding.md, leading and trailing spaces ignored, must be a line of Program.cs ("..." lines excepted).
trim() { sed -e 's/^[[:space:]]*//' -e 's/[[:space:]]*$//' | grep -v -x -e '' -e '\.\.\.' -e '// \.\.\.' || true; }
excerpts=$(awk '/^```csharp/ {on=1; next} /^```/ {on=0} on' "$guide" | trim)
[ -n "$excerpts" ] || fail "no \`\`\`csharp excerpts found in docs/embedding.md"
missing=$(grep -v -x -F -f <(trim < "$here/Program.cs") <<<"$excerpts" || true)
if [ -n "$missing" ]; then
  echo "embedding: these lines of docs/embedding.md are not in samples/embedding/Program.cs (keep the two in step):" >&2
  echo "$missing" | sed 's/^/  /' >&2
  exit 1
fi
echo "embedding: the $(wc -l <<<"$excerpts") excerpt lines of docs/embedding.md are in the sample"

# 2. The sample references packages, never projects: it must not be part of the solution.
if grep -q 'EmbeddingSample' "$root/Instruments.sln"; then
  fail "samples/embedding/EmbeddingSample.csproj must not be in Instruments.sln"
fi

# 3. Pack every SDK assembly. sdk/Instruments.Sdk.slnf lists them; a project under sdk/ that it misses fails here.
for csproj in "$root"/sdk/*/*.csproj; do
  relative="sdk/$(basename "$(dirname "$csproj")")/$(basename "$csproj")"
  grep -q "\"$relative\"" "$root/sdk/Instruments.Sdk.slnf" || fail "$relative is not listed in sdk/Instruments.Sdk.slnf"
done
rm -rf "$feed" "$root/artifacts/embedding"
dotnet pack "$root/sdk/Instruments.Sdk.slnf" -c Release -o "$feed" -nologo -v:q
for csproj in "$root"/sdk/*/*.csproj; do
  id=$(basename "$csproj" .csproj)
  ls "$feed/$id".[0-9]*.nupkg >/dev/null 2>&1 || fail "no package $id in $feed"
  ls "$feed/$id".[0-9]*.snupkg >/dev/null 2>&1 || fail "no symbol package $id in $feed"
done
# Each package's metadata (its own description, licence expression, readme inside, repository, tags) and its symbols
# (.ci/check-packages.py); package validation already ran in `dotnet pack` (sdk/Directory.Build.props).
ids=()
for csproj in "$root"/sdk/*/*.csproj; do ids+=("$(basename "$csproj" .csproj)"); done
python3 "$root/.ci/check-packages.py" sdk "$feed" "${ids[@]}"
nupkg=$(ls "$feed"/Instruments.Sdk.[0-9]*.nupkg)
version=$(basename "$nupkg" .nupkg)
version=${version#Instruments.Sdk.}
echo "embedding: packed $(ls "$feed"/*.nupkg | wc -l) packages, version $version, to ${feed#"$root"/}:"
(cd "$feed" && ls -1 ./*.nupkg ./*.snupkg | sed 's|^\./|  |')

# 4. Restore (local feed + the configured sources, into an empty packages folder), build and run the sample.
dotnet restore "$project" --packages "$packages" -p:InstrumentsVersion="$version" -v:q
dotnet build "$project" --no-restore -c Release -p:InstrumentsVersion="$version" -nologo -v:q
dotnet "$here/bin/Release/net10.0/EmbeddingSample.dll"
