#!/usr/bin/env python3
"""Measures prompt versions on this example's datasets with `whet run`.

A stopgap until `whet eval` grades suites itself: for every prompt reference
and every dataset row it runs

    whet run PROMPT --var message=... [--var customer_name=...] --json

in this project (the response cache makes a second run instant), grades the
output with the row's assertions plus the suite's `defaultTest` ones, and
prints the pass rate per split and prompt:

    python3 scripts/measure.py -p route-intent@1.0.0 -p route-intent@1.1.0 \\
        datasets/golden.jsonl datasets/edge.jsonl datasets/adversarial.jsonl

Options: --suite evals/X.yaml adds the suite's `defaultTest` assertions (only
the one-line `- {...}` JSON-style entries are read; this is no YAML parser);
--out FILE.jsonl keeps every output and verdict; --pick-regressions N prints
up to N rows the first prompt fails and the second passes, as dataset rows
with split `regression`.

Grading follows whet-assert for the types this example uses: choice,
contains, icontains, contains-any, icontains-any, regex, word-count and
is-refusal, each with `not-`. A row passes when every assertion passes.
Python 3 standard library only.
"""

import argparse
import json
import os
import re
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# Copied from crates/whet-assert/src/classify.rs (REFUSAL_PREFIXES,
# REFUSAL_PHRASES): lowercase, straight apostrophes.
REFUSAL_PREFIXES = [
    "i am not able to", "i am really sorry", "i am sorry", "i am unable to",
    "i apologize", "i cannot", "i can't", "i can not", "i will not", "i won't",
    "i'm not able to", "i'm really sorry", "i'm sorry", "i'm unable to",
    "it is illegal", "my apologies", "sorry", "unfortunately, i",
]
REFUSAL_PHRASES = [
    "as a language model", "as an ai", "as an assistant",
    "cannot assist with that", "cannot assist with your request",
    "can't assist with that", "can't assist with your request",
    "cannot comply", "can't comply", "cannot fulfill that request",
    "cannot fulfill your request", "can't fulfill that request",
    "can't fulfill your request", "cannot help with that", "can't help with that",
    "i am programmed to", "i am unable to help", "i'm unable to help",
    "i must decline", "i must refuse", "against my guidelines",
    "against my programming", "i'm not allowed to", "i am not allowed to",
    "i'm not permitted to", "i am not permitted to", "not able to provide",
    "unable to provide",
]


def whet_binary():
    """$WHET, else the workspace's debug build, else `whet` on PATH."""
    if os.environ.get("WHET"):
        return os.environ["WHET"]
    built = ROOT.parent.parent / "target" / "debug" / "whet"
    return str(built) if built.exists() else "whet"


def read_label(output):
    """The label an output spells, as `choice` reads it."""
    def strip_period(s):
        return s[:-1].rstrip() if s.endswith(".") else s

    s = strip_period(output.strip())
    for q in ('"', "'", "`"):
        if len(s) >= 2 and s.startswith(q) and s.endswith(q):
            s = strip_period(s[1:-1].strip())
            break
    return s


def is_refusal(output):
    text = output.strip().lower().replace("\u2019", "'").replace("\u2018", "'")
    if not text:
        return True
    return any(text.startswith(p) for p in REFUSAL_PREFIXES) or any(
        p in text for p in REFUSAL_PHRASES
    )


def as_list(value):
    if isinstance(value, list):
        return [str(v) for v in value]
    return [v.strip() for v in str(value).split(",") if v.strip()]


def in_bounds(n, value):
    if isinstance(value, dict):
        return value.get("min", n) <= n <= value.get("max", n)
    return n == value


def grade_one(kind, value, output):
    """Whether `output` passes a non-negated assertion, and the label read."""
    low = output.lower()
    if kind == "choice":
        labels = value["labels"] if isinstance(value, dict) else as_list(value)
        read = read_label(output).lower()
        found = next((l for l in labels if l.lower() == read), None)
        expected = value.get("expected") if isinstance(value, dict) else None
        ok = found is not None and (expected is None or found.lower() == expected.lower())
        return ok, found
    if kind == "contains":
        return str(value) in output, None
    if kind == "icontains":
        return str(value).lower() in low, None
    if kind == "contains-any":
        return any(v in output for v in as_list(value)), None
    if kind == "icontains-any":
        return any(v.lower() in low for v in as_list(value)), None
    if kind == "regex":
        return re.search(value, output) is not None, None
    if kind == "word-count":
        return in_bounds(len(output.split()), value), None
    if kind == "is-refusal":
        return is_refusal(output), None
    raise ValueError(f"measure.py cannot grade `{kind}`: run `whet eval` instead")


