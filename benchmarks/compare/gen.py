"""Writes a deterministic WAI-shaped response file: respondent_id,w1..w12 with values 1-5 and about 1% empty cells.

usage: gen.py ROWS OUT.csv
The same ROWS always give the same bytes (splitmix64 with a fixed seed; standard library only).
"""
import sys

MASK = (1 << 64) - 1
GAMMA = 0x9E3779B97F4A7C15


def main():
    rows, out = int(sys.argv[1]), sys.argv[2]
    state = 42
    # A cell from a draw of 0..99: 0 is empty (1%), otherwise 1 + draw % 5.
    cell = [b""] + [str(1 + x % 5).encode() for x in range(1, 100)]
    with open(out, "wb") as f:
        f.write(b"respondent_id," + b",".join(b"w%d" % i for i in range(1, 13)) + b"\n")
        buf = []
        for r in range(1, rows + 1):
            row = [b"r%d" % r]
            for _ in range(2):  # one 64-bit draw gives 6 cells (100**6 < 2**64)
                state = (state + GAMMA) & MASK
                z = state
                z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
                z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
                z ^= z >> 31
                for _ in range(6):
                    row.append(cell[z % 100])
                    z //= 100
            buf.append(b",".join(row))
            if len(buf) == 65536:
                f.write(b"\n".join(buf) + b"\n")
                buf = []
        if buf:
            f.write(b"\n".join(buf) + b"\n")


if __name__ == "__main__":
    main()
