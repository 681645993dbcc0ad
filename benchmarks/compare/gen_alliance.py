"""Writes deterministic files of session-by-session WAI-SR administrations for `instruments track wai-sr` (ruptures)
and `instruments agree` (client and therapist forms).

usage: gen_alliance.py track [--clients N] [--sessions K] [--order grouped|session|shuffled] [--seed S] OUT.csv
       gen_alliance.py agree [--dyads N] [--sessions K] [--order grouped|session|shuffled] [--seed S]
                             CLIENT.csv THERAPIST.csv

Columns: client_id, session, wai1..wai12 (the item ids of plugins/alliance/instruments/wai-sr.yaml and of the test-only
forms in alliance-plugin/; options 1-5; -99 is their missing code). `track`: N x K rows (default 100,000 x 10 =
1,000,000). `agree`: N x K rows in each file (default 50,000 x 10: 1,000,000 administrations in all), the client's
form in CLIENT.csv and the therapist's in THERAPIST.csv, row i of one file the same dyad as row i of the other.

Each client has a course: a level (item mean 2.3-4.8, a few at the ceiling: every item 5 in every session, a constant
series), a slow rise or fall, session-to-session noise, and for about 30% a dip of 0.6-2 points per item at a session
after the first, of which about 60% come back to the earlier level or above later (a repair) and the others do not.
Item values come from the course by stochastic rounding around a per-client item profile, clamped to 1-5. Per
administration: about 3% of forms miss one item and 0.5% two (half of the cells -99, half empty: the WAI-SR allows no
missing item, so the subscales holding them and the total are not computed), 0.2% carry an out-of-range value (0 or 6:
the administration is invalid); 1% of clients stop after the first session and leave every later form empty. About 5%
of sessions are missed: the session number skips, each client still has K rows.

`agree`: the therapist of each dyad rates lower than the client on average (about 0.4 points per item) and follows the
client's course only in part (a shared session effect plus the therapist's own noise). The therapist's missing, invalid
and empty forms are drawn on their own. About 2% of the therapist's rows carry a session number the client does not
have (K + 1 + j): that row and the client's row of the original session have no partner (unpaired).

Row order: grouped (each client's rows together, in session order), session (every client's first administration,
then every second one, ...: an export sorted by date), shuffled (a seeded permutation; in `agree` each file on its own).
The same arguments always give the same bytes: only random.Random(seed).random() is used, whose sequence Python
guarantees across versions; the permutation is our own Fisher-Yates.
"""
import argparse
import random

ITEMS = 12


def clamp(x, lo, hi):
    return lo if x < lo else hi if x > hi else x


class Course:
    """One client's alliance level per session (item mean, before rounding) and the session numbers."""

    def __init__(self, r, sessions):
        self.ceiling = r() < 0.02
        self.level = 2.3 + 2.5 * r()
        self.trend = (r() - 0.3) * 0.08  # per session, mostly rising
        self.dropout = r() < 0.01
        self.dip_at = self.dip = self.back_at = 0
        if r() < 0.30 and sessions >= 3:
            self.dip_at = 1 + int(r() * (sessions - 1))  # 0-based session from which the dip shows
            self.dip = 0.6 + 1.4 * r()
            if r() < 0.6 and self.dip_at + 1 < sessions:
                self.back_at = self.dip_at + 1 + int(r() * (sessions - self.dip_at - 1))
        self.offsets = [r() - 0.5 for _ in range(ITEMS)]
        m = sum(self.offsets) / ITEMS
        self.offsets = [o - m for o in self.offsets]
        self.numbers = []
        number = 0
        for j in range(sessions):
            number += 2 if (j > 0 and r() < 0.05) else 1
            self.numbers.append(number)
        self.shared = [(r() + r() - 1) * 0.5 for _ in range(sessions)]  # the session's effect, seen by both raters

    def mean_at(self, j):
        drop = 0.0
        if self.dip_at and j >= self.dip_at and not (self.back_at and j >= self.back_at):
            drop = self.dip
        return self.level + self.trend * j - drop + self.shared[j]