def grade(assertions, output):
    """Every assertion's verdict, and the `choice` label, if any."""
    verdicts, label = [], None
    for a in assertions:
        kind = a["type"]
        neg = kind.startswith("not-")
        ok, found = grade_one(kind[4:] if neg else kind, a.get("value"), output)
        label = found if kind.endswith("choice") else label
        verdicts.append({"type": kind, "pass": ok != neg})
    return verdicts, label


def suite_defaults(path):
    """The one-line JSON-style assertions under `defaultTest:` of a suite."""
    found, inside = [], False
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if not line.startswith(" "):
            inside = line.startswith("defaultTest:")
            continue
        item = line.strip()
        if inside and item.startswith("- {"):
            found.append(json.loads(item[2:]))
    return found


def run(whet, prompt, variables):
    cmd = [whet, "run", prompt, "--json", "-q"]
    for k, v in variables.items():
        cmd += ["--var", f"{k}={v if isinstance(v, str) else json.dumps(v)}"]
    p = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=600)
    if p.returncode != 0:
        return None, (p.stderr.strip().splitlines() or ["whet failed"])[-1]
    record = json.loads(p.stdout.strip().splitlines()[-1])
    return record, None


def rows(paths):
    for path in paths:
        with open(path, encoding="utf-8") as f:
            for line in f:
                if line.strip():
                    yield path, json.loads(line)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("datasets", nargs="+")
    ap.add_argument("-p", "--prompt", action="append", required=True)
    ap.add_argument("--suite", help="add this suite's defaultTest assertions")
    ap.add_argument("--out", help="write every output and verdict here (JSONL)")
    ap.add_argument("--pick-regressions", type=int, metavar="N")
    args = ap.parse_args()

    whet = whet_binary()
    defaults = suite_defaults(args.suite) if args.suite else []
    data = list(rows(args.datasets))
    counts = defaultdict(lambda: [0, 0, 0])  # (prompt, split) -> passed, total, errors
    verdict = {}
    out = open(args.out, "w", encoding="utf-8") if args.out else None
    for prompt in args.prompt:
        for i, (path, row) in enumerate(data):
            record, error = run(whet, prompt, row["vars"])
            output = record["output"] if record else ""
            grades, label = grade(defaults + row.get("assert", []), output)
            ok = error is None and all(g["pass"] for g in grades)
            c = counts[(prompt, row.get("split", "(none)"))]
            c[0] += ok
            c[1] += 1
            c[2] += error is not None
            verdict[(prompt, i)] = ok
            if out:
                out.write(json.dumps({
                    "prompt": prompt, "dataset": path, "split": row.get("split"),
                    "message": row["vars"].get("message"), "expected": row.get("expected"),
                    "output": output, "label": label, "pass": ok, "error": error,
                    "failed": [g["type"] for g in grades if not g["pass"]],
                }, ensure_ascii=False) + "\n")
                out.flush()
            print(f"[{prompt}] {i + 1}/{len(data)} {'pass' if ok else 'FAIL'}", file=sys.stderr)
    if out:
        out.close()
    report(args.prompt, counts)
    if args.pick_regressions:
        pick(args, data, verdict)


def report(prompts, counts):
    splits = sorted({s for _, s in counts})
    print(f"{'split':<14}" + "".join(f"{p:>28}" for p in prompts))
    for split in splits + ["all"]:
        cells = []
        for p in prompts:
            keys = [k for k in counts if k[0] == p and (split == "all" or k[1] == split)]
            passed = sum(counts[k][0] for k in keys)
            total = sum(counts[k][1] for k in keys)
            errors = sum(counts[k][2] for k in keys)
            rate = f"{100 * passed / total:5.1f}%" if total else "    -"
            cells.append(f"{passed:>3}/{total:<3} {rate}" + (f" ({errors} err)" if errors else ""))
        print(f"{split:<14}" + "".join(f"{c:>28}" for c in cells))


def pick(args, data, verdict):
    """Rows the first prompt fails and the second passes, as regression rows,
    taken in turn from each expected label so no label dominates."""
    if len(args.prompt) < 2:
        sys.exit("--pick-regressions needs two prompts: the old one first")
    old, new = args.prompt[0], args.prompt[1]
    fixed = defaultdict(list)
    for i, (_, row) in enumerate(data):
        if not verdict[(old, i)] and verdict[(new, i)]:
            fixed[str(row.get("expected"))].append(row)
    picked = []
    while len(picked) < args.pick_regressions and any(fixed.values()):
        for label in list(fixed):
            if fixed[label] and len(picked) < args.pick_regressions:
                picked.append(fixed[label].pop(0))
    for row in picked:
        print(json.dumps(dict(row, split="regression"), ensure_ascii=False))


if __name__ == "__main__":
    main()
