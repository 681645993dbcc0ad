"""Ruptures and repairs, and client-therapist agreement, with pandas, as a Python user would compute them: the peer of
`instruments track wai-sr` and `instruments agree` in benchmarks/compare/alliance.sh, written from the definitions in
docs/alliance.md ("Ruptures and repairs", "Client and therapist agreement"), not from the engine's code.

usage: alliance.py track IN.csv OUT.csv [--client COL] [--occasion COL]
       alliance.py agree CLIENT.csv THERAPIST.csv OUT.csv [--summary] [--client COL] [--occasion COL]

Scoring (plugins/alliance/instruments/wai-sr.yaml, and the test-only forms in alliance-plugin/, which have the same
shape): 12 items, options 1-5, -99 and empty are missing; task = wai1 + wai2 + wai10 + wai12, bond = wai3 + wai5 +
wai7 + wai9, goal = wai4 + wai6 + wai8 + wai11, total = all 12 (sums; no missing item allowed: a score with a missing
item is not computed). A value that is not an option (or not a number) makes the administration invalid: none of its
scores is usable. Occasions are numbers (written back in canonical form, 01 -> 1) or ISO dates, the file's first
row setting the kind; a row whose occasion is neither is not used; two rows of one client at one occasion are both
left out (they still count in `administrations`).

`track` (one row per client, sorted by client; the columns of `instruments track wai-sr --format csv` in its CSV
names, except `diagnostics`), per score s:
- administrations: the client's rows; used: rows with at least one usable score.
- s.first_occasion / s.first: the first usable value in occasion order; s.last_occasion / s.last / s.change only with
  two or more usable values.
- s.early_slope: over the client's first five administrations (by occasion, usable or not), the OLS slope of the
  usable values on the administration number 1-5; empty with fewer than two usable among them.
- per rule (stiles-2004: k = 2, strauss-2006: k = 1, both with the client's own SD): SD = the sample SD (n - 1) of all
  the client's usable values; a rupture at usable administration n when the worsening d = x(n-1) - x(n) is > 0 and
  d >= k x SD (inclusive, with 1e-9 relative slack); its repair = the first later usable administration with a value
  >= x(n-1) (inclusive, same slack), with no window. count, repaired, unrepaired; v_shape = a rupture and its repair
  both among the first five administrations; list = `occasion:drop:repair occasion` (or `:unrepaired`) joined by `;`.
  With fewer than two usable values every rule column is empty (not evaluable).

`agree` (the client form in CLIENT.csv, the therapist's in THERAPIST.csv): an administration is usable when every
paired score is computed and it is not invalid; one of several of one form for one client at one occasion is not used.
Usable administrations are paired by client and occasion (a merge). Without --summary: the pairs table of `instruments
agree --format csv`: one row per pair (`paired`, client, occasion, both input lines, per score client, therapist and
difference = client - therapist), then one row per usable administration without a partner (`unpaired`, its line
and scores), then one row per row not used (`unusable`: its client, occasion and line; an empty client gives an empty
occasion, an occasion that is not usable is given as written); the engine's `reason` text is not reproduced. With
--summary: per dyad (client) and score n, mean client,
mean therapist, mean difference and the sample SD of the differences (n >= 2); then per score over dyad means
(`over_dyads`, n = dyads) and over all pairs (`over_pairs`, n = pairs): the means, SD of differences, Bland-Altman 95%
limits (mean d -+ 1.96 SD; n >= 2), Pearson r (n >= 3, both raters varying) and ICC(A,1) (McGraw & Wong 1996) from the
two-way ANOVA table with the raters as the k = 2 columns: (MSR - MSE) / (MSR + (k - 1) MSE + (k / n)(MSC - MSE)),
n >= 2 and a non-zero denominator.
"""
import argparse
import math
import sys

import numpy as np
import pandas as pd

ITEMS = [f"wai{i}" for i in range(1, 13)]
SCORES = {
    "task": ["wai1", "wai2", "wai10", "wai12"],
    "bond": ["wai3", "wai5", "wai7", "wai9"],
    "goal": ["wai4", "wai6", "wai8", "wai11"],
    "total": ITEMS,
}
OPTIONS = (1, 5)  # consecutive integers: min <= x <= max and x whole
MISSING_CODES = (-99,)
RULES = {"stiles-2004": 2.0, "strauss-2006": 1.0}  # k, SD of the client's own series
EARLY = 5  # the first five administrations
LIMITS_Z = 1.96
ICC_K = 2


