#!/usr/bin/env bash
# Renders a sample PHQ-9 HTML report with the 'instruments report' command (a flagged, partial response), opens it
# in headless Chromium, fails when the page logs anything to the console (the report has no scripts, so any console
# message is a problem: a script error, a blocked resource, a Content-Security-Policy violation) or lacks its main
# parts, and writes a 1200x1600 screenshot.
#
# usage: docs/scripts/check-html-report.sh [--html FILE] [--screenshot PNG]
#   --html FILE       check this report instead of rendering the sample (the xunit test passes its own)
#   --screenshot PNG  where the screenshot goes (default: docs/images/report-phq9.png)
#   --expect TEXT     text the rendered page must contain (repeatable); replaces the default parts of a response
#                     report (a course-of-care report passes its own)
# environment: CHROMIUM (default /usr/bin/chromium; Debian: apt-get install -y chromium)
# exit codes: 0 ok, 1 the check failed, 3 Chromium is not installed
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
chromium=${CHROMIUM:-/usr/bin/chromium}
html=""
shot="$root/docs/images/report-phq9.png"
parts=()
while [ $# -gt 0 ]; do
  case "$1" in
    --html) html=$2; shift 2 ;;
    --screenshot) shot=$2; shift 2 ;;
    --expect) parts+=("$2"); shift 2 ;;
    *) echo "check-html-report: unknown argument '$1'" >&2; exit 2 ;;
  esac
done

if [ ! -x "$chromium" ]; then
  echo "check-html-report: $chromium not found (Debian: apt-get install -y chromium)" >&2
  exit 3
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

if [ -z "$html" ]; then
  host="$root/hosts/Instruments.Cli/bin/Debug/net10.0/instruments.dll"
  if [ ! -f "$host" ]; then
    dotnet build "$root/hosts/Instruments.Cli" -nologo -v quiet >&2
  fi
  # One response: item 3 missing (the total is prorated from 8 of 9 items) and item 9 endorsed (critical flag).
  cat > "$work/phq-9.csv" <<'CSV'
respondent_id,visit,date,phq9_1,phq9_2,phq9_3,phq9_4,phq9_5,phq9_6,phq9_7,phq9_8,phq9_9,phq9_10
p201,week 6,2024-06-03,2,3,,2,1,2,1,1,1,2
CSV
  status=0
  dotnet "$host" report phq-9 --input "$work/phq-9.csv" --format html --output "$work/out" --quiet || status=$?
  if [ "$status" -gt 1 ]; then
    echo "check-html-report: 'instruments report' failed (exit $status)" >&2
    exit 1
  fi
  html="$work/out/1-p201.html"
fi
html=$(cd "$(dirname "$html")" && pwd)/$(basename "$html")

flags=(--headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking
       --disable-component-update --disable-sync --hide-scrollbars --user-data-dir="$work/profile")

# 1. Load the page with console logging on, and keep the DOM as Chromium built it.
if ! timeout 120 "$chromium" "${flags[@]}" --enable-logging=stderr --v=0 --dump-dom "file://$html" \
     > "$work/dom.html" 2> "$work/chromium.log"; then
  cat "$work/chromium.log" >&2
  echo "check-html-report: chromium failed to load $html" >&2
  exit 1
fi
if grep -E ':CONSOLE|Uncaught' "$work/chromium.log" >&2; then
  echo "check-html-report: FAILED: the page logged to the console (above)" >&2
  exit 1
fi
if [ ${#parts[@]} -eq 0 ]; then
  parts=('<h1>' 'class="score"' '<svg class="bar"' 'About the instrument')
fi
for part in "${parts[@]}"; do
  if ! grep -qF "$part" "$work/dom.html"; then
    echo "check-html-report: FAILED: the rendered page has no $part" >&2
    exit 1
  fi
done

# 2. The screenshot.
mkdir -p "$(dirname "$shot")"
rm -f "$shot"
timeout 120 "$chromium" "${flags[@]}" --window-size=1200,1600 --screenshot="$shot" "file://$html" \
  > /dev/null 2> "$work/screenshot.log" || true
if [ ! -s "$shot" ]; then
  cat "$work/screenshot.log" >&2
  echo "check-html-report: FAILED: no screenshot was written" >&2
  exit 1
fi
echo "check-html-report: ok: $(basename "$html") rendered without console messages; screenshot $shot"
