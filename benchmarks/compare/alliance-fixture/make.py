"""Writes the fixture of benchmarks/compare/alliance.sh: the inputs and the values expected, worked out by hand from
the definitions in docs/alliance.md (the arithmetic of each case is in the comments; the across-dyad figures are
computed below in exact fractions from the formulas, square roots last). Standard library only; run it from this
folder. It shares no code with alliance.py or the engine.

Every item of an administration has the same value v unless noted, so task = bond = goal = 4v and total = 12v.

track.csv (instruments track wai-sr), expected columns: client, administrations, used, and for task and total the
first/last/change, early_slope and both rules' sd, count, repaired, unrepaired, v_shape, list:
- c01: v 4,3,4,4 (total 48,36,48,48): SD 6, drop 12 = exactly 2 SD: a rupture under both rules (inclusive), repaired
  at 3 by a value exactly at the pre-rupture level (inclusive); early slope Sxy 6 / Sxx 5 = 1.2 (task 0.4).
- c02: v 4,3,4,4,5 (48,36,48,48,60): SD sqrt(72) = 8.49, the same drop is 1.41 SD: strauss-2006 only; slope 3.6.
- c03: one administration: not evaluable (empty rule cells), no last, no slope.
- c04: v 5,5,5: constant, SD 0, evaluable with no rupture; slope 0.
- c05: rows out of order; occasion 2 invalid (wai1 = 6); v 5,-,5,3,4,5,5 (60,-,60,36,48,60,60): mean 54, SD
  sqrt(504/5); drop 24 at 4 (2.39 SD) under both rules, pre-level 60, 48 at 5 is not back, 60 at 6 repairs: the repair
  is the 6th administration, outside the first five: v_shape false. Early slope over administrations 1-5 with the
  unusable 2nd left as a gap: x 1,3,4,5, y 60,60,36,48: Sxy -39 / Sxx 8.75.
- c06: v 5,4,3,5 (60,48,36,60): SD sqrt(132) = 11.49; two drops of 12 (1.04 SD), overlapping ruptures at 2 and 3 under
  strauss-2006, both repaired at 4; none under stiles-2004; slope -1.2.
- c07: v 5,5,3,4 with wai12 missing (-99) at 2: task and total not computed there (bond and goal are); total 60,-,36,48:
  SD 12, drop 24 = exactly 2 SD at 3, never back to 60: unrepaired; slope x 1,3,4, y 60,36,48: -24 / (42/9) = -36/7.

client.csv / therapist.csv (instruments agree bench-wai-client), by client and occasion:
- d1: client v 5,4,5, therapist 4,4,3 at 1-3: pairs (60,48), (48,48), (60,36).
- d2: client 3,3 at 1-2 and 4 at 3; therapist 3,2 at 1-2 and 2 at 4: pairs (36,36), (36,24); client 3 and therapist 4
  unpaired.
- d3: client 2 at 1-2; therapist 1 at 1 and at 2 with wai7 = 0 (invalid, RSP2040): pair (24,12); client 2 unpaired.
- d4: client wai5 missing at 1 (bond not computed: the administration is not used, RSP2040); therapist 3 at 1 unpaired.
"""
import csv
import math
from fractions import Fraction as F

H = "client_id,session," + ",".join(f"wai{i}" for i in range(1, 13))


def row(cid, occ, v, over=None):
    cells = [str(v)] * 12
    for i, x in (over or {}).items():
        cells[i - 1] = x
    return f"{cid},{occ}," + ",".join(cells)


def num(x):
    if x is None:
        return ""
    if isinstance(x, str):
        return x
    x = float(x)
    return str(int(x)) if x == int(x) else repr(x)