def items_of(r, mean, offsets, empty, ceiling):
    """The 12 item cells of one administration (text), with missing and invalid cells drawn here."""
    if empty:
        return [""] * ITEMS
    if ceiling:
        cells = ["5"] * ITEMS
    else:
        noise = (r() + r() - 1) * 0.6
        cells = [str(clamp(int(mean + noise + o + r()), 1, 5)) for o in offsets]
    u = r()
    if u < 0.035:  # one (3%) or two (0.5%) items missing
        k = 1 if u < 0.03 else 2
        first = int(r() * ITEMS)
        for i in range(k):
            cells[(first + 5 * i) % ITEMS] = "-99" if r() < 0.5 else ""
    if r() < 0.002:
        cells[int(r() * ITEMS)] = "0" if r() < 0.5 else "6"
    return cells


def track_rows(c, sessions, r):
    cid = b"c%06d" % c
    course = Course(r, sessions)
    rows = []
    for j in range(sessions):
        cells = items_of(r, course.mean_at(j), course.offsets, course.dropout and j > 0, course.ceiling)
        rows.append(b",".join([cid, str(course.numbers[j]).encode(), ",".join(cells).encode()]))
    return rows


def agree_rows(c, sessions, r):
    cid = b"d%06d" % c
    course = Course(r, sessions)
    gap = 0.4 + (r() - 0.5) * 0.8  # the therapist rates lower on average
    t_offsets = [r() - 0.5 for _ in range(ITEMS)]
    m = sum(t_offsets) / ITEMS
    t_offsets = [o - m for o in t_offsets]
    t_dropout = r() < 0.01
    client, therapist = [], []
    moved = 0
    for j in range(sessions):
        mean = course.mean_at(j)
        own = (r() + r() - 1) * 0.5
        c_cells = items_of(r, mean, course.offsets, course.dropout and j > 0, course.ceiling)
        t_cells = items_of(r, course.level + course.trend * j + 0.5 * course.shared[j] - gap + own, t_offsets,
                           t_dropout and j > 0, False)
        number = course.numbers[j]
        t_number = number
        if r() < 0.02:  # a session number the client does not have: no partner on either side
            moved += 1
            t_number = course.numbers[-1] + moved
        client.append(b",".join([cid, str(number).encode(), ",".join(c_cells).encode()]))
        therapist.append(b",".join([cid, str(t_number).encode(), ",".join(t_cells).encode()]))
    return client, therapist


def order_lines(per_client, sessions, order, seed):
    if order == "grouped":
        return [row for rows in per_client for row in rows]
    lines = [rows[j] for j in range(sessions) for rows in per_client]
    if order == "shuffled":
        shuffle = random.Random(seed).random
        for i in range(len(lines) - 1, 0, -1):
            j = int(shuffle() * (i + 1))
            lines[i], lines[j] = lines[j], lines[i]
    return lines


def write(path, lines):
    header = ["client_id", "session"] + [f"wai{i}" for i in range(1, ITEMS + 1)]
    with open(path, "wb") as f:
        f.write(",".join(header).encode() + b"\n")
        for i in range(0, len(lines), 65536):
            f.write(b"\n".join(lines[i:i + 65536]) + b"\n")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("kind", choices=["track", "agree"])
    ap.add_argument("--clients", "--dyads", type=int, dest="clients")
    ap.add_argument("--sessions", type=int, default=10)
    ap.add_argument("--order", choices=["grouped", "session", "shuffled"], default="grouped")
    ap.add_argument("--seed", type=int, default=15)
    ap.add_argument("out", nargs="+")
    a = ap.parse_args()
    rng = random.Random(a.seed)
    r = rng.random
    if a.kind == "track":
        if len(a.out) != 1:
            ap.error("track writes one file")
        n = a.clients or 100_000
        per_client = [track_rows(c, a.sessions, r) for c in range(1, n + 1)]
        write(a.out[0], order_lines(per_client, a.sessions, a.order, a.seed + 1))
    else:
        if len(a.out) != 2:
            ap.error("agree writes two files: CLIENT.csv THERAPIST.csv")
        n = a.clients or 50_000
        both = [agree_rows(c, a.sessions, r) for c in range(1, n + 1)]
        write(a.out[0], order_lines([c for c, _ in both], a.sessions, a.order, a.seed + 1))
        write(a.out[1], order_lines([t for _, t in both], a.sessions, a.order, a.seed + 2))


if __name__ == "__main__":
    main()
