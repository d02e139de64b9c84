#!/usr/bin/env python3
"""Reference embeddings for whet-embed's tests, from the Python implementation.

Computes all-MiniLM-L6-v2 sentence embeddings with sentence-transformers (the
reference implementation) and writes them, with the library versions that
produced them, to ../tests/data/reference_vectors.json. The Rust test
(tests/reference.rs) asserts that whet-embed's vectors have a cosine of at
least 0.999 with these. Run it again only to add sentences; the numbers must
not drift.

The model comes from whet's own model store, so Python and Rust read the very
same files (sha256-checked by whet-models):

    whet models pull all-minilm-l6-v2          # or: cargo test -p whet-embed pulls it
    python3 -m venv /tmp/st-venv
    /tmp/st-venv/bin/pip install sentence-transformers   # pulls torch (large)
    HF_HUB_OFFLINE=1 /tmp/st-venv/bin/python crates/whet-embed/scripts/reference_vectors.py \
        ~/.cache/whet/models/all-minilm-l6-v2

The committed fixture was produced with Python 3.11.7, sentence-transformers
6.2.0, transformers 5.24.0, torch 2.15.0+cu132 (run on the CPU), tokenizers
0.23.3 and numpy 2.4.6 (the JSON records them too).

The model directory holds only config.json, tokenizer.json and
model.safetensors (no modules.json), so the pipeline that the published
sentence-transformers/all-MiniLM-L6-v2 declares is built explicitly:
Transformer(max_seq_length=256) -> Pooling(mean) -> Normalize. As a cross-check
the script also computes the same vectors with plain transformers + torch
(AutoModel, masked mean, L2 norm) and fails if the two disagree.
"""

from __future__ import annotations

import json
import os
import platform
import sys
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

import numpy as np  # noqa: E402
import sentence_transformers  # noqa: E402
import tokenizers  # noqa: E402
import torch  # noqa: E402
import transformers  # noqa: E402
from sentence_transformers import SentenceTransformer  # noqa: E402
from sentence_transformers.sentence_transformer.modules import (  # noqa: E402
    Normalize,
    Pooling,
    Transformer,
)

MAX_SEQ_LENGTH = 256

# The long sentence is well over 256 WordPiece tokens, so truncation matters:
# a tokenizer that cut at 128 (tokenizer.json's own setting) or not at all
# would give a different vector.
LONG = " ".join(
    [
        "I opened an account last spring and ordered a physical card, which arrived",
        "after nine days; since then I have topped up by bank transfer several times,",
        "exchanged pounds into euros and dollars before two trips, paid for hotels,",
        "trains and restaurants, withdrawn cash from machines in three countries, and",
        "yesterday I noticed a pending payment to a merchant I have never heard of,",
        "followed by a declined contactless payment at the supermarket, a message saying",
        "my PIN was blocked after a single attempt, and a fee of 2.50 for a withdrawal",
        "that should have been free under the monthly allowance described in the app.",
    ]
    * 3
)

SENTENCES = [
    # Semantic pairs used by the Rust test.
    "I lost my card",
    "my card was stolen",
    "what is the exchange rate",
    # A real BANKING77 message (train.csv, intent card_arrival; PolyAI, CC-BY-4.0).
    "What can I do if my card still hasn't arrived after 2 weeks?",
    # Punctuation, digits, currency, mixed case.
    "Why was I charged a $2.50 fee on my 3rd ATM withdrawal?!",
    # Unicode: accents (stripped by the uncased normaliser), CJK (split per
    # character), an emoji ([UNK]).
    "Café crème à Zürich — 東京で銀行カードを失くしました 🙂",
    # Empty-ish and empty: only [CLS] and [SEP] for the latter.
    "ok",
    "",
    LONG,
]


def sentence_transformers_vectors(model_dir: str) -> tuple[np.ndarray, list[int]]:
    word = Transformer(model_dir, max_seq_length=MAX_SEQ_LENGTH)
    pooling = Pooling(word.get_embedding_dimension(), pooling_mode="mean")
    model = SentenceTransformer(modules=[word, pooling, Normalize()], device="cpu")
    assert model.max_seq_length == MAX_SEQ_LENGTH, model.max_seq_length
    features = model.preprocess(SENTENCES)
    lengths = [int(n) for n in features["attention_mask"].sum(dim=1)]
    assert max(lengths) == MAX_SEQ_LENGTH, lengths
    vectors = model.encode(SENTENCES, batch_size=32, convert_to_numpy=True)
    return vectors.astype(np.float32), lengths


def transformers_vectors(model_dir: str) -> np.ndarray:
    tok = transformers.AutoTokenizer.from_pretrained(model_dir)
    model = transformers.AutoModel.from_pretrained(model_dir).eval()
    batch = tok(
        SENTENCES,
        padding=True,
        truncation=True,
        max_length=MAX_SEQ_LENGTH,
        return_tensors="pt",
    )
    with torch.no_grad():
        hidden = model(**batch).last_hidden_state
    mask = batch["attention_mask"].unsqueeze(-1).to(hidden.dtype)
    mean = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
    return torch.nn.functional.normalize(mean, p=2, dim=1).numpy()


def main() -> None:
    if len(sys.argv) != 2:
        sys.exit("usage: reference_vectors.py MODEL_DIR (whet's all-minilm-l6-v2 directory)")
    model_dir = sys.argv[1]
    torch.manual_seed(0)
    vectors, lengths = sentence_transformers_vectors(model_dir)
    check = transformers_vectors(model_dir)
    cross = [float(np.dot(a, b)) for a, b in zip(vectors, check)]
    assert min(cross) > 0.99999, cross

    out = {
        "model": "all-minilm-l6-v2",
        "reference": "sentence-transformers: Transformer(max_seq_length=256) -> Pooling(mean) -> Normalize",
        "cross_check": "transformers AutoModel + masked mean + L2 norm; min cosine with the reference "
        f"{min(cross):.9f}",
        "max_seq_length": MAX_SEQ_LENGTH,
        "attribution": "The fourth sentence is from BANKING77 (PolyAI, CC-BY-4.0), train.csv, "
        "intent card_arrival.",
        "versions": {
            "python": platform.python_version(),
            "sentence_transformers": sentence_transformers.__version__,
            "transformers": transformers.__version__,
            "torch": torch.__version__,
            "tokenizers": tokenizers.__version__,
            "numpy": np.__version__,
        },
        "sentences": [
            {"text": text, "tokens": n, "vector": [float(x) for x in vec]}
            for text, n, vec in zip(SENTENCES, lengths, vectors)
        ],
    }
    path = Path(__file__).resolve().parent.parent / "tests" / "data" / "reference_vectors.json"
    path.write_text(json.dumps(out, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {len(SENTENCES)} vectors to {path}")
    print("tokens per sentence:", lengths)
    print("min cosine between sentence-transformers and plain transformers:", min(cross))


if __name__ == "__main__":
    main()
