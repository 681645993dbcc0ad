"""The course of care per client with pandas (groupby), as a Python user would compute it: the peer of
`instruments track` in benchmarks/compare/track.sh, written from the Semantics of issue 14's shared spec, not from
the engine's code.

usage: track.py IN.csv OUT.csv [--target nhs-talking-therapies|phq-9|gad-7] [--canonical]
                               [--sudden-gains RULE|POINTS] [--client COL] [--occasion COL]
       track.py --translate CANONICAL.csv OUT.csv [--target ...]

One output row per client (sorted by client id) with, per measure: usable administrations, first and last usable
score with their occasions, change, caseness at first and last, recovered, each reliable-change rule (threshold,
index, outcome), and with --sudden-gains the sudden gains and losses; for the protocol its outcomes caseness and
recovered. Columns are named as in the engine's CSV (the table ENGINE below); --canonical writes our own names
instead (the fixture in track-fixture/ uses them, so it does not change when the engine's names do). --translate
renames the columns of a canonical file (the fixture's expected.csv) to the engine's names for --target, keeping
only that target's columns, so that the engine's output can be compared with it directly.

The shipped PHQ-9 and GAD-7 declare no sudden-gain rule (no published cut-off), so the engine writes no sudden-gain
columns and neither does this reference by default. --sudden-gains RULE|POINTS computes them with the cut-off of the
named reliable-change rule (`nhs-talking-therapies`, `jt`) or a number of points, as `instruments track
--sudden-gains` would (track.sh passes it only when the host's `track --help` offers that option).

Rules (PHQ-9 and GAD-7 as in plugins/symptoms; the numbers are those of issue 14 and its spec):
- score: sum of the scored items (PHQ-9 items 1-9, GAD-7 items 1-7, options 0-3); empty and -99 are missing;
  PHQ-9 prorates up to 2 missing items (sum / answered * 9, as ScoringPlan does), GAD-7 allows none; beyond that
  the score is missing. A value that is not an option (in any of the instrument's items present in the file,
  the optional ones too) makes that instrument's administration invalid.
- usable: a score that is a number, in an administration that is not invalid.
- first/last usable in occasion order (numbers or ISO dates; numbers written back in canonical form, 01 -> 1, as the
  engine does), change = last - first with at least 2 usable.
- caseness: PHQ-9 >= 10, GAD-7 >= 8; recovered = case at first and not case at last.
- reliable change, lower is better: fixed (PHQ-9 6, GAD-7 4 points, |change| >= threshold); Jacobson-Truax (PHQ-9 SD
  6.17, r .851; GAD-7 SD 3.5, r .89): index = change / (sd * sqrt(2) * sqrt(1 - r)), |index| > 1.96 strict, the
  threshold reported is 1.96 * S_diff.
- sudden gains, only with --sudden-gains (Tang & DeRubeis; missing-data critical values after Lutz et al. 2013),
  positions = administrations in occasion order, unusable ones as missing: x(n) - x(n+1) >= cut-off (a rule's
  threshold in points or the given number, inclusive), >= 25% of x(n), and the
  mean of n-2..n minus the mean of n+1..n+3 > t * pooled SD (t 2.776, 3.182, 4.303 with 3+3, 3+2, 2+2 values; not
  evaluable with fewer than 2 on a side); reversal when a usable value at n+2 or later exceeds x(n+1) + gain/2.
  Sudden losses mirrored (a worsening, magnitude >= 25% of x(n), reversal below x(n+1) - loss/2).
- protocol (Kleene logic, unknown stays unknown): caseness = case at first on PHQ-9 or GAD-7; recovered = caseness
  and case at last on neither.
- two administrations of one client at the same occasion: neither is used (both rows are dropped); they, and rows
  whose occasion is not a number or date, still count in `administrations` (as in the engine).
"""
import argparse
import csv
import math
import sys
import warnings

try:
    import numpy as np
    import pandas as pd
