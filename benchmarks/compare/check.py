"""Checks that score columns agree: numbers within 1e-9, the same empty cells, the same number of rows.

usage: check.py REFERENCE.csv OTHER.csv [OTHER.csv ...]
Compares the columns task, bond, goal, total (matched by header name), row by row. Exit 1 on any difference.
Standard library only (so that the smoke mode needs nothing installed).
"""
import csv
import sys

COLUMNS = ["task", "bond", "goal", "total"]


def read(path):
    with open(path, newline="") as f:
        rows = csv.reader(f)
        header = next(rows)
        index = [header.index(c) for c in COLUMNS]
        for row in rows:
            yield [row[i] for i in index]


def main():
    reference, others = sys.argv[1], sys.argv[2:]
    failed = False
    for other in others:
        problems = 0
        count = 0
        for n, (a, b) in enumerate(zip_strict(read(reference), read(other)), start=1):
            count = n
            if a == b:
                continue
            for col, u, v in zip(COLUMNS, a, b):
                ok = (u == v == "") or (u != "" and v != "" and abs(float(u) - float(v)) <= 1e-9)
                if not ok:
                    problems += 1
                    if problems <= 5:
                        print(f"check: {other}: row {n} column {col}: {u!r} vs {v!r}", file=sys.stderr)
        if problems:
            failed = True
            print(f"check: {other}: {problems} differing cells in {count} rows", file=sys.stderr)
        else:
            print(f"check: {other}: {count} rows agree with {reference}", file=sys.stderr)
    sys.exit(1 if failed else 0)


def zip_strict(a, b):
    a, b = iter(a), iter(b)
    sentinel = object()
    while True:
        x, y = next(a, sentinel), next(b, sentinel)
        if x is sentinel and y is sentinel:
            return
        if x is sentinel or y is sentinel:
            raise SystemExit("check: the files have different numbers of rows")
        yield x, y


if __name__ == "__main__":
    main()
