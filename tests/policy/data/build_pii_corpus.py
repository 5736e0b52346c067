"""Build the labeled PII corpus: tests/policy/data/pii_dev.jsonl and pii_heldout.jsonl.

    .venv/bin/python tests/policy/data/build_pii_corpus.py

Each line is `{"text", "source", "spans": [{"start", "end", "type"}]}`. Texts are assembled from
parts, so every span is exact by construction (the builder records offsets while concatenating).

Two disjoint template sets: the held-out set was written first and is never used for tuning; the
dev set is what the detector is tuned on. Names come from Faker's per-locale lists (a source the
detector's own lexicons were not built from), so recall reflects names the lexicon may not know.

Labeling conventions (what a reviewer would redact):
- name: a person's name as written (given, given + family, family after a title); no title.
- phone: the number with its '+', country code and parentheses; no "ext." suffix.
- financial: card number, IBAN, US routing or bank account number, with their spaces/dashes.
- national_id: the identifier (SSN, UK NINO, Brazilian CPF, …).
- ip_address: a routable or private host address, without port or prefix length. Loopback,
  0.0.0.0, broadcast and netmasks identify no one and are not labeled.
"""

import hashlib
import json
import random
import string
import sys
import uuid
from pathlib import Path

import phonenumbers
from faker import Faker

HERE = Path(__file__).parent

DEV_LOCALES = [
    "en_US", "en_GB", "en_IN", "es_MX", "pt_BR", "fr_FR", "de_DE", "it_IT", "pl_PL", "nl_NL",
    "vi_VN", "yo_NG", "tr_TR", "zh_CN", "ja_JP",
]
HELDOUT_LOCALES = [
    "en_US", "en_CA", "en_AU", "en_IE", "en_NG", "en_KE", "en_PK", "es_ES", "es_CO", "pt_PT", "fr_CA",
    "de_AT", "sv_SE", "da_DK", "fi_FI", "cs_CZ", "hu_HU", "ro_RO", "hr_HR", "id_ID", "fil_PH",
    "zu_ZA", "tw_GH", "ig_NG", "zh_CN", "ja_JP", "hi_IN",
]


class Doc:
    """Concatenates literal text and labeled values, recording span offsets."""

    def __init__(self, source: str):
        self.source, self.parts, self.spans, self.length = source, [], [], 0

    def t(self, text: str) -> "Doc":
        self.parts.append(text)
        self.length += len(text)
        return self

    def e(self, kind: str, value: str) -> "Doc":
        self.spans.append({"start": self.length, "end": self.length + len(value), "type": kind})
        return self.t(value)

    def row(self) -> dict:
        text = "".join(self.parts)
        for span in self.spans:
            assert text[span["start"] : span["end"]].strip() == text[span["start"] : span["end"]], span
        return {"text": text, "source": self.source, "spans": self.spans}