except ImportError:  # --translate needs neither (track.sh checks the engine against the fixture without pandas)
    np = pd = None

# ---- the engine's CSV, in one place: our name -> the engine's column (None: the engine has no such column) ----
# {m} is the measure's prefix: "<alias>." for a protocol member, "" for a single instrument; {s} is the score id.
# {m} is "<instrument id>." for a protocol member (phq-9.), "" for a single instrument; {s} is the score id; {rule}
# the reliable-change rule's id in the instrument file. As `instruments track X --format csv` writes them
# (docs/change.md, "Output: one row per client" and "Output for a protocol"; checked against a real run).
ENGINE = {
    "client": "client",
    "administrations": "administrations",
    "m_administrations": None,
    "m_used": "{m}used",
    "first_occasion": "{m}{s}.first_occasion",
    "first": "{m}{s}.first",
    "last_occasion": "{m}{s}.last_occasion",
    "last": "{m}{s}.last",
    "change": "{m}{s}.change",
    "case_first": "{m}{s}.case_first",
    "case_last": "{m}{s}.case_last",
    "recovered": "{m}{s}.recovered",
    "rc_threshold": "{m}{s}.rc.{rule}.threshold",
    "rc_index": "{m}{s}.rc.{rule}.index",
    "rc_outcome": "{m}{s}.rc.{rule}.outcome",
    "sudden_gains": "{m}{s}.sudden_gains",
    "sudden_losses": "{m}{s}.sudden_losses",
    "protocol": "protocol.{outcome}",
}
# Our own names (--canonical; the fixture's): {m} is "<measure>_" (phq9_, gad7_), the score id is left out, and the
# fixed rule `nhs-talking-therapies` is called `fixed` (CANONICAL_RULE).
CANONICAL = {
    "client": "client", "administrations": "administrations", "m_administrations": None, "m_used": "{m}used",
    "first_occasion": "{m}first_occasion", "first": "{m}first", "last_occasion": "{m}last_occasion", "last": "{m}last",
    "change": "{m}change", "case_first": "{m}case_first", "case_last": "{m}case_last", "recovered": "{m}recovered",
    "rc_threshold": "{m}{rule}_threshold", "rc_index": "{m}{rule}_index", "rc_outcome": "{m}{rule}_outcome",
    "sudden_gains": "{m}sudden_gains", "sudden_losses": "{m}sudden_losses", "protocol": "protocol_{outcome}",
}
CANONICAL_RULE = {"nhs-talking-therapies": "fixed", "jt": "jt"}
# How a list of sudden gains is written in one cell, as the engine does: "pregain occasion:magnitude", with
# ":reversal" appended when reversed, joined by ";" (3:7;6:5:reversal).
SHIFT_FIELDS, SHIFT_REVERSAL, SHIFT_JOIN = ":", "reversal", ";"
# Booleans as the engine writes them; unknown is an empty cell.
TRUE, FALSE = "true", "false"
# With one usable administration the last value (and occasion) is left empty, as change is (the engine does too).
LAST_WITH_ONE_USABLE = False
# A reliable-change rule's threshold is a property of the rule: written for every client, with or without a change
# (the engine does so).
THRESHOLD_WITHOUT_CHANGE = True

MISSING_CODES = (-99,)


# A boundary met exactly in exact arithmetic counts as met although doubles round (a prorated score is a fraction such as
# 108/7, and 108/7 - 81/7 falls one rounding step short of 0.25 * 108/7): the spec's inclusive criteria allow 1e-9
# relative, its strict ones demand more than that.
def slack(bound):
    return 1e-9 * np.maximum(1.0, np.abs(bound))


def at_least(value, bound):
    return value >= bound - slack(bound)
OPTIONS = (0, 1, 2, 3)  # consecutive integers: score() checks min <= x <= max and x whole
T_CRIT = {(3, 3): 2.776, (2, 3): 3.182, (3, 2): 3.182, (2, 2): 4.303}
RELATIVE = 0.25


