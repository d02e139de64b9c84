#!/usr/bin/env python3
"""Labelled PII texts for the guard benchmark (bench/guard/pii_quality.py).

Faker (seeded, seven locales) makes realistic values and this script records
where each one lands, so every text carries its gold spans. Three parts:

  tpl   template sentences ("Please call me at {v}.", "my card {v} was
        charged twice", ...), a few with two or three values;
  b77   the same kinds of values in a short clause inserted at a word
        boundary of a real BANKING77 customer message;
  neg   unmodified BANKING77 messages (no gold span: every finding there is
        a false positive).

Output, one JSON object per line:
  {"id": "tpl-00001", "part": "tpl", "text": "...",
   "spans": [{"entity": "PHONE_NUMBER", "start": 18, "end": 33,
              "format": "en_US intl"}]}
Offsets are Python string indices (Unicode code points), end exclusive.
Entities use Presidio's names where it has one (EMAIL_ADDRESS, PHONE_NUMBER,
CREDIT_CARD, IBAN_CODE, US_SSN, IP_ADDRESS, URL, PERSON, MAC_ADDRESS,
CRYPTO) and DATE_OF_BIRTH / STREET_ADDRESS where it has only the broader
DATE_TIME / LOCATION. `format` says which variant was generated (locale,
separators, notation) for the per-format recall table.

  python gen_pii.py OUT.jsonl [--seed 7] [--per-entity 100] [--negatives 1000]
                    [--banking bench/guard/data/banking77_test.csv]

The same seed, arguments and Faker version give the same file.
"""

import argparse
import csv
import hashlib
import ipaddress
import json
import random
import sys
from pathlib import Path

from faker import Faker

LOCALES = ["en_US", "en_GB", "de_DE", "fr_FR", "es_ES", "it_IT", "nl_NL"]
# Faker's en_US has no bank provider of its own (it makes GB IBANs).
IBAN_LOCALES = ["en_GB", "de_DE", "fr_FR", "es_ES", "it_IT", "nl_NL"]

# Sentences for part `tpl`, per entity; `{v}` is the value.
TEMPLATES = {
    "PHONE_NUMBER": [
        "Please call me at {v}.",
        "You can reach me on {v} after 5pm.",
        "My phone number is {v}",
        "Text {v} if the transfer fails.",
        "Call back: {v}",
        "{v} is my mobile, the old one is disconnected.",
    ],
    "CREDIT_CARD": [
        "my card {v} was charged twice",
        "Card number: {v}",
        "I paid with {v} yesterday and it was declined.",
        "Please block {v} immediately, it was stolen.",
        "The payment from {v} still shows as pending.",
    ],
    "IBAN_CODE": [
        "IBAN {v}",
        "Please send the refund to {v}.",
        "My IBAN is {v}",
        "Transfer it to account {v} please.",
        "beneficiary: {v}, reference invoice 2231",
    ],
    "EMAIL_ADDRESS": [
        "email me at {v}",
        "My email address is {v}.",
        "Send the statement to {v} please.",
        "{v} is my login but the reset link never arrives.",
        "contact: {v}",
    ],
    "US_SSN": [
        "my SSN is {v}",
        "Social security number: {v}",
        "I gave them {v} as my social security number.",
        "SSN {v}, date of issue unknown",
        "The form asks for {v} again even though I entered it.",
    ],
    "IP_ADDRESS": [
        "server {v}",
        "I logged in from {v} yesterday.",
        "The request came from IP {v}, which is not mine.",
        "Connection refused on {v} when I open the app.",
        "my router is at {v}",
    ],
    "URL": [
        "{v}",
        "See {v} for details.",
        "I was sent to {v} after paying.",
        "Is {v} your official site?",
        "The link {v} asks for my PIN.",
    ],
    "DATE_OF_BIRTH": [
        "born on {v}",
        "My date of birth is {v}.",
        "DOB: {v}",
        "I was born {v} and the app says I am too young.",
        "date of birth {v}, please update it",
    ],
    "PERSON": [
        "I'm {v}",
        "My name is {v}.",
        "This is {v} from the accounts team.",
        "Please transfer the money to {v}.",
        "{v} here, I need help with my card.",
    ],
    "STREET_ADDRESS": [
        "I live at {v}",
        "Send the new card to {v}.",
        "My address is {v}",
        "I moved to {v} last month.",
        "Billing address: {v}",
    ],
    "MAC_ADDRESS": [
        "MAC {v}",
        "The device with MAC address {v} is blocked.",
        "my laptop {v} can't connect to the banking app",
        "hardware address: {v}",
        "Whitelist {v} please.",
    ],
    "CRYPTO": [
        "send the BTC to {v}",
        "My wallet is {v}.",
        "Withdraw everything to {v} today.",
        "deposit address {v}",
        "Is {v} the right address for the top-up?",
    ],
}