class Gen:
    def __init__(self, seed: int, locales: list[str]):
        self.r = random.Random(seed)
        self.fakers = []
        for loc in locales:
            f = Faker(loc)
            f.seed_instance(seed + len(self.fakers))
            self.fakers.append((loc, f))

    # -- people -------------------------------------------------------------------------------
    def person(self) -> tuple[str, str]:
        loc, f = self.r.choice(self.fakers)
        if loc in ("zh_CN", "ja_JP"):
            first, last = f.first_romanized_name(), f.last_romanized_name()
        elif loc == "hi_IN":
            f = Faker("en_IN")
            f.seed_instance(self.r.randrange(10**6))
            first, last = f.first_name(), f.last_name()
        else:
            first, last = f.first_name(), f.last_name()
        # Keep particles ("van Dijk", "de la Cruz"); drop a second given name.
        return first.split()[0], last

    def full(self) -> str:
        first, last = self.person()
        return f"{first} {last}"

    def email_for(self, first: str, last: str) -> str:
        def ascii_(s):
            import unicodedata

            return "".join(c for c in unicodedata.normalize("NFKD", s) if c.isascii() and (c.isalnum())).lower()

        local = self.r.choice([f"{ascii_(first)}.{ascii_(last)}", f"{ascii_(first)[0]}{ascii_(last)}", f"{ascii_(first)}", f"{ascii_(first)}_{ascii_(last)}{self.r.randint(1, 99)}"])
        domain = self.r.choice(["acme.io", "example.com", "gmail.com", "corp.internal.net", "shop.co.uk", "outlook.com", "startup.dev", "uni-mannheim.de", "mail.ru"])
        return f"{local or 'user'}@{domain}"

    def email(self) -> str:
        return self.email_for(*self.person())

    # -- numbers ------------------------------------------------------------------------------
    def phone(self) -> str:
        for _ in range(200):
            region = self.r.choice(["US", "US", "GB", "DE", "FR", "IN", "BR", "AU", "NG", "JP", "ES", "MX", "CA", "NL", "KE"])
            example = phonenumbers.example_number_for_type(region, self.r.choice([phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE]))
            if example is None:
                continue
            national = str(example.national_number)
            digits = national[:2] + "".join(self.r.choice(string.digits) for _ in national[2:])
            number = phonenumbers.parse("+" + str(example.country_code) + digits)
            if not phonenumbers.is_valid_number(number):
                continue
            style = self.r.random()
            if region in ("US", "CA") and style < 0.5:
                fmt = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
                return self.r.choice([fmt, fmt.replace("(", "").replace(") ", "-"), fmt.replace("(", "").replace(") ", ".").replace("-", ".")])
            if style < 0.8:
                return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
            if style < 0.9:
                return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
            return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
        raise RuntimeError("no phone")

    def luhn_complete(self, prefix: str, length: int) -> str:
        body = prefix + "".join(self.r.choice(string.digits) for _ in range(length - len(prefix) - 1))
        for check in string.digits:
            candidate = body + check
            total = 0
            for i, ch in enumerate(reversed(candidate)):
                d = int(ch)
                if i % 2:
                    d = d * 2 - 9 if d > 4 else d * 2
                total += d
            if total % 10 == 0:
                return candidate
        raise AssertionError

    def card(self) -> str:
        kind = self.r.choice(["visa", "visa", "mc", "mc2", "amex", "discover", "jcb"])
        prefix, length = {
            "visa": ("4", 16), "mc": (str(self.r.randint(51, 55)), 16), "mc2": (str(self.r.randint(2221, 2720)), 16),
            "amex": (self.r.choice(["34", "37"]), 15), "discover": ("6011", 16), "jcb": (str(self.r.randint(3528, 3589)), 16),
        }[kind]
        digits = self.luhn_complete(prefix, length)
        sep = self.r.choice(["", " ", "-", " "])
        if length == 15:
            return sep.join([digits[:4], digits[4:10], digits[10:]]) if sep else digits
        return sep.join(digits[i : i + 4] for i in range(0, 16, 4))

    def bad_card(self) -> str:
        digits = self.luhn_complete("4", 16)
        digits = digits[:-1] + str((int(digits[-1]) + self.r.randint(1, 9)) % 10)
        return self.r.choice([digits, " ".join(digits[i : i + 4] for i in range(0, 16, 4))])

    def iban(self) -> str:
        country, bban_len = self.r.choice([("DE", 18), ("GB", 18), ("FR", 23), ("ES", 20), ("NL", 14), ("IT", 23), ("BE", 12), ("CH", 17)])
        if country == "GB":
            bban = self.r.choice(["WEST", "NWBK", "BARC", "HBUK"]) + "".join(self.r.choice(string.digits) for _ in range(14))
        elif country == "NL":
            bban = self.r.choice(["ABNA", "INGB", "RABO"]) + "".join(self.r.choice(string.digits) for _ in range(10))
        elif country == "IT":
            bban = self.r.choice(string.ascii_uppercase) + "".join(self.r.choice(string.digits) for _ in range(22))
        else:
            bban = "".join(self.r.choice(string.digits) for _ in range(bban_len))
        numeric = "".join(str(int(ch, 36)) for ch in bban + country + "00")
        check = 98 - int(numeric) % 97
        iban = f"{country}{check:02d}{bban}"
        return " ".join(iban[i : i + 4] for i in range(0, len(iban), 4)) if self.r.random() < 0.6 else iban

    def routing(self) -> str:
        while True:
            prefix = self.r.choice(["01", "02", "03", "04", "05", "06", "07", "08", "09", "10", "11", "12", "21", "22", "26", "31", "32"])
            d = prefix + "".join(self.r.choice(string.digits) for _ in range(6))
            for check in string.digits:
                full = d + check
                if sum(int(c) * k for c, k in zip(full, (3, 7, 1) * 3)) % 10 == 0:
                    return full

    def account(self) -> str:
        return "".join(self.r.choice(string.digits) for _ in range(self.r.randint(8, 12)))

    def ssn(self) -> str:
        area = self.r.choice([a for a in range(1, 900) if a != 666])
        return f"{area:03d}-{self.r.randint(1, 99):02d}-{self.r.randint(1, 9999):04d}"

    def nino(self) -> str:
        first = self.r.choice("ABCEGHJKLMNPRSTWXYZ")
        second = self.r.choice("ABCEGHJKLMNPRSTWXYZ")
        if first + second in ("BG", "GB", "NK", "KN", "TN", "NT", "ZZ"):
            first, second = "A", "B"
        digits = "".join(self.r.choice(string.digits) for _ in range(6))
        return f"{first}{second} {digits[:2]} {digits[2:4]} {digits[4:]} {self.r.choice('ABCD')}"

    def cpf(self) -> str:
        d = [self.r.randint(0, 9) for _ in range(9)]
        for n in (9, 10):
            total = sum(d[i] * (n + 1 - i) for i in range(n))
            d.append(total * 10 % 11 % 10)
        s = "".join(map(str, d))
        return f"{s[:3]}.{s[3:6]}.{s[6:9]}-{s[9:]}"

    def ipv4(self) -> str:
        kind = self.r.random()
        if kind < 0.4:
            return f"10.{self.r.randint(0, 255)}.{self.r.randint(0, 255)}.{self.r.randint(1, 254)}"
        if kind < 0.6:
            return f"192.168.{self.r.randint(0, 255)}.{self.r.randint(1, 254)}"
        return f"{self.r.choice([23, 34, 52, 81, 91, 104, 145, 172, 185, 203])}.{self.r.randint(0, 255)}.{self.r.randint(0, 255)}.{self.r.randint(1, 254)}"

    def ipv6(self) -> str:
        groups = [f"{self.r.randint(0, 0xFFFF):x}" for _ in range(4)]
        return self.r.choice([f"2001:db8::{groups[0]}:{groups[1]}", f"fe80::{groups[0]}:{groups[1]}:{groups[2]}:{groups[3]}", "2a00:1450:4001:82" + str(self.r.randint(0, 9)) + "::200e"])

    # -- hard negatives -----------------------------------------------------------------------
    def uuid(self) -> str:
        return str(uuid.UUID(int=self.r.getrandbits(128), version=4))

    def sha(self, n: int = 40) -> str:
        return hashlib.sha256(str(self.r.random()).encode()).hexdigest()[:n]

    def version(self) -> str:
        return f"{self.r.randint(0, 9)}.{self.r.randint(0, 30)}.{self.r.randint(0, 20)}"

    def timestamp(self) -> str:
        return f"2024-{self.r.randint(1, 12):02d}-{self.r.randint(1, 28):02d}T{self.r.randint(0, 23):02d}:{self.r.randint(0, 59):02d}:{self.r.randint(0, 59):02d}.{self.r.randint(0, 999):03d}Z"

    def ticket(self) -> str:
        return self.r.choice([f"ORD-{self.r.randint(10000, 99999)}", f"JIRA-{self.r.randint(10, 9999)}", f"INC{self.r.randint(1000000, 9999999)}", f"PLAT-{self.r.randint(100, 999)}", f"#{self.r.randint(100, 99999)}"])

    def c(self, *options):
        return self.r.choice(options)


def write(path: Path, rows: list[dict]) -> None:
    with path.open("w", encoding="utf-8") as fh:
        for row in rows:
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")


def main() -> None:
    from pii_corpus_templates import DEV_TEMPLATES, HELDOUT_TEMPLATES

    for name, templates, locales, seed, count in (
        ("pii_heldout.jsonl", HELDOUT_TEMPLATES, HELDOUT_LOCALES, 1701, 300),
        ("pii_dev.jsonl", DEV_TEMPLATES, DEV_LOCALES, 42, 450),
    ):
        g = Gen(seed, locales)
        rows = [templates[i % len(templates)](g) for i in range(count)]
        write(HERE / name, rows)
        print(f"{name}: {len(rows)} examples, {sum(len(r['spans']) for r in rows)} spans, {sum(not r['spans'] for r in rows)} without PII")


if __name__ == "__main__":
    sys.path.insert(0, str(HERE))
    main()
