"""Compares two CSV tables value by value (the differential test of `instruments track wai-sr` and `instruments
agree` against alliance.py).

usage: check_alliance.py [--key COL[,COL...]] [--skip REGEX] [--lists REGEX] [--max-print 20] ACTUAL.csv EXPECTED.csv

Every column of EXPECTED must be in ACTUAL (extra ACTUAL columns are listed, not compared); rows are matched by the key
columns (default `client`; the order of the rows does not matter) and both files must have the same keys, each once.
Cells compare as check_track.py's: both empty; numbers within 1e-9 (relative, absolute near 0); anything else as exact
text. Columns matching --lists (default `\\.list$`: rupture lists, `occasion:drop:repair occasion` joined by `;`)
compare item by item and field by field with the same rules. --skip leaves out the columns of EXPECTED matching REGEX.
Prints the first differences; exit 1 on any. Standard library only.
"""
import argparse
import csv
import re
import sys

from check_track import same_cell, same_list


def load(path, key):
    with open(path, newline="") as f:
        rows = csv.DictReader(f)
        missing = [k for k in key if rows.fieldnames is None or k not in rows.fieldnames]
        if missing:
            raise SystemExit(f"check_alliance: {path}: no column {', '.join(missing)}")
        table = {}
        for row in rows:
            k = tuple(row[c] for c in key)
            if k in table:
                raise SystemExit(f"check_alliance: {path}: key {k} has two rows")
            table[k] = row
        return rows.fieldnames, table


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("actual")
    ap.add_argument("expected")
    ap.add_argument("--key", default="client")
    ap.add_argument("--skip", metavar="REGEX")
    ap.add_argument("--lists", metavar="REGEX", default=r"\.list$")
    ap.add_argument("--max-print", type=int, default=20)
    a = ap.parse_args()
    key = a.key.split(",")
    acols, actual = load(a.actual, key)
    ecols, expected = load(a.expected, key)
    if a.skip:
        skipped = [c for c in ecols if re.search(a.skip, c)]
        if skipped:
            print(f"check_alliance: skipped (--skip {a.skip}): {', '.join(skipped)}", file=sys.stderr)
        ecols = [c for c in ecols if c not in skipped]
    problems = [f"column '{c}' is not in {a.actual}" for c in ecols if c not in acols]
    extra = [c for c in acols if c not in ecols]
    if extra:
        print(f"check_alliance: not compared (not in {a.expected}): {', '.join(extra)}", file=sys.stderr)
    problems += [f"row {k} is not in {a.actual}" for k in sorted(set(expected) - set(actual))]
    problems += [f"row {k} is not in {a.expected}" for k in sorted(set(actual) - set(expected))]
    cols = [c for c in ecols if c in acols and c not in key]
    lists = {c for c in cols if re.search(a.lists, c)}
    cells = 0
    for k in sorted(set(expected) & set(actual)):
        e, x = expected[k], actual[k]
        for c in cols:
            cells += 1
            if not (same_list(x[c], e[c]) if c in lists else same_cell(x[c], e[c])):
                problems.append(f"row {k} column '{c}': {x[c]!r} (actual) vs {e[c]!r} (expected)")
    for p in problems[: a.max_print]:
        print(f"check_alliance: {p}", file=sys.stderr)
    if problems:
        print(f"check_alliance: {a.actual} vs {a.expected}: {len(problems)} differences ({cells} cells compared)",
              file=sys.stderr)
        return 1
    print(f"check_alliance: {a.actual} agrees with {a.expected}: {len(expected)} rows, {len(cols)} columns, "
          f"{cells} cells", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