def slack(bound):
    """The inclusive criteria's 1e-9 relative slack (docs/alliance.md, as in docs/change.md)."""
    return 1e-9 * np.maximum(1.0, np.abs(bound))


def at_least(value, bound):
    return value >= bound - slack(bound)


def fmt_num(v):
    if not math.isfinite(v):
        return ""
    return str(int(v)) if v == int(v) and abs(v) < 1e15 else repr(float(v))


def fmt_nums(a):
    """fmt_num over an array: whole numbers as integers, others in shortest round-trip form, NaN as empty."""
    a = np.asarray(a, dtype="float64")
    finite = np.isfinite(a)
    safe = np.where(finite, a, 0.0)
    whole = finite & (safe == np.floor(safe)) & (np.abs(safe) < 1e15)
    out = np.array(list(map(str, safe.astype("int64").tolist())), dtype=object)
    rest = np.flatnonzero(~whole)
    out[rest] = [fmt_num(v) for v in a[rest].tolist()]
    return out


def read(path, client_col, occasion_col, dropped=None):
    """The rows with a client and a usable occasion, in file order, with `_line` (the input line), `_key` (the occasion
    as a number), `_occ` (the occasion as written back), the scores (NaN when not usable) and `_dup`; and the rows per
    client. With `dropped` (a list), the rows left out for their client or occasion are appended to it as a frame of
    `client`, `occasion` and `line`: an empty client gives an empty occasion, an occasion that is not usable is given
    as written."""
    head = pd.read_csv(path, nrows=0).columns
    absent = [c for c in [client_col, occasion_col] + ITEMS if c not in head]
    if absent:
        raise SystemExit(f"alliance.py: {path} has no column {', '.join(absent)}")
    d = pd.read_csv(path, usecols=[client_col, occasion_col] + ITEMS, dtype={client_col: str, occasion_col: str},
                    keep_default_na=False, na_values={c: [""] for c in ITEMS})
    d["_line"] = np.arange(2, len(d) + 2)  # line 1 is the header; the generated files have no quoted line breaks
    if dropped is not None:
        no_client = d[d[client_col].str.len() == 0]
        dropped.append(pd.DataFrame({"client": "", "occasion": "", "line": no_client["_line"].to_numpy()}))
    d = d[d[client_col].str.len() > 0]
    per_client = d[client_col].value_counts(sort=False)
    occ = d[occasion_col]
    num = pd.to_numeric(occ, errors="coerce")
    numbers = len(d) == 0 or bool(num.notna().iloc[0])
    if numbers:
        key = num
    else:
        key = pd.to_datetime(occ, format="%Y-%m-%d", errors="coerce").astype("int64").astype("float64")
        key[key < -9e18] = np.nan  # NaT
    d = d.assign(_key=key)
    if dropped is not None:
        bad = d[d["_key"].isna()]
        dropped.append(pd.DataFrame({"client": bad[client_col].to_numpy(), "occasion": bad[occasion_col].to_numpy(),
                                     "line": bad["_line"].to_numpy()}))
    d = d[d["_key"].notna()]
    d = d.assign(_occ=fmt_nums(d["_key"].to_numpy()) if numbers else d[occasion_col],
                 _dup=d.duplicated([client_col, "_key"], keep=False).to_numpy())
    values = d[ITEMS].apply(pd.to_numeric, errors="coerce").to_numpy(dtype="float64")  # text: NaN (and invalid)
    empty = d[ITEMS].isna().to_numpy()
    code = np.zeros(values.shape, dtype=bool)
    for c in MISSING_CODES:
        code |= values == c
    option = (values >= OPTIONS[0]) & (values <= OPTIONS[1]) & (values == np.floor(values))
    invalid = (~(empty | code | option)).any(axis=1)
    index = {c: i for i, c in enumerate(ITEMS)}
    for s, items in SCORES.items():
        cols = [index[c] for c in items]
        x = values[:, cols].sum(axis=1)  # NaN when an item is missing or not a number
        x[~option[:, cols].all(axis=1) | invalid] = np.nan
        d[s] = x
    return d, per_client


# ---------------------------------------------------------------------------------------------------------------- track