def jt(sd, r, critical=1.96):
    return {"method": "jacobson-truax", "sd": sd, "reliability": r, "critical": critical}


MEASURES = {
    "phq9": {
        "instrument": "phq-9", "score": "total",
        "items": [f"phq9_{i}" for i in range(1, 10)], "optional": ["phq9_10"],
        "max_missing": 2, "prorate": True, "case_min": 10,
        "rules": {"nhs-talking-therapies": {"method": "fixed", "threshold": 6}, "jt": jt(6.17, 0.851)},
    },
    "gad7": {
        "instrument": "gad-7", "score": "total",
        "items": [f"gad7_{i}" for i in range(1, 8)], "optional": ["gad7_8"],
        "max_missing": 0, "prorate": False, "case_min": 8,
        "rules": {"nhs-talking-therapies": {"method": "fixed", "threshold": 4}, "jt": jt(3.5, 0.89)},
    },
}
TARGETS = {"nhs-talking-therapies": ["phq9", "gad7"], "phq-9": ["phq9"], "gad-7": ["gad7"]}
PROTOCOL_OUTCOMES = ["caseness", "recovered"]


def read(path, client_col, occasion_col, measures):
    items = [c for m in measures for c in MEASURES[m]["items"] + MEASURES[m]["optional"]]
    head = pd.read_csv(path, nrows=0).columns
    usecols = [client_col, occasion_col] + [c for c in items if c in head]
    d = pd.read_csv(path, usecols=usecols, dtype={client_col: str, occasion_col: str}, keep_default_na=False,
                    na_values={c: [""] for c in usecols[2:]})
    d = d[d[client_col].str.len() > 0]  # an empty client id: the row is not used
    per_client = d[client_col].value_counts(sort=False)  # administrations: every row of the client, used or not
    occ = d[occasion_col]
    num = pd.to_numeric(occ, errors="coerce")
    numbers = len(d) == 0 or bool(num.notna().iloc[0])  # the file's first occasion sets the kind
    if numbers:
        key = num  # a row whose occasion is not a number is not used
    else:
        key = pd.to_datetime(occ, format="%Y-%m-%d", errors="coerce").astype("int64").astype("float64")
        key[key < -9e18] = np.nan  # NaT
    d = d.assign(_key=key)
    d = d[d["_key"].notna()]
    dup = d.duplicated([client_col, "_key"], keep=False)
    if dup.any():
        d = d[~dup]
    return d.sort_values([client_col, "_key"], kind="stable").reset_index(drop=True), numbers, per_client


def score(d, m):
    """One measure's score per row, NaN where not usable."""
    spec = MEASURES[m]
    absent = [c for c in spec["items"] if c not in d.columns]
    if absent:
        raise SystemExit(f"track.py: the input has no column {', '.join(absent)}")
    present = spec["items"] + [c for c in spec["optional"] if c in d.columns]
    cells = d[present]
    values = cells.apply(pd.to_numeric, errors="coerce").to_numpy(dtype="float64")  # text that is no number: NaN
    empty = cells.isna().to_numpy()
    code = np.zeros(values.shape, dtype=bool)
    for c in MISSING_CODES:
        code |= values == c
    option = (values >= min(OPTIONS)) & (values <= max(OPTIONS)) & (values == np.floor(values))
    invalid = (~(empty | code | option)).any(axis=1)
    k = len(spec["items"])
    x = values[:, :k]  # the scored items come first in `present`
    ok = option[:, :k]
    answered = ok.sum(axis=1)
    total = np.where(ok, x, 0.0).sum(axis=1)
    missing = k - answered
    with np.errstate(invalid="ignore", divide="ignore"):
        value = np.where(missing == 0, total, total / answered * k if spec["prorate"] else np.nan)
    value[missing > spec["max_missing"]] = np.nan
    value[invalid] = np.nan
    return value


