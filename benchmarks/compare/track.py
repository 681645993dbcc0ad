"""The course of care per client with pandas (groupby), as a Python user would compute it: the peer of
`instruments track` in benchmarks/compare/track.sh, written from the Semantics of issue 14's shared spec, not from
the engine's code.

usage: track.py IN.csv OUT.csv [--target nhs-talking-therapies|phq-9|gad-7] [--canonical]
                               [--client COL] [--occasion COL]

One output row per client (sorted by client id) with, per measure: administrations, usable administrations, first
and last usable score with their occasions, change, caseness at first and last, recovered, each reliable-change rule
(threshold, index, outcome), the sudden gains and losses; for the protocol its outcomes caseness and recovered.
Columns are named as in the engine's CSV (the table ENGINE below); --canonical writes our own names instead (the
fixture in track-fixture/ uses them, so it does not change when the engine's names do).

Rules (PHQ-9 and GAD-7 as in plugins/symptoms; the numbers are those of issue 14 and its spec):
- score: sum of the scored items (PHQ-9 items 1-9, GAD-7 items 1-7, options 0-3); empty and -99 are missing;
  PHQ-9 prorates up to 2 missing items (sum / answered * 9, as ScoringPlan does), GAD-7 allows none; beyond that
  the score is missing. A value that is not an option (in any of the instrument's items present in the file,
  the optional ones too) makes that instrument's administration invalid.
- usable: a score that is a number, in an administration that is not invalid.
- first/last usable in occasion order (numbers or ISO dates), change = last - first with at least 2 usable.
- caseness: PHQ-9 >= 10, GAD-7 >= 8; recovered = case at first and not case at last.
- reliable change, lower is better: fixed (PHQ-9 6, GAD-7 4 points, |change| >= threshold); Jacobson-Truax (PHQ-9 SD
  6.17, r .851; GAD-7 SD 3.5, r .89): index = change / (sd * sqrt(2) * sqrt(1 - r)), |index| > 1.96 strict, the
  threshold reported is 1.96 * S_diff.
- sudden gains (Tang & DeRubeis; missing-data critical values after Lutz et al. 2013), positions = administrations in
  occasion order, unusable ones as missing: x(n) - x(n+1) >= cut-off (the fixed threshold), >= 25% of x(n), and the
  mean of n-2..n minus the mean of n+1..n+3 > t * pooled SD (t 2.776, 3.182, 4.303 with 3+3, 3+2, 2+2 values; not
  evaluable with fewer than 2 on a side); reversal when a usable value at n+2 or later exceeds x(n+1) + gain/2.
  Sudden losses mirrored (a worsening, magnitude >= 25% of x(n), reversal below x(n+1) - loss/2).
- protocol (Kleene logic, unknown stays unknown): caseness = case at first on PHQ-9 or GAD-7; recovered = caseness
  and case at last on neither.
- two administrations of one client at the same occasion: neither is used (both rows are dropped).
"""
import argparse
import math
import sys
import warnings

import numpy as np
import pandas as pd

# ---- the engine's CSV, in one place: our name -> the engine's column (None: the engine has no such column) ----
# {m} is the measure's prefix: "<alias>." for a protocol member, "" for a single instrument; {s} is the score id.
ENGINE = {
    "client": "client",
    "administrations": "administrations",
    "m_administrations": None,
    "m_used": "{m}{s}.used",
    "first_occasion": "{m}{s}.first.occasion",
    "first": "{m}{s}.first.value",
    "last_occasion": "{m}{s}.last.occasion",
    "last": "{m}{s}.last.value",
    "change": "{m}{s}.change",
    "case_first": "{m}{s}.case_first",
    "case_last": "{m}{s}.case_last",
    "recovered": "{m}{s}.recovered",
    "rc_threshold": "{m}{s}.reliable_change.{rule}.threshold",
    "rc_index": "{m}{s}.reliable_change.{rule}.index",
    "rc_outcome": "{m}{s}.reliable_change.{rule}.outcome",
    "sudden_gains": "{m}{s}.sudden_gains",
    "sudden_losses": "{m}{s}.sudden_losses",
    "protocol": "protocol.{outcome}",
}
# Our own names (--canonical; the fixture's): {m} is "<measure>_" (phq9_, gad7_), the score id is left out.
CANONICAL = {
    "client": "client", "administrations": "administrations", "m_administrations": None, "m_used": "{m}used",
    "first_occasion": "{m}first_occasion", "first": "{m}first", "last_occasion": "{m}last_occasion", "last": "{m}last",
    "change": "{m}change", "case_first": "{m}case_first", "case_last": "{m}case_last", "recovered": "{m}recovered",
    "rc_threshold": "{m}{rule}_threshold", "rc_index": "{m}{rule}_index", "rc_outcome": "{m}{rule}_outcome",
    "sudden_gains": "{m}sudden_gains", "sudden_losses": "{m}sudden_losses", "protocol": "protocol_{outcome}",
}
# How a list of sudden gains is written in one cell: "pregain occasion:magnitude:reversal", joined by ";".
SHIFT_FIELDS, SHIFT_JOIN = ":", ";"
# With one usable administration the last value (and occasion) is left empty, as change is.
LAST_WITH_ONE_USABLE = False
# A reliable-change rule's threshold is written only for clients with a change.
THRESHOLD_WITHOUT_CHANGE = False