def track(path, client_col, occasion_col):
    d, per_client = read(path, client_col, occasion_col)
    d = d[~d["_dup"]].sort_values([client_col, "_key"], kind="stable").reset_index(drop=True)
    g = pd.factorize(d[client_col], sort=False)[0]  # sorted by client: codes in order
    n_clients = int(g.max()) + 1 if len(g) else 0
    starts = np.r_[0, np.flatnonzero(np.diff(g)) + 1] if len(g) else np.zeros(0, dtype=int)
    clients = d[client_col].to_numpy()[starts]
    rank = np.arange(len(d)) - starts[g]  # 0-based administration number in occasion order
    occ = d["_occ"].to_numpy()
    out = {"client": clients, "administrations": per_client.reindex(clients).to_numpy()}
    usable_any = np.zeros(len(d), dtype=bool)
    for s in SCORES:
        usable_any |= np.isfinite(d[s].to_numpy())
    out["used"] = np.bincount(g[usable_any], minlength=n_clients)
    for s in SCORES:
        x = d[s].to_numpy()
        u = np.flatnonzero(np.isfinite(x))
        gu, xu, ru, ou = g[u], x[u], rank[u], occ[u]
        n = np.bincount(gu, minlength=n_clients)
        two = n >= 2
        # first and last usable
        first_i = np.full(n_clients, -1)
        last_i = np.full(n_clients, -1)
        if len(u):
            new = np.r_[True, gu[1:] != gu[:-1]]
            first_i[gu[new]] = np.flatnonzero(new)
            end = np.r_[gu[1:] != gu[:-1], True]
            last_i[gu[end]] = np.flatnonzero(end)
        has = first_i >= 0
        if not len(u):  # no usable value at all: index nothing
            xu, ou = np.full(1, np.nan), np.full(1, "", dtype=object)
        first = np.where(has, xu[first_i], np.nan)
        last = np.where(two, xu[last_i], np.nan)
        out[f"{s}.first_occasion"] = np.where(has, ou[first_i], "")
        out[f"{s}.first"] = first
        out[f"{s}.last_occasion"] = np.where(two, ou[last_i], "")
        xu, ou = x[u], occ[u]
        out[f"{s}.last"] = last
        out[f"{s}.change"] = last - first
        # early slope: the usable values among the first five administrations, on the administration number 1-5
        e = ru < EARLY
        ge, ye, xe = gu[e], xu[e], ru[e] + 1.0
        ne = np.bincount(ge, minlength=n_clients)
        with np.errstate(invalid="ignore", divide="ignore"):
            mx = np.bincount(ge, xe, minlength=n_clients) / ne
            my = np.bincount(ge, ye, minlength=n_clients) / ne
            dx, dy = xe - mx[ge], ye - my[ge]
            sxy = np.bincount(ge, dx * dy, minlength=n_clients)
            sxx = np.bincount(ge, dx * dx, minlength=n_clients)
            out[f"{s}.early_slope"] = np.where(ne >= 2, sxy / sxx, np.nan)
            # the client's own sample SD over all usable values (two passes)
            mean = np.bincount(gu, xu, minlength=n_clients) / n
            sd = np.sqrt(np.bincount(gu, (xu - mean[gu]) ** 2, minlength=n_clients) / (n - 1))
        sd = np.where(two, sd, np.nan)
        # consecutive usable administrations of one client
        same = np.r_[False, gu[1:] == gu[:-1]]
        prev = np.r_[np.nan, xu[:-1]]
        drop = np.where(same, prev - xu, np.nan)
        for rule, k in RULES.items():
            p = f"{s}.rupture.{rule}."
            with np.errstate(invalid="ignore"):
                hit = (drop > 0) & at_least(drop, k * sd[gu])
            r = np.flatnonzero(hit)
            pre = prev[r]
            repair = np.full(len(r), -1)  # index into u of the repair
            pending = np.ones(len(r), dtype=bool)
            for off in range(1, int(n.max()) if len(n) else 0):
                j = r + off
                inside = pending & (j < len(u))
                j = np.where(inside, j, 0)
                inside &= gu[j] == gu[r]
                if not inside.any():
                    break
                found = inside & at_least(xu[j], pre)
                repair[found] = j[found]
                pending &= ~found
            repaired = repair >= 0
            count = np.bincount(gu[r], minlength=n_clients).astype("float64")
            fixed = np.bincount(gu[r[repaired]], minlength=n_clients).astype("float64")
            v = np.zeros(n_clients, dtype=bool)
            v[gu[r[repaired & (ru[r] < EARLY) & (ru[np.where(repaired, repair, 0)] < EARLY)]]] = True
            out[p + "sd"] = sd
            out[p + "count"] = np.where(two, count, np.nan)
            out[p + "repaired"] = np.where(two, fixed, np.nan)
            out[p + "unrepaired"] = np.where(two, count - fixed, np.nan)
            out[p + "v_shape"] = np.where(two, np.where(v, "true", "false"), "")
            # the list of ruptures, in occasion order, per client
            # (one string for all clients, ";" between a client's ruptures and "\n" between clients, then split)
            keys = gu[r]
            cell = np.full(n_clients, "", dtype=object)
            if len(keys):
                last_of_client = np.r_[keys[1:] != keys[:-1], True]
                text = (pd.Series(ou[r]) + ":" + pd.Series(fmt_nums(drop[r])) + ":"
                        + pd.Series(np.where(repaired, ou[np.where(repaired, repair, 0)], "unrepaired"))
                        + pd.Series(np.where(last_of_client, "\n", ";"))).to_numpy()
                cell[keys[last_of_client]] = "".join(text)[:-1].split("\n")
            out[p + "list"] = cell
    return pd.DataFrame(out)