def shifts(x, g, lower_is_better, cutoff, occ):
    """Sudden gains (improvements) or losses (worsenings) per row as pregain; returns (mask, magnitude, reversal)."""
    s = pd.Series(x)
    sh = {k: s.groupby(g).shift(k).to_numpy() for k in (2, 1, -1, -2, -3)}
    a, b = x, sh[-1]
    # "better" is a drop for lower-is-better; a loss is the mirror.
    sign = 1.0 if lower_is_better else -1.0
    out = {}
    for kind, sgn in (("gains", sign), ("losses", -sign)):
        step = sgn * (a - b)
        with np.errstate(invalid="ignore"):
            c1 = at_least(step, cutoff)
            c2 = at_least(step, RELATIVE * a)
            pre = np.vstack([sh[2], sh[1], a])
            post = np.vstack([b, sh[-2], sh[-3]])
            npre = np.isfinite(pre).sum(axis=0)
            npost = np.isfinite(post).sum(axis=0)
            evaluable = (npre >= 2) & (npost >= 2)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)
                mpre, mpost = np.nanmean(pre, axis=0), np.nanmean(post, axis=0)
                vpre, vpost = np.nanvar(pre, axis=0, ddof=1), np.nanvar(post, axis=0, ddof=1)
            pooled = np.sqrt(((npre - 1) * vpre + (npost - 1) * vpost) / (npre + npost - 2))
            t = np.select([(npre == 3) & (npost == 3), (npre + npost) == 5, (npre == 2) & (npost == 2)],
                          [2.776, 3.182, 4.303], np.nan)
            c3 = evaluable & (sgn * (mpre - mpost) > t * pooled)
            hit = np.isfinite(a) & np.isfinite(b) & c1 & c2 & c3
            # Reversal: a usable value at n+2 or later gives back more than half of it.
            later = pd.Series(sh[-2])
            if sgn > 0 and lower_is_better or sgn < 0 and not lower_is_better:  # a drop: look for a later high
                ext = later.fillna(-np.inf)[::-1].groupby(g[::-1]).cummax()[::-1].to_numpy()
                rev = ext > b + step / 2 + slack(b + step / 2)
            else:  # a rise: look for a later low
                ext = later.fillna(np.inf)[::-1].groupby(g[::-1]).cummin()[::-1].to_numpy()
                rev = ext < b - step / 2 - slack(b - step / 2)
        out[kind] = (hit, step, rev)
    return out


def fmt_num(v):
    if not math.isfinite(v):
        return ""
    return str(int(v)) if v == int(v) and abs(v) < 1e15 else repr(float(v))


def cutoff_of(spec, sudden_gains):
    """The sudden-gain cut-off in points: a reliable-change rule's threshold, or a number."""
    rule = spec["rules"].get(sudden_gains)
    if rule is None:
        try:
            return float(sudden_gains)
        except ValueError:
            raise SystemExit(f"track.py: --sudden-gains '{sudden_gains}' is neither a rule "
                             f"({', '.join(spec['rules'])}) nor a number")
    if rule["method"] == "fixed":
        return float(rule["threshold"])
    return rule["critical"] * rule["sd"] * math.sqrt(2) * math.sqrt(1 - rule["reliability"])