MISSING_CODES = (-99,)
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
        "rules": {"fixed": {"method": "fixed", "threshold": 6}, "jt": jt(6.17, 0.851)},
        "sudden_cutoff": 6,
    },
    "gad7": {
        "instrument": "gad-7", "score": "total",
        "items": [f"gad7_{i}" for i in range(1, 8)], "optional": ["gad7_8"],
        "max_missing": 0, "prorate": False, "case_min": 8,
        "rules": {"fixed": {"method": "fixed", "threshold": 4}, "jt": jt(3.5, 0.89)},
        "sudden_cutoff": 4,
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
    return d.sort_values([client_col, "_key"], kind="stable").reset_index(drop=True)


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
            c1 = step >= cutoff
            c2 = step >= RELATIVE * a
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
                rev = ext > b + step / 2
            else:  # a rise: look for a later low
                ext = later.fillna(np.inf)[::-1].groupby(g[::-1]).cummin()[::-1].to_numpy()
                rev = ext < b - step / 2
        out[kind] = (hit, step, rev)
    return out


def fmt_num(v):
    if not math.isfinite(v):
        return ""
    return str(int(v)) if v == int(v) and abs(v) < 1e15 else repr(float(v))


def track(path, target, client_col="client_id", occasion_col="session"):
    measures = TARGETS[target]
    d = read(path, client_col, occasion_col, measures)
    g = pd.factorize(d[client_col], sort=False)[0]  # sorted by client: codes in order
    clients = d[client_col].to_numpy()[np.r_[0, np.flatnonzero(np.diff(g)) + 1]] if len(d) else np.array([], dtype=object)
    occ = d[occasion_col].to_numpy()
    gs = pd.Series(g)
    n_adm = gs.groupby(g).size().to_numpy()
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
        uo = pd.Series(np.where(usable, occ, None))
        first_occ = uo.groupby(g).first().to_numpy()
        last_occ = uo.groupby(g).last().to_numpy()
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
                reliable = np.abs(change) >= threshold
                index = np.full(len(change), np.nan)
            else:
                sdiff = rule["sd"] * math.sqrt(2) * math.sqrt(1 - rule["reliability"])
                threshold = rule["critical"] * sdiff
                index = change / sdiff
                reliable = np.abs(index) > rule["critical"]
            outcome = np.where(reliable, np.where(change < 0, "improved", "deteriorated"), "unchanged").astype(object)
            outcome[~two] = None
            rc[rid] = (np.where(two | THRESHOLD_WITHOUT_CHANGE, threshold, np.nan), index, outcome)
        sg = shifts(x, g, True, spec["sudden_cutoff"], occ)
        lists = {}
        for kind, (hit, step, rev) in sg.items():
            rows = np.flatnonzero(hit)
            text = pd.Series(occ[rows]).astype(str) + SHIFT_FIELDS + pd.Series(step[rows]).map(fmt_num) + SHIFT_FIELDS \
                + pd.Series(np.where(rev[rows], "true", "false"))
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


def frame(cols, target, canonical):
    measures = TARGETS[target]
    protocol = len(measures) > 1
    table = CANONICAL if canonical else ENGINE
    out = {}

    def put(key, value, **names):
        template = table[key]
        if template is None:
            return
        name = template.format(**{"m": "", "s": "", "rule": "", "outcome": "", **names})
        out[name] = value

    put("client", cols["client"])
    put("administrations", cols["administrations"])
    for m in measures:
        p, rc = cols[m]
        names = {"m": (f"{m}_" if canonical else f"{m}.") if protocol or canonical else "", "s": MEASURES[m]["score"]}
        for key in ("m_administrations", "m_used", "first_occasion", "first", "last_occasion", "last", "change",
                    "case_first", "case_last", "recovered"):
            put(key, p[key], **names)
        for rid, (threshold, index, outcome) in rc.items():
            put("rc_threshold", threshold, rule=rid, **names)
            put("rc_index", index, rule=rid, **names)
            put("rc_outcome", outcome, rule=rid, **names)
        put("sudden_gains", p["sudden_gains"], **names)
        put("sudden_losses", p["sudden_losses"], **names)
    if protocol:
        for o in PROTOCOL_OUTCOMES:
            put("protocol", cols["protocol"][o], outcome=o)
    return pd.DataFrame(out)


def main():
    ap = argparse.ArgumentParser(description="course of care per client with pandas (the peer of instruments track)")
    ap.add_argument("input")
    ap.add_argument("output")
    ap.add_argument("--target", choices=sorted(TARGETS), default="nhs-talking-therapies")
    ap.add_argument("--canonical", action="store_true", help="our own column names (the fixture's), not the engine's")
    ap.add_argument("--client", default="client_id")
    ap.add_argument("--occasion", default="session")
    a = ap.parse_args()
    cols = track(a.input, a.target, a.client, a.occasion)
    df = frame(cols, a.target, a.canonical)
    df.to_csv(a.output, index=False, na_rep="")


if __name__ == "__main__":
    sys.exit(main())