# ---------------------------------------------------------------------------------------------------------------- agree

def usable(path, client_col, occasion_col, unusable=None):
    """The usable administrations; with `unusable` (a list), the rows not used are appended to it as frames of
    `client`, `occasion` and `line`: left out for their client or occasion, invalid, a paired score not computed, or
    one of several at one occasion."""
    d, _ = read(path, client_col, occasion_col, unusable)
    ok = ~d["_dup"].to_numpy()
    for s in SCORES:
        ok &= np.isfinite(d[s].to_numpy())
    if unusable is not None:
        bad = d[~ok]
        unusable.append(pd.DataFrame({"client": bad[client_col].to_numpy(), "occasion": bad["_occ"].to_numpy(),
                                      "line": bad["_line"].to_numpy()}))
    return d[ok][[client_col, "_key", "_occ", "_line"] + list(SCORES)]


def agree(client_path, therapist_path, client_col, occasion_col, summary):
    lost = ([], [])  # the rows not used, per side (the pairs table lists them)
    c = usable(client_path, client_col, occasion_col, None if summary else lost[0])
    t = usable(therapist_path, client_col, occasion_col, None if summary else lost[1])
    m = c.merge(t, on=[client_col, "_key"], how="outer", suffixes=(".client", ".therapist"), indicator=True)
    both = m["_merge"].to_numpy() == "both"
    p = m[both]
    if summary:
        return agree_summary(p, client_col)
    out = {"status": "paired", "client_id": p[client_col].to_numpy(), "occasion": p["_occ.client"].to_numpy(),
           "client_line": p["_line.client"].to_numpy().astype("int64"),
           "therapist_line": p["_line.therapist"].to_numpy().astype("int64")}
    for s in SCORES:
        out[f"{s}.client"] = p[f"{s}.client"].to_numpy()
        out[f"{s}.therapist"] = p[f"{s}.therapist"].to_numpy()
        out[f"{s}.difference"] = out[f"{s}.client"] - out[f"{s}.therapist"]
    pairs = pd.DataFrame(out)
    frames = [pairs]
    for side, other in (("client", "therapist"), ("therapist", "client")):
        alone = m[(m["_merge"] == f"{'left' if side == 'client' else 'right'}_only").to_numpy()]
        o = {"status": "unpaired", "client_id": alone[client_col].to_numpy(), "occasion": alone[f"_occ.{side}"].to_numpy(),
             f"{side}_line": alone[f"_line.{side}"].to_numpy().astype("int64"),
             f"{other}_line": np.full(len(alone), np.nan)}
        for s in SCORES:
            o[f"{s}.{side}"] = alone[f"{s}.{side}"].to_numpy()
            o[f"{s}.{other}"] = np.full(len(alone), np.nan)
            o[f"{s}.difference"] = np.full(len(alone), np.nan)
        frames.append(pd.DataFrame(o)[pairs.columns])
    for side, other, parts in (("client", "therapist", lost[0]), ("therapist", "client", lost[1])):
        rows = pd.concat(parts, ignore_index=True)
        o = {"status": "unusable", "client_id": rows["client"].to_numpy(), "occasion": rows["occasion"].to_numpy(),
             f"{side}_line": rows["line"].to_numpy(), f"{other}_line": np.full(len(rows), np.nan)}
        for s in SCORES:
            for col in (f"{s}.client", f"{s}.therapist", f"{s}.difference"):
                o[col] = np.full(len(rows), np.nan)
        frames.append(pd.DataFrame(o)[pairs.columns])
    table = pd.concat(frames, ignore_index=True)
    # The lines as whole numbers (the key of the comparison), empty where a row has none.
    return table.astype({"client_line": "Int64", "therapist_line": "Int64"})