def track(path, target, client_col="client_id", occasion_col="session", sudden_gains=None):
    measures = TARGETS[target]
    d, numbers, per_client = read(path, client_col, occasion_col, measures)
    g = pd.factorize(d[client_col], sort=False)[0]  # sorted by client: codes in order
    clients = d[client_col].to_numpy()[np.r_[0, np.flatnonzero(np.diff(g)) + 1]] if len(d) else np.array([], dtype=object)
    # Occasions are written in canonical form as the engine does (01 -> 1, 1e0 -> 1); dates are already canonical.
    occ = (d["_key"] if numbers else d[occasion_col]).to_numpy()
    canonical_occasion = (lambda a: pd.Series(a, dtype="float64").map(fmt_num).to_numpy()) if numbers \
        else (lambda a: a)
    gs = pd.Series(g)
    n_adm = per_client.reindex(clients).to_numpy()  # counting the rows dropped above (duplicates, bad occasions)
    cols = {"client": clients, "administrations": n_adm}
    facts = {}
    for m in measures:
        spec = MEASURES[m]
        x = score(d, m)
        xs = pd.Series(x)
        usable = np.isfinite(x)
        used = pd.Series(usable).groupby(g).sum().to_numpy()
        first = xs.groupby(g).first().to_numpy()  # first non-missing
        last = xs.groupby(g).last().to_numpy()
        uo = pd.Series(np.where(usable, occ, np.nan if numbers else None))
        first_occ = canonical_occasion(uo.groupby(g).first().to_numpy())
        last_occ = canonical_occasion(uo.groupby(g).last().to_numpy())
        two = used >= 2
        one = used >= 1
        change = np.where(two, last - first, np.nan)
        case_first = pd.array(np.where(one, first >= spec["case_min"], False), dtype="boolean")
        case_first[~one] = pd.NA
        case_last = pd.array(np.where(two, last >= spec["case_min"], False), dtype="boolean")
        case_last[~two] = pd.NA
        recovered = case_first & ~case_last
        recovered[~two] = pd.NA
        p = {"m_administrations": n_adm, "m_used": used, "first_occasion": first_occ, "first": first,
             "last_occasion": np.where(two if not LAST_WITH_ONE_USABLE else one, last_occ, None),
             "last": np.where(two if not LAST_WITH_ONE_USABLE else one, last, np.nan),
             "change": change, "case_first": case_first, "case_last": case_last, "recovered": recovered}
        rc = {}
        for rid, rule in spec["rules"].items():
            if rule["method"] == "fixed":
                threshold = float(rule["threshold"])
                reliable = at_least(np.abs(change), threshold)
                index = np.full(len(change), np.nan)
            else:
                sdiff = rule["sd"] * math.sqrt(2) * math.sqrt(1 - rule["reliability"])
                threshold = rule["critical"] * sdiff
                index = change / sdiff
                reliable = np.abs(index) > rule["critical"]
            outcome = np.where(reliable, np.where(change < 0, "improved", "deteriorated"), "unchanged").astype(object)
            outcome[~two] = None
            rc[rid] = (np.where(two | THRESHOLD_WITHOUT_CHANGE, threshold, np.nan), index, outcome)
        if sudden_gains is None:  # no sudden-gain rule: no columns (the engine writes none either)
            cols[m] = (p, rc)
            facts[m] = (case_first, case_last)
            continue
        sg = shifts(x, g, True, cutoff_of(spec, sudden_gains), occ)
        lists = {}
        for kind, (hit, step, rev) in sg.items():
            rows = np.flatnonzero(hit)
            text = pd.Series(canonical_occasion(occ[rows])).astype(str) + SHIFT_FIELDS + pd.Series(step[rows]).map(fmt_num) \
                + pd.Series(np.where(rev[rows], SHIFT_FIELDS + SHIFT_REVERSAL, ""))
            cell = np.full(len(clients), "", dtype=object)
            keys, text = g[rows], text.to_numpy()
            bounds = np.r_[0, np.flatnonzero(np.diff(keys)) + 1, len(keys)] if len(keys) else np.zeros(1, int)
            for i, j in zip(bounds[:-1], bounds[1:]):
                cell[keys[i]] = SHIFT_JOIN.join(text[i:j])
            lists[kind] = cell
        p["sudden_gains"], p["sudden_losses"] = lists["gains"], lists["losses"]
        cols[m] = (p, rc)
        facts[m] = (case_first, case_last)
    if len(measures) > 1:
        caseness = None
        for m in measures:
            caseness = facts[m][0] if caseness is None else caseness | facts[m][0]
        recovered = caseness
        for m in measures:
            recovered = recovered & ~facts[m][1]
        cols["protocol"] = {"caseness": caseness, "recovered": recovered}
    return cols


