#!/usr/bin/env python3
"""Writes N evaluation cases as JSONL for the bench/eval benchmarks.

    python3 bench/eval/gen_cases.py N OUT.jsonl [--only TYPE[,TYPE...]]

Each line is a structured test case that both whet and promptfoo read:
{"vars": {"message": ...}, "assert": [...]}, with 2 or 3 string assertions
(contains, icontains, regex, equals, starts-with) drawn in rotation. Every
assertion holds for an answer that echoes the message, so a run against an
echoing model must pass all N cases: a benchmark that counts N passes knows
that every case was really graded. `--only` keeps the listed types (e.g.
`--only equals`, or `regex-ascii`: the same regex with ASCII classes, `[0-9]`
and `[a-z]` for `\d` and `\w`), to see what each type costs.
"""

import json
import sys

WORDS = ["card", "refund", "transfer", "balance", "pin", "limit", "fee", "loan"]
SHOPS = ["Acme", "Globex", "Initech", "Umbrella", "Hooli", "Stark"]


def message(i):
    word = WORDS[i % len(WORDS)]
    shop = SHOPS[(i // len(WORDS)) % len(SHOPS)]
    return f"Ticket {i}: my {word} was declined at {shop} for {i % 977}.{i % 100:02d} EUR", word


def pool(i, text, word):
    """Every assertion kind a case can draw, by name (`regex-ascii` is only
    drawn when asked for)."""
    return {
        "contains": {"type": "contains", "value": word},
        "icontains": {"type": "icontains", "value": word.upper()},
        "regex": {"type": "regex", "value": r"^Ticket \d+: my \w+ was declined"},
        "equals": {"type": "equals", "value": text},
        "starts-with": {"type": "starts-with", "value": f"Ticket {i}:"},
        "regex-ascii": {"type": "regex", "value": r"^Ticket [0-9]+: my [a-z]+ was declined"},
    }


def assertions(i, text, word, only):
    kinds = only or ["contains", "icontains", "regex", "equals", "starts-with"]
    chosen = pool(i, text, word)
    count = min(2 + i % 2, len(kinds))
    return [chosen[kinds[(i + k) % len(kinds)]] for k in range(count)]


def main():
    args = sys.argv[1:]
    only = None
    if len(args) == 4 and args[2] == "--only":
        only = args[3].split(",")
        args = args[:2]
    if len(args) != 2:
        sys.exit("usage: gen_cases.py N OUT.jsonl [--only TYPE[,TYPE...]]")
    n, out = int(args[0]), args[1]
    unknown = set(only or []) - set(pool(0, "", ""))
    if unknown:
        sys.exit(f"unknown assertion kind(s): {', '.join(sorted(unknown))}")
    with open(out, "w", encoding="utf-8") as f:
        for i in range(n):
            text, word = message(i)
            row = {"vars": {"message": text}, "assert": assertions(i, text, word, only)}
            f.write(json.dumps(row, separators=(",", ":")) + "\n")


if __name__ == "__main__":
    main()
