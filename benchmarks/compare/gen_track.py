"""Writes a deterministic file of repeated PHQ-9 + GAD-7 administrations for `instruments track`.

usage: gen_track.py [--clients N] [--sessions K] [--order grouped|session|shuffled] [--occasion number|date]
                    [--seed S] OUT.csv

Columns: client_id, session, phq9_1..phq9_10, gad7_1..gad7_7 (the ids of plugins/symptoms/instruments/phq-9.yaml and
gad-7.yaml; options 0-3; -99 is both files' missing code). N x K rows (default 100,000 x 10 = 1,000,000).

Each client has a course: a baseline severity (about 80% at PHQ-9 caseness), a trajectory (most improve, some stay
flat, some get worse, a few drop out after the first session and leave every later form empty), session-to-session
noise, and for about a quarter a sudden drop of 5-10 PHQ-9 points (a third of them partly reversed later). Item values
come from the course by stochastic rounding around a per-client item profile. Per administration: about 4.5% of PHQ-9
forms miss 1-2 scored items (within its missing rule: prorated), 1% miss 3-4 (beyond it), 2% of GAD-7 forms miss one
item (beyond its rule: no item may be missing), half of the missing cells as -99 and half empty; 0.2% of each form
carry an out-of-range value (invalid); the optional phq9_10 is empty in 30% of the rows. About 5% of sessions are
missed: the session number (or week) skips, the file still has K rows per client. Occasions are session numbers or
ISO dates (weekly from a per-client start in 2024).

Row order: grouped (each client's rows together, in session order), session (all clients' first administrations,
then all second ones, ...: a registry export sorted by date), shuffled (a seeded permutation of all rows).
The same arguments always give the same bytes: only random.Random(seed).random() is used, whose sequence Python
guarantees across versions; the permutation is our own Fisher-Yates.
"""
import argparse
import datetime
import random

PHQ = 9  # scored PHQ-9 items (phq9_10 is the optional functional item)
GAD = 7


def clamp(x, lo, hi):
    return lo if x < lo else hi if x > hi else x


def client_rows(c, sessions, rng, occasion):
    """The K rows of one client, in session order, as bytes without the line break."""
    r = rng.random
    cid = b"c%06d" % c
    phq0 = 5 + 22 * r() ** 0.9
    gad0 = clamp(phq0 * 0.7 + (r() - 0.5) * 8, 0, 21)
    kind = r()
    dropout = False
    if kind < 0.55:  # improves by 30-90% of the baseline
        rate = 0.3 + 0.6 * r()
    elif kind < 0.80:  # about flat
        rate = -0.1 + 0.25 * r()
    elif kind < 0.99:  # gets worse
        rate = -0.5 + 0.35 * r()
    else:  # comes once, then every form is empty
        rate = 0.0
        dropout = True
    rate_gad = rate + (r() - 0.5) * 0.2
    sudden_at = sudden = reverse_at = 0
    if r() < 0.25 and sessions >= 4:
        sudden_at = 2 + int(r() * (sessions - 3))  # the drop shows from this (0-based) session on
        sudden = 5 + 5 * r()
        if r() < 0.33 and sudden_at + 2 < sessions:
            reverse_at = sudden_at + 2 + int(r() * (sessions - sudden_at - 2))
    # Item profile: some items run higher than others (offsets with mean 0).
    off_p = [r() - 0.5 for _ in range(PHQ)]
    m = sum(off_p) / PHQ
    off_p = [o - m for o in off_p]
    off_g = [r() - 0.5 for _ in range(GAD)]
    m = sum(off_g) / GAD
    off_g = [o - m for o in off_g]
    start = datetime.date(2024, 1, 1) + datetime.timedelta(days=int(r() * 365))
    rows = []
    number = 0
    for j in range(sessions):
        number += 2 if (j > 0 and r() < 0.05) else 1
        occ = str(number).encode() if occasion == "number" else (start + datetime.timedelta(weeks=number - 1)).isoformat().encode()
        t = j / (sessions - 1) if sessions > 1 else 0.0
        noise = (r() + r() + r() - 1.5) * 3
        drop = 0.0
        if sudden_at and j >= sudden_at:
            drop = sudden * (0.4 if reverse_at and j >= reverse_at else 1.0)
        phq = clamp(phq0 * (1 - rate * t) - drop + noise, 0, 27)
        gad = clamp(gad0 * (1 - rate_gad * t) - drop * 0.6 + noise * 0.7 + (r() - 0.5) * 2, 0, 21)
        p3, g3 = phq / 9, gad / 7
        items_p = [str(clamp(int(p3 + o + r()), 0, 3)) for o in off_p]
        items_g = [str(clamp(int(g3 + o + r()), 0, 3)) for o in off_g]
        functional = "" if r() < 0.3 else str(clamp(int(p3 + r()), 0, 3))
        if dropout and j > 0:
            items_p = [""] * PHQ
            items_g = [""] * GAD
            functional = ""
        else:
            u = r()
            if u < 0.055:  # 1-2 missing (prorated), 3-4 missing (beyond the rule)
                k = 1 if u < 0.03 else 2 if u < 0.045 else 3 + int(r() * 2)
                for i in sample(r, PHQ, k):
                    items_p[i] = "-99" if r() < 0.5 else ""
            if r() < 0.02:
                items_g[int(r() * GAD)] = "-99" if r() < 0.5 else ""
            if r() < 0.002:
                items_p[int(r() * PHQ)] = "4" if r() < 0.5 else "7"
            if r() < 0.002:
                items_g[int(r() * GAD)] = "5"
        rows.append(b",".join([cid, occ, ",".join(items_p).encode(), functional.encode(), ",".join(items_g).encode()]))
    return rows


def sample(r, n, k):
    """k distinct indices of range(n) (partial Fisher-Yates with random())."""
    idx = list(range(n))
    for i in range(k):
        j = i + int(r() * (n - i))
        idx[i], idx[j] = idx[j], idx[i]
    return idx[:k]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--clients", type=int, default=100_000)
    ap.add_argument("--sessions", type=int, default=10)
    ap.add_argument("--order", choices=["grouped", "session", "shuffled"], default="grouped")
    ap.add_argument("--occasion", choices=["number", "date"], default="number")
    ap.add_argument("--seed", type=int, default=14)
    ap.add_argument("out")
    a = ap.parse_args()
    rng = random.Random(a.seed)
    clients = [client_rows(c, a.sessions, rng, a.occasion) for c in range(1, a.clients + 1)]
    if a.order == "grouped":
        lines = [row for rows in clients for row in rows]
    else:
        lines = [rows[j] for j in range(a.sessions) for rows in clients]
        if a.order == "shuffled":
            shuffle = random.Random(a.seed + 1).random
            for i in range(len(lines) - 1, 0, -1):
                j = int(shuffle() * (i + 1))
                lines[i], lines[j] = lines[j], lines[i]
    header = ["client_id", "session"] + [f"phq9_{i}" for i in range(1, 11)] + [f"gad7_{i}" for i in range(1, 8)]
    with open(a.out, "wb") as f:
        f.write(",".join(header).encode() + b"\n")
        for i in range(0, len(lines), 65536):
            f.write(b"\n".join(lines[i:i + 65536]) + b"\n")


if __name__ == "__main__":
    main()