def write(path, header, rows):
    with open(path, "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header)
        w.writerows([num(x) for x in r] for r in rows)


def inputs():
    track = [
        row("c01", 1, 4), row("c01", 2, 3), row("c01", 3, 4), row("c01", 4, 4),
        row("c02", 1, 4), row("c02", 2, 3), row("c02", 3, 4), row("c02", 4, 4), row("c02", 5, 5),
        row("c03", 1, 3),
        row("c04", 1, 5), row("c04", 2, 5), row("c04", 3, 5),
        row("c05", 6, 5), row("c05", 1, 5), row("c05", 4, 3), row("c05", 2, 5, {1: "6"}), row("c05", 7, 5),
        row("c05", 3, 5), row("c05", 5, 4),
        row("c06", 1, 5), row("c06", 2, 4), row("c06", 3, 3), row("c06", 4, 5),
        row("c07", 1, 5), row("c07", 2, 5, {12: "-99"}), row("c07", 3, 3), row("c07", 4, 4),
    ]
    client = [row("d1", 1, 5), row("d1", 2, 4), row("d1", 3, 5), row("d2", 1, 3), row("d2", 2, 3), row("d2", 3, 4),
              row("d3", 1, 2), row("d3", 2, 2), row("d4", 1, 3, {5: "-99"})]
    therapist = [row("d1", 1, 4), row("d1", 2, 4), row("d1", 3, 3), row("d2", 1, 3), row("d2", 2, 2), row("d2", 4, 2),
                 row("d3", 1, 1), row("d3", 2, 1, {7: "0"}), row("d4", 1, 3)]
    for path, lines in (("track.csv", track), ("client.csv", client), ("therapist.csv", therapist)):
        with open(path, "w") as f:
            f.write(H + "\n" + "\n".join(lines) + "\n")


def track_expected():
    header = ["client", "administrations", "used"]
    rules = ["stiles-2004", "strauss-2006"]
    for s in ["task", "total"]:
        header += [f"{s}.{p}" for p in ["first_occasion", "first", "last_occasion", "last", "change", "early_slope"]]
        header += [f"{s}.rupture.{r}.{c}" for r in rules for c in ["sd", "count", "repaired", "unrepaired", "v_shape", "list"]]

    def score(first, last, change, slope, stiles, strauss):
        return [*first, *last, change, slope, *stiles, *strauss]

    def rule(sd, count, repaired, v, text):
        return [sd, count, repaired, count - repaired, v, text]

    none = [None] * 6
    rows = [
        ["c01", 4, 4,
         *score((1, 16), (4, 16), 0, F(2, 5), rule(2, 1, 1, "true", "2:4:3"), rule(2, 1, 1, "true", "2:4:3")),
         *score((1, 48), (4, 48), 0, F(6, 5), rule(6, 1, 1, "true", "2:12:3"), rule(6, 1, 1, "true", "2:12:3"))],
        ["c02", 5, 5,
         *score((1, 16), (5, 20), 4, F(6, 5), rule(math.sqrt(8), 0, 0, "false", ""), rule(math.sqrt(8), 1, 1, "true", "2:4:3")),
         *score((1, 48), (5, 60), 12, F(18, 5), rule(math.sqrt(72), 0, 0, "false", ""), rule(math.sqrt(72), 1, 1, "true", "2:12:3"))],
        ["c03", 1, 1, *score((1, 12), (None, None), None, None, none, none),
         *score((1, 36), (None, None), None, None, none, none)],
        ["c04", 3, 3,
         *score((1, 20), (3, 20), 0, 0, rule(0, 0, 0, "false", ""), rule(0, 0, 0, "false", "")),
         *score((1, 60), (3, 60), 0, 0, rule(0, 0, 0, "false", ""), rule(0, 0, 0, "false", ""))],
        ["c05", 7, 6,
         *score((1, 20), (7, 20), 0, F(-13) / F(35, 4), rule(math.sqrt(11.2), 1, 1, "false", "4:8:6"),
                rule(math.sqrt(11.2), 1, 1, "false", "4:8:6")),
         *score((1, 60), (7, 60), 0, F(-39) / F(35, 4), rule(math.sqrt(100.8), 1, 1, "false", "4:24:6"),
                rule(math.sqrt(100.8), 1, 1, "false", "4:24:6"))],
        ["c06", 4, 4,
         *score((1, 20), (4, 20), 0, F(-2, 5), rule(math.sqrt(F(132, 9)), 0, 0, "false", ""),
                rule(math.sqrt(F(132, 9)), 2, 2, "true", "2:4:4;3:4:4")),
         *score((1, 60), (4, 60), 0, F(-6, 5), rule(math.sqrt(132), 0, 0, "false", ""),
                rule(math.sqrt(132), 2, 2, "true", "2:12:4;3:12:4"))],
        ["c07", 4, 4,
         *score((1, 20), (4, 16), -4, F(-12, 7), rule(4, 1, 0, "false", "3:8:unrepaired"), rule(4, 1, 0, "false", "3:8:unrepaired")),
         *score((1, 60), (4, 48), -12, F(-36, 7), rule(12, 1, 0, "false", "3:24:unrepaired"),
                rule(12, 1, 0, "false", "3:24:unrepaired"))],
    ]
    write("track-expected.csv", header, rows)


# The pairs (client, therapist totals) with their lines; every paired administration has one value v on all items.
PAIRS = [("d1", 1, 2, 2, 60, 48), ("d1", 2, 3, 3, 48, 48), ("d1", 3, 4, 4, 60, 36),
         ("d2", 1, 5, 5, 36, 36), ("d2", 2, 6, 6, 36, 24), ("d3", 1, 8, 8, 24, 12)]


def pairs_expected():
    rows = [["paired", d, o, cl, tl, c, t, c - t] for d, o, cl, tl, c, t in PAIRS]
    rows += [["unpaired", "d2", 3, 7, None, 48, None, None], ["unpaired", "d3", 2, 9, None, 24, None, None],
             ["unpaired", "d2", 4, None, 7, None, 24, None], ["unpaired", "d4", 1, None, 10, None, 36, None]]
    # The rows not used (RSP2040), listed in the pairs table too: the client's d4 at 1 (bond not computed), the
    # therapist's d3 at 2 (wai7 = 0 is not an option).
    rows += [["unusable", "d4", 1, 10, None, None, None, None], ["unusable", "d3", 2, None, 9, None, None, None]]
    write("pairs-expected.csv", ["status", "client_id", "occasion", "client_line", "therapist_line", "total.client",
                                 "total.therapist", "total.difference"], rows)


def mean(v):
    return sum(v, F(0)) / len(v)


def var(v):
    m = mean(v)
    return sum(((x - m) ** 2 for x in v), F(0)) / (len(v) - 1)


def across(c, t):
    """n, means, mean and SD of differences, Bland-Altman limits, Pearson r, ICC(A,1) from the ANOVA table (k = 2)."""
    n = len(c)
    d = [a - b for a, b in zip(c, t)]
    sd = math.sqrt(var(d))
    md, mc, mt = mean(d), mean(c), mean(t)
    sxy = sum(((a - mc) * (b - mt) for a, b in zip(c, t)), F(0))
    sxx = sum(((a - mc) ** 2 for a in c), F(0))
    syy = sum(((b - mt) ** 2 for b in t), F(0))
    k = 2
    g = (sum(c, F(0)) + sum(t, F(0))) / (n * k)
    ssr = k * sum((((a + b) / 2 - g) ** 2 for a, b in zip(c, t)), F(0))
    ssc = n * ((mc - g) ** 2 + (mt - g) ** 2)
    sse = sum(((x - g) ** 2 for x in c + t), F(0)) - ssr - ssc
    msr, msc, mse = ssr / (n - 1), ssc / (k - 1), sse / ((n - 1) * (k - 1))
    icc = (msr - mse) / (msr + (k - 1) * mse + F(k, n) * (msc - mse))
    return [n, mc, mt, md, sd, float(md) - 1.96 * sd, float(md) + 1.96 * sd, float(sxy) / math.sqrt(sxx * syy), icc]


def summary_expected():
    rows = []
    for score, scale in (("task", F(1, 3)), ("bond", F(1, 3)), ("goal", F(1, 3)), ("total", F(1))):
        dyads = {}
        for d, _, _, _, c, t in PAIRS:
            dyads.setdefault(d, []).append((F(c) * scale, F(t) * scale))
        for d, v in dyads.items():
            diff = [a - b for a, b in v]
            rows.append(["dyad", d, score, len(v), mean([a for a, _ in v]), mean([b for _, b in v]), mean(diff),
                         math.sqrt(var(diff)) if len(v) > 1 else None, None, None, None, None])
        mc = [mean([a for a, _ in v]) for v in dyads.values()]
        mt = [mean([b for _, b in v]) for v in dyads.values()]
        rows.append(["over_dyads", "", score, *across(mc, mt)])
        rows.append(["over_pairs", "", score, *across([F(p[4]) * scale for p in PAIRS], [F(p[5]) * scale for p in PAIRS])])
    write("summary-expected.csv", ["level", "client_id", "score", "n", "mean_client", "mean_therapist", "mean_difference",
                                   "sd_difference", "lower_limit", "upper_limit", "pearson_r", "icc_a1"], rows)


if __name__ == "__main__":
    inputs()
    track_expected()
    pairs_expected()
    summary_expected()