def stats(cv, tv):
    """The across-dyad figures of one score over n observations (client values cv, therapist values tv)."""
    n = len(cv)
    nan = float("nan")
    out = {"n": n, "mean_client": nan, "mean_therapist": nan, "mean_difference": nan, "sd_difference": nan,
           "lower_limit": nan, "upper_limit": nan, "pearson_r": nan, "icc_a1": nan}
    if n == 0:
        return out
    dv = cv - tv
    out["mean_client"], out["mean_therapist"], out["mean_difference"] = cv.mean(), tv.mean(), dv.mean()
    if n >= 2:
        sd = dv.std(ddof=1)
        out["sd_difference"] = sd
        out["lower_limit"] = out["mean_difference"] - LIMITS_Z * sd
        out["upper_limit"] = out["mean_difference"] + LIMITS_Z * sd
        # ICC(A,1) from the two-way ANOVA table: n rows (observations) x k = 2 columns (raters)
        y = np.column_stack([cv, tv])
        k = ICC_K
        grand = y.mean()
        ss_rows = k * ((y.mean(axis=1) - grand) ** 2).sum()
        ss_cols = n * ((y.mean(axis=0) - grand) ** 2).sum()
        ss_total = ((y - grand) ** 2).sum()
        ss_error = ss_total - ss_rows - ss_cols
        msr, msc, mse = ss_rows / (n - 1), ss_cols / (k - 1), ss_error / ((n - 1) * (k - 1))
        denominator = msr + (k - 1) * mse + (k / n) * (msc - mse)
        if denominator != 0:
            out["icc_a1"] = (msr - mse) / denominator
    if n >= 3:
        xc, xt = cv - cv.mean(), tv - tv.mean()
        sxx, syy = (xc * xc).sum(), (xt * xt).sum()
        if sxx > 0 and syy > 0:
            out["pearson_r"] = (xc * xt).sum() / math.sqrt(sxx * syy)
    return out


def agree_summary(p, client_col):
    columns = ["level", "client_id", "score", "n", "mean_client", "mean_therapist", "mean_difference", "sd_difference",
               "lower_limit", "upper_limit", "pearson_r", "icc_a1"]
    frames = []
    across = []
    cv = {s: p[f"{s}.client"].to_numpy() for s in SCORES}
    tv = {s: p[f"{s}.therapist"].to_numpy() for s in SCORES}
    data = {}
    for s in SCORES:
        data[f"{s}.c"], data[f"{s}.t"], data[f"{s}.d"] = cv[s], tv[s], cv[s] - tv[s]
    frame = pd.DataFrame(data)
    frame[client_col] = p[client_col].to_numpy()
    grouped = frame.groupby(client_col, sort=True)
    means = grouped.mean()
    sds = grouped[[f"{s}.d" for s in SCORES]].std(ddof=1)
    counts = grouped.size()
    for s in SCORES:
        frames.append(pd.DataFrame({
            "level": "dyad", "client_id": means.index.to_numpy(), "score": s, "n": counts.to_numpy(),
            "mean_client": means[f"{s}.c"].to_numpy(), "mean_therapist": means[f"{s}.t"].to_numpy(),
            "mean_difference": means[f"{s}.d"].to_numpy(), "sd_difference": sds[f"{s}.d"].to_numpy()}))
        for level, (a, b) in (("over_dyads", (means[f"{s}.c"].to_numpy(), means[f"{s}.t"].to_numpy())),
                              ("over_pairs", (cv[s], tv[s]))):
            across.append({"level": level, "client_id": "", "score": s, **stats(a, b)})
    frames.append(pd.DataFrame(across))
    return pd.concat(frames, ignore_index=True)[columns]


def main():
    ap = argparse.ArgumentParser(description="ruptures and client-therapist agreement with pandas")
    ap.add_argument("kind", choices=["track", "agree"])
    ap.add_argument("files", nargs="+", help="track: IN OUT; agree: CLIENT THERAPIST OUT")
    ap.add_argument("--summary", action="store_true", help="agree: the dyads and the across-dyad figures")
    ap.add_argument("--client", default="client_id")
    ap.add_argument("--occasion", default="session")
    a = ap.parse_args()
    if a.kind == "track":
        if len(a.files) != 2:
            ap.error("track needs IN.csv OUT.csv")
        df = track(a.files[0], a.client, a.occasion)
    else:
        if len(a.files) != 3:
            ap.error("agree needs CLIENT.csv THERAPIST.csv OUT.csv")
        df = agree(a.files[0], a.files[1], a.client, a.occasion, a.summary)
    df.to_csv(a.files[-1], index=False, na_rep="", float_format=None)
    return 0


if __name__ == "__main__":
    sys.exit(main())
