"""Scores the WAI-shaped file with pandas, as a Python user would.

usage: score.py IN.csv OUT.csv
Subscales: mean of the answered items, empty when more than 1 of the 4 items is missing; total: mean of the answered
items (empty when none). Items 3 and 7 are reverse-keyed (6 - x on a 1-5 scale).
"""
import sys

import pandas as pd

SUBSCALES = {"task": ["w1", "w2", "w10", "w12"], "bond": ["w3", "w5", "w7", "w9"], "goal": ["w4", "w6", "w8", "w11"]}


def main():
    d = pd.read_csv(sys.argv[1], dtype={"respondent_id": str})
    x = d[[f"w{i}" for i in range(1, 13)]].astype("float64")
    for c in ("w3", "w7"):
        x[c] = 6 - x[c]
    out = pd.DataFrame({"respondent_id": d["respondent_id"]})
    for name, cols in SUBSCALES.items():
        m = x[cols].mean(axis=1)
        m[x[cols].isna().sum(axis=1) > 1] = float("nan")
        out[name] = m
    out["total"] = x.mean(axis=1)
    out.to_csv(sys.argv[2], index=False, na_rep="")


if __name__ == "__main__":
    main()
