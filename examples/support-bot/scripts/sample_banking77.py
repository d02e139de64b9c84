#!/usr/bin/env python3
"""Draws this example's BANKING77 rows from a copy of the data set.

Run once, by hand, when the data set is rebuilt; nothing at demo or eval
time runs it, and the project never reads BANKING77 itself:

    python3 scripts/sample_banking77.py PATH/TO/banking77 --pool /tmp/pool.jsonl

It writes, for the ten intents of `route-intent`:

- datasets/golden.jsonl: 6 TEST rows per intent, untouched (the final number);
- datasets/tuning.jsonl: 6 TRAIN rows per intent, what prompt wording was
  tuned on (never the TEST rows); the few-shot examples of route-intent 1.1.0
  are TRAIN rows too and are left out of it;
- --pool: 6 more TEST rows per intent, disjoint from golden, from which the
  regression cases were picked (see measure.py --pick-regressions).

Sampling is seeded, so the same input gives the same files. Python 3
standard library only.
"""

import argparse
import csv
import json
import random
from pathlib import Path

INTENTS = [
    "card_arrival",
    "lost_or_stolen_card",
    "exchange_rate",
    "transfer_not_received_by_recipient",
    "pending_cash_withdrawal",
    "pin_blocked",
    "top_up_limits",
    "cancel_transfer",
    "age_limit",
    "wrong_amount_of_cash_received",
]

# The TRAIN rows route-intent 1.1.0 shows as examples: never tuned or
# evaluated on.
FEW_SHOT = {
    "I ordered my card but it still isn't here",
    "I think that my card has been stolen!",
    "Where can I find your exchange rates?",
    "I sent money to a person and they haven't received the payment yet.",
    "Why is my ATM withdrawal still pending?",
    "I attempted to enter my pin to many times.",
    "What is the maximum I can top up?",
    "I messed up a transfer and need to reverse it.",
    "Can my children open an account?",
    "I tried to withdraw $100 but only got $20. What happened?",
}

SEED = 77
PER_INTENT = 6
POOL_PER_INTENT = 6


def choice_assert(intent):
    """The per-row assertion: the output is exactly this intent's label."""
    return {
        "type": "choice",
        "value": {"labels": INTENTS, "expected": intent},
        "metric": "routing",
    }


def row(text, intent, split, source):
    return {
        "description": f"{intent}: {text[:60]}",
        "vars": {"message": text},
        "expected": intent,
        "assert": [choice_assert(intent)],
        "tags": [source],
        "split": split,
    }


def read(path):
    with open(path, newline="", encoding="utf-8") as f:
        return [r for r in csv.DictReader(f) if r["category"] in INTENTS]


def by_intent(rows, rng, exclude=frozenset()):
    """Rows grouped per intent, shuffled with the seeded generator."""
    groups = {}
    for intent in INTENTS:
        texts = [r["text"].strip() for r in rows if r["category"] == intent]
        texts = [t for t in texts if t not in exclude]
        rng.shuffle(texts)
        groups[intent] = texts
    return groups


def write(path, rows):
    with open(path, "w", encoding="utf-8") as f:
        for r in rows:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("banking77", type=Path, help="folder with train.csv and test.csv")
    ap.add_argument("--out", type=Path, default=Path(__file__).parent.parent / "datasets")
    ap.add_argument("--pool", type=Path, help="where to write the regression pool")
    args = ap.parse_args()

    rng = random.Random(SEED)
    test = by_intent(read(args.banking77 / "test.csv"), rng)
    train = by_intent(read(args.banking77 / "train.csv"), rng, exclude=FEW_SHOT)

    golden, pool, tuning = [], [], []
    for intent in INTENTS:
        golden += [row(t, intent, "golden", "banking77-test") for t in test[intent][:PER_INTENT]]
        rest = test[intent][PER_INTENT : PER_INTENT + POOL_PER_INTENT]
        pool += [row(t, intent, "regression", "banking77-test") for t in rest]
        tuning += [row(t, intent, "tuning", "banking77-train") for t in train[intent][:PER_INTENT]]

    write(args.out / "golden.jsonl", golden)
    write(args.out / "tuning.jsonl", tuning)
    if args.pool:
        write(args.pool, pool)
    print(f"golden {len(golden)}, tuning {len(tuning)}, pool {len(pool)}")


if __name__ == "__main__":
    main()
