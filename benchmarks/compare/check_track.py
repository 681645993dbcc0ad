"""Compares two per-client course tables value by value (the differential test of `instruments track`).

usage: check_track.py [--key client] [--skip REGEX] [--max-print 20] ACTUAL.csv EXPECTED.csv

Every column of EXPECTED must be in ACTUAL (extra ACTUAL columns are listed, not compared); rows are matched by the
key column (the order of the rows does not matter) and both files must have the same clients. Cells compare as:
both empty; numbers within 1e-9 (relative, absolute near 0); anything else as exact text (booleans are `true` /
`false` in both, outcomes `improved` ...); lists of sudden gains or losses (columns whose name has "sudden":
"pregain:magnitude", with ":reversal" appended when reversed, joined by ";", as the engine writes them) item by item
with the same rules. --skip leaves out the columns of EXPECTED whose name matches REGEX (listed, not compared).
Prints the first differences; exit 1 on any. Standard library only.
"""
import argparse
import csv
import math
import re
import sys

SHIFT_FIELDS, SHIFT_JOIN = ":", ";"


def number(s):
    try:
        v = float(s)
    except ValueError:
        return None
    return v if math.isfinite(v) else None


def same_cell(a, b):
    a, b = a.strip(), b.strip()
    if a == b:
        return True
    if a == "" or b == "":
        return False
    x, y = number(a), number(b)
    if x is not None and y is not None:
        return abs(x - y) <= 1e-9 * max(1.0, abs(x), abs(y))
    return False


def same_list(a, b):
    xs = [i for i in a.split(SHIFT_JOIN) if i.strip()]
    ys = [i for i in b.split(SHIFT_JOIN) if i.strip()]
    if len(xs) != len(ys):
        return False
    for x, y in zip(xs, ys):
        fx, fy = x.split(SHIFT_FIELDS), y.split(SHIFT_FIELDS)
        if len(fx) != len(fy) or not all(same_cell(u, v) for u, v in zip(fx, fy)):
            return False
    return True


def load(path, key):
    with open(path, newline="") as f:
        rows = csv.DictReader(f)
        if rows.fieldnames is None or key not in rows.fieldnames:
            raise SystemExit(f"check_track: {path}: no '{key}' column")
        table = {}
        for row in rows:
            k = row[key]
            if k in table:
                raise SystemExit(f"check_track: {path}: client '{k}' has two rows")
            table[k] = row
        return rows.fieldnames, table


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("actual")
    ap.add_argument("expected")
    ap.add_argument("--key", default="client")
    ap.add_argument("--skip", metavar="REGEX", help="columns of EXPECTED not to compare")
    ap.add_argument("--max-print", type=int, default=20)
    a = ap.parse_args()
    acols, actual = load(a.actual, a.key)
    ecols, expected = load(a.expected, a.key)
    if a.skip:
        skipped = [c for c in ecols if re.search(a.skip, c)]
        if skipped:
            print(f"check_track: skipped (--skip {a.skip}): {', '.join(skipped)}", file=sys.stderr)
        ecols = [c for c in ecols if c not in skipped]
    problems = []
    missing_cols = [c for c in ecols if c not in acols]
    for c in missing_cols:
        problems.append(f"column '{c}' is not in {a.actual}")
    extra = [c for c in acols if c not in ecols]
    if extra:
        print(f"check_track: not compared (not in {a.expected}): {', '.join(extra)}", file=sys.stderr)
    for k in sorted(set(expected) - set(actual)):
        problems.append(f"client '{k}' is not in {a.actual}")
    for k in sorted(set(actual) - set(expected)):
        problems.append(f"client '{k}' is not in {a.expected}")
    cols = [c for c in ecols if c in acols and c != a.key]
    cells = 0
    for k in sorted(set(expected) & set(actual)):
        e, x = expected[k], actual[k]
        for c in cols:
            cells += 1
            ok = same_list(x[c], e[c]) if "sudden" in c else same_cell(x[c], e[c])
            if not ok:
                problems.append(f"client '{k}' column '{c}': {x[c]!r} (actual) vs {e[c]!r} (expected)")
    for p in problems[: a.max_print]:
        print(f"check_track: {p}", file=sys.stderr)
    if problems:
        print(f"check_track: {a.actual} vs {a.expected}: {len(problems)} differences ({cells} cells compared)",
              file=sys.stderr)
        return 1
    print(f"check_track: {a.actual} agrees with {a.expected}: {len(expected)} clients, {len(cols)} columns, "
          f"{cells} cells", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
