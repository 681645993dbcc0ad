#!/usr/bin/env python3
"""Names the ReadyToRun frames of a perf profile of the published host, which perf shows as bare addresses.

perf resolves jitted frames through the runtime's perf map (DOTNET_PerfMapEnabled=1) but not the precompiled code in a
composite ReadyToRun image (instruments.r2r.dll): those samples appear as `instruments.r2r.dll 0x...`, a file offset.
crossgen2 can write a map of the image (RVA, length and symbol of every node) with `--mapcsv`; this script turns each
offset into an RVA through the image's PE section table and looks the method up in that map.

usage:
  dotnet publish hosts/Instruments.Cli -c Release -r linux-x64 --self-contained true -p:PublishReadyToRun=true \\
    -p:PublishReadyToRunComposite=true -p:TieredPGO=false \\
    "-p:PublishReadyToRunCrossgen2ExtraArgs=--instruction-set:x86-64-v3%3B--mapcsv" -o /tmp/host
  DOTNET_PerfMapEnabled=1 DOTNET_EnableWriteXorExecute=0 perf record -F 4000 -g -o perf.data /tmp/host/instruments track ...
  perf report -i perf.data --no-children --sort comm,dso,symbol -g none --field-separator='|' [--time START,END] \\
    | benchmarks/profile/resolve_r2r.py /tmp/host/instruments.r2r.dll \\
        hosts/Instruments.Cli/obj/Release/net10.0/linux-x64/R2R/instruments.r2r.map.csv [--top 50]

Keep `--instruction-set:x86-64-v3` in that property: it replaces the csproj's default (which is that option alone), so
`--mapcsv` by itself publishes a host without it, which jits some 75 more framework methods at every start and ran
the 1M-row `track` benchmark about 5% slower (0.441 s against 0.416 s, median of 11 interleaved runs, 2026-11-30).

(DOTNET_EnableWriteXorExecute=0 keeps jitted code at the addresses the perf map names; with W^X on, perf shows it as
`memfd:doublemapper`.) Prints the top frames by share of samples, per thread name (the main thread is `instruments`,
the pipeline's reader and scoring threads `.NET Long Runni`), precompiled and jitted frames alike.
"""
import bisect
import collections
import csv
import re
import struct
import sys


def sections(image):
    with open(image, "rb") as f:
        head = f.read(4096)
    pe = struct.unpack_from("<I", head, 0x3C)[0]
    count = struct.unpack_from("<H", head, pe + 6)[0]
    optional = struct.unpack_from("<H", head, pe + 20)[0]
    table = pe + 24 + optional
    result = []
    for i in range(count):
        _, _, rva, raw_size, raw_pointer = struct.unpack_from("<8sIIII", head, table + 40 * i)
        result.append((raw_pointer, raw_size, rva))
    return result


def methods(map_csv):
    rows = []
    with open(map_csv, newline="") as f:
        reader = csv.reader(f)
        next(reader)
        for row in reader:
            if row[5] == "MethodWithGCInfo":
                rows.append((int(row[0], 16), int(row[1]), row[4]))
    rows.sort()
    return [r[0] for r in rows], rows


def main():
    args = sys.argv[1:]
    top = 50
    if "--top" in args:
        i = args.index("--top")
        top = int(args[i + 1])
        del args[i:i + 2]
    if len(args) != 2:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    table = sections(args[0])
    starts, rows = methods(args[1])

    def name(offset):
        for raw_pointer, raw_size, rva in table:
            if raw_pointer <= offset < raw_pointer + raw_size:
                address = offset - raw_pointer + rva
                k = bisect.bisect_right(starts, address) - 1
                if k >= 0 and address < rows[k][0] + rows[k][1]:
                    return rows[k][2]
        return None

    shares = collections.Counter()
    for line in sys.stdin:
        parts = line.split("|")
        if len(parts) < 4 or not parts[0].strip().endswith("%"):
            continue
        share = float(parts[0].strip().rstrip("%"))
        thread, dso, symbol = parts[1].strip(), parts[2].strip(), parts[3].strip()
        address = re.match(r"\[\.\]\s+0x([0-9a-f]+)", symbol)
        if "r2r.dll" in dso and address:
            label = name(int(address.group(1), 16)) or "(r2r) 0x" + address.group(1)
        elif dso.startswith("[kernel"):
            label = "[kernel]"
        elif "libcoreclr" in dso:
            label = "[runtime]"
        elif "libclrjit" in dso:
            label = "[jit compiler]"
        else:
            label = re.sub(r"^\[[.k]\]\s+", "", symbol)
        shares[(thread, label)] += share
    for (thread, label), share in shares.most_common(top):
        print(f"{share:6.2f}%  {thread[:15]:15s}  {label[:150]}")


if __name__ == "__main__":
    main()
