"""Runs one command and prints its wall time (s) and peak resident set (KiB): "WALL RSS EXIT".

usage: measure.py STDOUT_FILE COMMAND [ARG ...]
The peak resident set is the largest of the command and its children (getrusage), so it needs no /usr/bin/time.
"""
import resource
import subprocess
import sys
import time


def main():
    out, cmd = sys.argv[1], sys.argv[2:]
    start = time.perf_counter()
    with open(out, "wb") as f:
        code = subprocess.call(cmd, stdout=f)
    wall = time.perf_counter() - start
    rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    print(f"{wall:.3f} {rss} {code}")


if __name__ == "__main__":
    main()