def cells(value):
    """Booleans (pandas' nullable boolean) as the engine writes them: true, false, or empty for unknown."""
    if isinstance(value, pd.arrays.BooleanArray):
        text = np.where(value.fillna(False).to_numpy(dtype=bool), TRUE, FALSE).astype(object)
        text[value.isna()] = ""
        return text
    return value


def names_of(target, canonical):
    """(key, names, value getter) for every column of TARGET, in the engine's order; value getter takes cols."""
    measures = TARGETS[target]
    protocol = len(measures) > 1
    table = CANONICAL if canonical else ENGINE
    out = []

    def put(key, get, **names):
        template = table[key]
        if template is None:
            return
        out.append((template.format(**{"m": "", "s": "", "rule": "", "outcome": "", **names}), get))

    put("client", lambda c: c["client"])
    put("administrations", lambda c: c["administrations"])
    for m in measures:
        if canonical:
            names = {"m": f"{m}_", "s": MEASURES[m]["score"]}
        else:
            names = {"m": f"{MEASURES[m]['instrument']}." if protocol else "", "s": MEASURES[m]["score"]}
        for key in ("m_administrations", "m_used", "first_occasion", "first", "last_occasion", "last", "change",
                    "case_first", "case_last", "recovered"):
            put(key, lambda c, m=m, key=key: c[m][0][key], **names)
        for rid in MEASURES[m]["rules"]:
            rule = CANONICAL_RULE[rid] if canonical else rid
            for i, key in enumerate(("rc_threshold", "rc_index", "rc_outcome")):
                put(key, lambda c, m=m, rid=rid, i=i: c[m][1][rid][i], rule=rule, **names)
        for key in ("sudden_gains", "sudden_losses"):
            put(key, lambda c, m=m, key=key: c[m][0].get(key), **names)
    if protocol:
        for o in PROTOCOL_OUTCOMES:
            put("protocol", lambda c, o=o: c["protocol"][o], outcome=o)
    return out


def frame(cols, target, canonical):
    out = {}
    for name, get in names_of(target, canonical):
        value = get(cols)
        if value is not None:  # the sudden-gain columns without --sudden-gains
            out[name] = cells(value)
    return pd.DataFrame(out)


def translate(path, out, target):
    """A canonical file (the fixture's expected.csv) with the engine's column names for TARGET, its columns only."""
    canonical = [name for name, _ in names_of(target, True)]
    engine = [name for name, _ in names_of(target, False)]
    with open(path, newline="") as f:
        rows = list(csv.DictReader(f))
        columns = list(rows[0]) if rows else []
    keep = [(c, e) for c, e in zip(canonical, engine) if c in columns]
    with open(out, "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow([e for _, e in keep])
        w.writerows([row[c] for c, _ in keep] for row in rows)


def main():
    ap = argparse.ArgumentParser(description="course of care per client with pandas (the peer of instruments track)")
    ap.add_argument("input")
    ap.add_argument("output")
    ap.add_argument("--target", choices=sorted(TARGETS), default="nhs-talking-therapies")
    ap.add_argument("--canonical", action="store_true", help="our own column names (the fixture's), not the engine's")
    ap.add_argument("--sudden-gains", metavar="RULE|POINTS",
                    help="compute sudden gains and losses with this cut-off (a reliable-change rule id or points)")
    ap.add_argument("--translate", action="store_true",
                    help="INPUT is a canonical table: write it with the engine's column names for --target")
    ap.add_argument("--client", default="client_id")
    ap.add_argument("--occasion", default="session")
    a = ap.parse_args()
    if a.translate:
        translate(a.input, a.output, a.target)
        return 0
    if pd is None:
        raise SystemExit("track.py: pandas is not installed (Debian: python3-pandas)")
    cols = track(a.input, a.target, a.client, a.occasion, a.sudden_gains)
    df = frame(cols, a.target, a.canonical)
    df.to_csv(a.output, index=False, na_rep="")


if __name__ == "__main__":
    sys.exit(main())