# Sentences with several values (part `tpl`), `{E}` naming each entity.
MULTI_TEMPLATES = [
    "I'm {PERSON}, call me at {PHONE_NUMBER} or email {EMAIL_ADDRESS}.",
    "Name: {PERSON}; address: {STREET_ADDRESS}; phone: {PHONE_NUMBER}",
    "Refund card {CREDIT_CARD} to IBAN {IBAN_CODE} please.",
    "{PERSON}, born on {DATE_OF_BIRTH}, SSN {US_SSN}.",
    "Login from {IP_ADDRESS} by {EMAIL_ADDRESS} at {URL}",
]

# Clauses for part `b77`, inserted into a BANKING77 message.
CLAUSES = {
    "PHONE_NUMBER": ["call me on {v}", "my number is {v}", "{v}", "tel. {v}"],
    "CREDIT_CARD": ["card {v}", "my card is {v}", "{v}", "the card ending in the number {v}"],
    "IBAN_CODE": ["IBAN {v}", "my account is {v}", "{v}", "to {v}"],
    "EMAIL_ADDRESS": ["my email is {v}", "{v}", "reply to {v}", "login {v}"],
    "US_SSN": ["my SSN is {v}", "SSN {v}", "social security number {v}", "{v}"],
    "IP_ADDRESS": ["from IP {v}", "{v}", "my IP is {v}", "via {v}"],
    "URL": ["see {v}", "{v}", "on {v}", "the site {v}"],
    "DATE_OF_BIRTH": ["born {v}", "my date of birth is {v}", "DOB {v}", "birthday {v}"],
    "PERSON": ["I'm {v}", "this is {v}", "my name is {v}", "for {v}"],
    "STREET_ADDRESS": ["I live at {v}", "my address is {v}", "at {v}", "send it to {v}"],
    "MAC_ADDRESS": ["MAC {v}", "device {v}", "{v}", "MAC address {v}"],
    "CRYPTO": ["wallet {v}", "to {v}", "my BTC address is {v}", "{v}"],
}

ENTITIES = list(TEMPLATES)

B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
BECH32 = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"


def b58check(version: int, payload: bytes) -> str:
    """Base58Check, as Bitcoin's legacy (1...) and P2SH (3...) addresses."""
    raw = bytes([version]) + payload
    raw += hashlib.sha256(hashlib.sha256(raw).digest()).digest()[:4]
    n = int.from_bytes(raw, "big")
    out = ""
    while n:
        n, r = divmod(n, 58)
        out = B58[r] + out
    return "1" * (len(raw) - len(raw.lstrip(b"\0"))) + out


def bech32_segwit(program: bytes) -> str:
    """A version-0 segwit address (bc1q...), per BIP 173's reference code."""

    def polymod(values):
        gen = [0x3B6A57B2, 0x26508E6D, 0x1EA119FA, 0x3D4233DD, 0x2A1462B3]
        chk = 1
        for v in values:
            top = chk >> 25
            chk = (chk & 0x1FFFFFF) << 5 ^ v
            for i in range(5):
                chk ^= gen[i] if (top >> i) & 1 else 0
        return chk

    acc, bits, data = 0, 0, [0]
    for b in program:
        acc = (acc << 8) | b
        bits += 8
        while bits >= 5:
            bits -= 5
            data.append((acc >> bits) & 31)
    if bits:
        data.append((acc << (5 - bits)) & 31)
    hrp = "bc"
    expanded = [ord(c) >> 5 for c in hrp] + [0] + [ord(c) & 31 for c in hrp]
    pm = polymod(expanded + data + [0] * 6) ^ 1
    checksum = [(pm >> 5 * (5 - i)) & 31 for i in range(6)]
    return hrp + "1" + "".join(BECH32[d] for d in data + checksum)


