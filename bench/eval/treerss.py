#!/usr/bin/env python3
"""Samples the resident memory of a process tree until its root exits.

    python3 bench/eval/treerss.py PID OUT

Every 0.2 s it adds up VmRSS over all of PID's descendants (PID itself, the
`/usr/bin/time` wrapper, is left out), then writes "PEAK_TREE_RSS_KB
MOST_PROCESSES" to OUT. GNU time reports the largest
single process's peak; this says whether child processes (node workers, a
re-exec'd runtime) add memory on top of it. Sampling can miss short peaks,
so it is a lower bound on the tree's peak.
"""

import os
import sys
import time


def children():
    """Maps each pid to its children's pids."""
    tree = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat", encoding="utf-8") as f:
                stat = f.read()
        except OSError:
            continue
        ppid = int(stat[stat.rindex(")") + 2 :].split()[1])
        tree.setdefault(ppid, []).append(int(name))
    return tree


def rss_kb(pid):
    try:
        with open(f"/proc/{pid}/status", encoding="utf-8") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def main():
    root, out = int(sys.argv[1]), sys.argv[2]
    peak = most = 0
    while os.path.exists(f"/proc/{root}"):
        tree, todo, pids = children(), [root], []
        while todo:
            pid = todo.pop()
            pids.append(pid)
            todo.extend(tree.get(pid, []))
        pids.remove(root)
        peak = max(peak, sum(rss_kb(p) for p in pids))
        most = max(most, len(pids))
        time.sleep(0.2)
    with open(out, "w", encoding="utf-8") as f:
        f.write(f"{peak} {most}\n")


if __name__ == "__main__":
    main()
