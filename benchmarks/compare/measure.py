"""Runs one command and prints its wall time (s) and peak resident set (KiB): "WALL RSS EXIT".

usage: measure.py [--cpu] STDOUT_FILE COMMAND [ARG ...]
The peak resident set is the largest of the command and its children (getrusage), so it needs no /usr/bin/time.
--cpu adds a fourth field: user + system CPU seconds of the command and its children (on a loaded machine the
wall time says more about the other tenants than about the command).
"""
import resource
import subprocess
import sys
import time


def main():
    args = sys.argv[1:]
    cpu = args[:1] == ["--cpu"]
    if cpu:
        args = args[1:]
    out, cmd = args[0], args[1:]
    start = time.perf_counter()
    with open(out, "wb") as f:
        code = subprocess.call(cmd, stdout=f)
    wall = time.perf_counter() - start
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    rss = usage.ru_maxrss
    if cpu:
        print(f"{wall:.3f} {rss} {code} {usage.ru_utime + usage.ru_stime:.3f}")
    else:
        print(f"{wall:.3f} {rss} {code}")


if __name__ == "__main__":
    main()