class Values:
    """One generator per entity; each returns (value, format tag)."""

    def __init__(self, seed: int):
        self.rng = random.Random(seed)
        self.fk = {}
        for i, loc in enumerate(LOCALES):
            f = Faker(loc)
            f.seed_instance(seed * 100 + i)
            self.fk[loc] = f

    def loc(self, locales=LOCALES):
        loc = self.rng.choice(locales)
        return loc, self.fk[loc]

    def PHONE_NUMBER(self):
        loc, f = self.loc()
        v = f.phone_number()
        kind = "intl" if v.startswith(("+", "00")) and not v.startswith("000") else "national"
        return v, f"{loc} {kind}" + (" ext" if "x" in v else "")

    def CREDIT_CARD(self):
        f = self.fk["en_US"]
        brand = self.rng.choice(["visa16", "mastercard", "amex", "discover", "jcb16", "diners", "maestro"])
        digits = f.credit_card_number(card_type=brand)
        sep = self.rng.choice(["", " ", "-"])
        if not sep:
            return digits, f"{brand} plain"
        groups = {15: [4, 6, 5], 14: [4, 6, 4]}.get(len(digits))
        if groups is None:
            groups = [4] * (len(digits) // 4) + ([len(digits) % 4] if len(digits) % 4 else [])
        parts, i = [], 0
        for g in groups:
            parts.append(digits[i : i + g])
            i += g
        return sep.join(parts), f"{brand} {'spaces' if sep == ' ' else 'dashes'}"

    def IBAN_CODE(self):
        loc, f = self.loc(IBAN_LOCALES)
        v = f.iban()
        if self.rng.random() < 0.5:
            return " ".join(v[i : i + 4] for i in range(0, len(v), 4)), f"{v[:2]} spaced"
        return v, f"{v[:2]} compact"

    def EMAIL_ADDRESS(self):
        loc, f = self.loc()
        kind = self.rng.choice(["email", "free_email", "company_email"])
        return getattr(f, kind)(), kind

    def US_SSN(self):
        v = self.fk["en_US"].ssn()
        r = self.rng.random()
        if r < 0.8:
            return v, "dashes"
        if r < 0.9:
            return v.replace("-", " "), "spaces"
        return v.replace("-", ""), "plain"

    def IP_ADDRESS(self):
        f = self.fk["en_US"]
        r = self.rng.random()
        if r < 0.3:
            return f.ipv4_public(), "ipv4 public"
        if r < 0.5:
            return f.ipv4_private(), "ipv4 private"
        if r < 0.8:
            return f.ipv6(), "ipv6 full"
        # Compressed notation: a documentation prefix, zeros in the middle.
        host = self.rng.getrandbits(32)
        return str(ipaddress.IPv6Address((0x20010DB8 << 96) | host)), "ipv6 compressed"

    def URL(self):
        loc, f = self.loc()
        r = self.rng.random()
        if r < 0.4:
            return f.url(), "site"
        if r < 0.8:
            return f.uri(), "path"
        return f"{f.url()}login?session={self.rng.getrandbits(40):x}&lang=en", "query"

    def DATE_OF_BIRTH(self):
        f = self.fk["en_US"]
        d = f.date_of_birth(minimum_age=18, maximum_age=90)
        fmt = self.rng.choice(["%Y-%m-%d", "%m/%d/%Y", "%d/%m/%Y", "%d.%m.%Y", "%B %d, %Y", "%d %B %Y", "%d %b %Y"])
        return d.strftime(fmt), fmt.replace("%", "")

    def PERSON(self):
        loc, f = self.loc()
        return f"{f.first_name()} {f.last_name()}", loc

    def STREET_ADDRESS(self):
        loc, f = self.loc()
        if self.rng.random() < 0.5:
            return f.street_address(), f"{loc} street"
        return ", ".join(p.strip() for p in f.address().split("\n")), f"{loc} full"

    def MAC_ADDRESS(self):
        v = self.fk["en_US"].mac_address()
        r = self.rng.random()
        if r < 0.4:
            return v, "colon lower"
        if r < 0.7:
            return v.upper().replace(":", "-"), "dash upper"
        if r < 0.85:
            return v.upper(), "colon upper"
        h = v.replace(":", "")
        return f"{h[0:4]}.{h[4:8]}.{h[8:12]}", "cisco dot"

    def CRYPTO(self):
        payload = self.rng.getrandbits(160).to_bytes(20, "big")
        r = self.rng.random()
        if r < 0.3:
            return b58check(0x00, payload), "btc p2pkh"
        if r < 0.55:
            return b58check(0x05, payload), "btc p2sh"
        if r < 0.8:
            return bech32_segwit(payload), "btc bech32"
        return "0x" + payload.hex(), "eth"


def fill(template: str, values: dict, entity_of_v: str = "") -> tuple:
    """Fills the `{NAME}` slots left to right with `values[NAME]`, a
    (value, format) pair; returns (text, spans). The slot `{v}` is labelled
    `entity_of_v`, any other slot by its name."""
    text, spans, rest = "", [], template
    while "{" in rest:
        before, _, after = rest.partition("{")
        name, _, rest = after.partition("}")
        text += before
        value, fmt = values[name]
        entity = entity_of_v if name == "v" else name
        spans.append({"entity": entity, "start": len(text), "end": len(text) + len(value), "format": fmt})
        text += value
    return text + rest, spans


def insert_clause(rng: random.Random, message: str, clause: str) -> tuple:
    """Inserts `clause` into `message` at a word boundary; returns the text
    and the offset at which the clause starts."""
    message = message.strip()
    starts = [0, len(message)] + [i for i in range(1, len(message)) if message[i - 1] == " " and message[i] != " "]
    at = rng.choice(starts)
    if at == 0:
        head = clause[0].upper() + clause[1:] if clause[0].islower() else clause
        return f"{head}. {message}", 0
    if at == len(message):
        if message[-1] in ".?!":
            lead = message + " "
            head = clause[0].upper() + clause[1:] if clause[0].islower() else clause
            return f"{lead}{head}.", len(lead)
        lead = message + ", "
        return f"{lead}{clause}", len(lead)
    left = message[:at].rstrip()
    if rng.random() < 0.5:
        lead = left + " ("
        return f"{lead}{clause}) {message[at:]}", len(lead)
    lead = left + ", "
    return f"{lead}{clause}, {message[at:]}", len(lead)


def read_banking(path: Path) -> list:
    with path.open(newline="", encoding="utf-8") as fh:
        return [row["text"] for row in csv.DictReader(fh)]


def generate(seed: int, per_entity: int, negatives: int, banking: list) -> list:
    rng = random.Random(seed)
    values = Values(seed)
    rows = []

    def value(entity):
        # Faker leaves stray and doubled blanks in some addresses.
        v, fmt = getattr(values, entity)()
        return " ".join(v.split()), fmt

    for entity in ENTITIES:
        for _ in range(per_entity):
            v = value(entity)
            text, spans = fill(rng.choice(TEMPLATES[entity]), {"v": v}, entity)
            rows.append(("tpl", text, spans))
    for _ in range(per_entity):
        tpl = rng.choice(MULTI_TEMPLATES)
        # In order of appearance: a set's order would vary between runs.
        names = list(dict.fromkeys(n.partition("}")[0] for n in tpl.split("{")[1:]))
        text, spans = fill(tpl, {n: value(n) for n in names})
        rows.append(("tpl", text, spans))

    order = list(range(len(banking)))
    rng.shuffle(order)
    carriers, negs = order[: per_entity * len(ENTITIES)], order[per_entity * len(ENTITIES) :][:negatives]
    if len(carriers) < per_entity * len(ENTITIES) or len(negs) < negatives:
        sys.exit(f"gen_pii.py: {len(banking)} BANKING77 messages are too few for these counts")
    for k, idx in enumerate(carriers):
        entity = ENTITIES[k % len(ENTITIES)]
        v, fmt = value(entity)
        clause = rng.choice(CLAUSES[entity])
        pre, _, post = clause.partition("{v}")
        text, at = insert_clause(rng, banking[idx], pre + "\0" + post)
        start = at + text[at:].index("\0")
        text = text[:start] + v + text[start + 1 :]
        rows.append(("b77", text, [{"entity": entity, "start": start, "end": start + len(v), "format": fmt}]))
    for idx in negs:
        rows.append(("neg", banking[idx], []))

    out = []
    counters = {}
    for part, text, spans in rows:
        counters[part] = counters.get(part, 0) + 1
        out.append({"id": f"{part}-{counters[part]:05d}", "part": part, "text": text, "spans": spans})
    return out


def check(rows: list) -> None:
    """Every span must be a non-empty piece with no surrounding blanks
    (guards the offset logic)."""
    for row in rows:
        for s in row["spans"]:
            piece = row["text"][s["start"] : s["end"]]
            if not piece or piece != piece.strip():
                sys.exit(f"gen_pii.py: bad span {s} in {row['id']}: {piece!r}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out", type=Path)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--per-entity", type=int, default=100, help="texts per entity in each of tpl and b77")
    ap.add_argument("--negatives", type=int, default=1000, help="unmodified BANKING77 messages")
    ap.add_argument("--banking", type=Path, default=Path(__file__).parent / "data" / "banking77_test.csv")
    args = ap.parse_args()
    rows = generate(args.seed, args.per_entity, args.negatives, read_banking(args.banking))
    check(rows)
    with args.out.open("w", encoding="utf-8") as fh:
        for row in rows:
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    n_spans = sum(len(r["spans"]) for r in rows)
    print(f"gen_pii.py: {len(rows)} texts, {n_spans} gold spans -> {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
