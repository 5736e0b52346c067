"""pii-detector: personal data in free text, typed spans with code-point offsets.

Each entity type is a precompiled candidate pattern plus a validator (checksum, registry or
context words), so a scan costs a few regex passes over the text and Python work only per
candidate. Patterns are anchored on boundaries with bounded, possessive repetition so long runs of
digits, '@', whitespace or brackets stay linear. Names live in `pii_names` (lexicons + context).
"""

import ipaddress
import re
from functools import lru_cache

import phonenumbers

from keeptrusts.policy.detectors import pii_names, pii_names_scripts
from keeptrusts.policy.types import DetectorResult, Span

ENTITY_TYPES = ("name", "email", "phone", "financial", "national_id", "ip_address")

# When spans of different types overlap, the more specific one wins.
_PRIORITY = {"email": 6, "financial": 5, "national_id": 4, "ip_address": 3, "phone": 2, "name": 1}

# ---------------------------------------------------------------------------------------------
# email

_EMAIL = re.compile(
    r"(?<![\w.%+\-])[\w][\w.%+\-]{0,63}+@"
    r"(?:[A-Za-z0-9][A-Za-z0-9\-]{0,62}+\.){1,8}[A-Za-z]{2,24}+(?![\w\-]|\.\w)"
)
# `logo@2x.png` and `pkg@file.js` are files, `git@github.com:` is an SSH remote.
_FILE_TLDS = frozenset(
    "png jpg jpeg gif svg webp ico bmp css js mjs cjs ts tsx jsx map json yaml yml xml lock txt md "
    "html htm py rb go rs java kt swift php pdf zip gz tar log ini toml cfg conf".split()
)


# File extensions that are also country domains (Serbia, Moldova, Paraguay): `jovana.markovic@sbb.rs`
# is a mailbox, `icon@lib.rs` a file.
_COUNTRY_TLDS = frozenset(("rs", "md", "py"))
_MAIL_WORDS = ("mail", "contact", "kontakt", "correo", "courriel", "reach", "write to")


def _personal_mailbox(text: str, start: int, at: int) -> bool:
    local = text[start:at]
    return any(ch in local for ch in "._-") or _near(text, start, _MAIL_WORDS, 60)


_SSH_COMMANDS = ("ssh", "scp", "sftp", "rsync", "mosh", "-l")
_LOCAL_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._%+-")


def _emails(text: str) -> list[Span]:
    spans, pos = [], 0
    while (at := text.find("@", pos)) >= 0:
        pos = at + 1
        if at == 0 or not text[at + 1 : at + 2].isalnum():
            continue  # decorators, runs of '@'
        start = at
        while start > 0 and at - start < 64 and (text[start - 1] in _LOCAL_CHARS or text[start - 1].isalnum()):
            start -= 1
        m = _EMAIL.match(text, start) if start < at else None
        if m is None:
            continue
        pos = m.end()
        value = m.group()
        tld = value.rsplit(".", 1)[1].lower()
        if tld in _FILE_TLDS and not (tld in _COUNTRY_TLDS and _personal_mailbox(text, start, at)):
            continue
        if text.startswith(":", m.end()) or text[max(0, start - 8) : start].rstrip().endswith(_SSH_COMMANDS):
            continue  # `git@github.com:org/repo`, `ssh deploy@bastion`: a login, not a mailbox
        spans.append(Span(m.start(), m.end(), "email"))
    return spans


# ---------------------------------------------------------------------------------------------
# phone

# Inside a numeric run: starts with '+', '(' or a digit; trimmed to end on a digit and validated
# by phonenumbers, per candidate.
_PHONE = re.compile(r"(?<![\w+@/#$.\-])(?:\+|\b00)?\(?\d[\d \-.()\u00a0]{5,24}+")
_PHONE_WORDS = ("phone", "tel", "mobile", "mob", "cell", "call", "fax", "sms", "text", "whatsapp", "contact",
                "dial", "reach", "ph.", "ph:", "telefon", "teléfono", "telefone", "téléphone", "móvil", "handy")
_DOTTED_QUAD = re.compile(r"\d{1,3}(?:\.\d{1,3}){3}")
_DATE_LIKE = re.compile(r"(?:19|20)\d\d[-./](?:0?[1-9]|1[0-2])[-./](?:0?[1-9]|[12]\d|3[01])|"
                        r"(?:0?[1-9]|[12]\d|3[01])[-./](?:0?[1-9]|1[0-2])[-./](?:19|20)\d\d")
# National numbers (trunk prefix 0) are tried against these regions after US/NANP fails.
_NATIONAL_REGIONS = ("GB", "DE", "FR", "IN", "AU", "IT", "ES", "NL", "BR", "JP", "NG", "ZA", "IE", "CH", "SE")


@lru_cache(maxsize=4096)
def _valid_phone(candidate: str, has_context: bool) -> bool:
    digits = re.sub(r"\D", "", candidate)
    if not 7 <= len(digits) <= 15:
        return False
    separated = len(digits) != len(candidate.lstrip("+"))
    try:
        if candidate.startswith("+") or candidate.startswith("00"):
            number = phonenumbers.parse("+" + digits[2:] if candidate.startswith("00") else candidate, None)
            return phonenumbers.is_valid_number(number)
        # A bare run of digits is an id far more often than a phone number.
        if not separated and not has_context:
            return False
        if phonenumbers.is_valid_number(phonenumbers.parse(candidate, "US")):
            return True
        if digits.startswith("0"):
            return any(phonenumbers.is_valid_number(phonenumbers.parse(candidate, region)) for region in _NATIONAL_REGIONS)
    except phonenumbers.NumberParseException:
        return False
    return False


def _phone_candidates(value: str):
    """The run itself, then the run without its last one or two groups (a trailing count or id)."""
    yield value
    for _ in range(2):
        head, sep, _tail = value.rpartition(" ")
        if not sep or sum(ch.isdigit() for ch in head) < 7:
            return
        value = head.rstrip(" -.(")
        yield value


def _phones(text: str, runs: list[tuple[int, int]]) -> list[Span]:
    spans = []
    for m in (m for s, e in runs if e - s >= 7 for m in _PHONE.finditer(text, s, e)):
        start, value = m.start(), m.group()
        end = start + len(value.rstrip(" -.()\u00a0"))
        value = text[start:end]
        if value.endswith(")") and value.count("(") < value.count(")"):
            end, value = end - 1, value[:-1]
        if value.startswith("(") and ")" not in value:
            start, value = start + 1, value[1:]
        nxt = text[end : end + 2]
        if nxt and (nxt[0].isalnum() or nxt[0] in "@/_" or (nxt[0] in ".-" and nxt[1:2].isdigit())):
            continue  # part of a longer token: an id, a decimal, a path
        if _DOTTED_QUAD.fullmatch(value) or _DATE_LIKE.match(value):
            continue
        if value.count(".") >= 2 and not re.fullmatch(r"(?:\+?\d{1,3}[. ])?\(?\d{3}\)?[. ]\d{3}\.\d{4}", value):
            continue  # version strings, decimals
        has_context = _near(text, start, _PHONE_WORDS)
        for candidate in _phone_candidates(value):
            if _valid_phone(candidate, has_context):
                spans.append(Span(start, start + len(candidate), "phone"))
                break
    return spans


# ---------------------------------------------------------------------------------------------
# financial

_CARD = re.compile(r"(?<![\w\-.])\d{4}(?:[ \-.]?+\d){8,15}+(?![\w\-]|\.\d)")
# Groups of four with one separator throughout (`4111.1111.1111.1111` too), Amex 4-6-5, or bare.
_CARD_GROUPED = re.compile(r"\d{4}(?:([ \-.])\d{4}(?:\1\d{4}(?:\1\d{4}(?:\1\d{3})?)?)?|([ \-])\d{6}\2\d{4,5})|\d{13,19}")


def _luhn_ok(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = ord(ch) - 48
        if i % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def _card_issuer_ok(d: str) -> bool:
    n = len(d)
    p2, p3, p4, p6 = int(d[:2]), int(d[:3]), int(d[:4]), int(d[:6])
    if d[0] == "4":
        return n in (13, 16, 19)  # Visa
    if 51 <= p2 <= 55 or 2221 <= p4 <= 2720:
        return n == 16  # Mastercard
    if p2 in (34, 37):
        return n == 15  # Amex
    if p4 == 6011 or 644 <= p3 <= 649 or p2 == 65 or 622126 <= p6 <= 622925:
        return 16 <= n <= 19  # Discover
    if 3528 <= p4 <= 3589:
        return 16 <= n <= 19  # JCB
    if 300 <= p3 <= 305 or p2 in (36, 38, 39) or p4 == 3095:
        return 14 <= n <= 19  # Diners
    if p2 == 62:
        return 16 <= n <= 19  # UnionPay
    if p2 in (50, 56, 57, 58, 63, 67) or p4 in (6304, 6759, 6761, 6762, 6763):
        return 12 <= n <= 19  # Maestro
    if 2200 <= p4 <= 2204:
        return n == 16  # Mir
    return False


def _cards(text: str, runs: list[tuple[int, int]]) -> list[Span]:
    spans = []
    for m in (m for s, e in runs if e - s >= 13 for m in _CARD.finditer(text, s, e)):
        value = m.group()
        if not _CARD_GROUPED.fullmatch(value):
            continue
        digits = value.replace(" ", "").replace("-", "").replace(".", "")
        if 13 <= len(digits) <= 19 and _card_issuer_ok(digits) and _luhn_ok(digits):
            spans.append(Span(m.start(), m.end(), "financial"))
    return spans


# Total IBAN length per country (SWIFT registry).
_IBAN_LENGTHS = {
    "AD": 24, "AE": 23, "AL": 28, "AT": 20, "AZ": 28, "BA": 20, "BE": 16, "BG": 22, "BH": 22, "BR": 29,
    "BY": 28, "CH": 21, "CR": 22, "CY": 28, "CZ": 24, "DE": 22, "DK": 18, "DO": 28, "EE": 20, "EG": 29,
    "ES": 24, "FI": 18, "FO": 18, "FR": 27, "GB": 22, "GE": 22, "GI": 23, "GL": 18, "GR": 27, "GT": 28,
    "HR": 21, "HU": 28, "IE": 22, "IL": 23, "IQ": 23, "IS": 26, "IT": 27, "JO": 30, "KW": 30, "KZ": 20,
    "LB": 28, "LC": 32, "LI": 21, "LT": 20, "LU": 20, "LV": 21, "MC": 27, "MD": 24, "ME": 22, "MK": 19,
    "MR": 27, "MT": 31, "MU": 30, "NL": 18, "NO": 15, "PK": 24, "PL": 28, "PS": 29, "PT": 25, "QA": 29,
    "RO": 24, "RS": 22, "SA": 24, "SC": 31, "SE": 24, "SI": 19, "SK": 24, "SM": 27, "ST": 25, "SV": 28,
    "TL": 23, "TN": 24, "TR": 26, "UA": 29, "VA": 22, "VG": 24, "XK": 20,
}
# ASCII: with IGNORECASE alone, [A-Z] would also match 'İ', 'ı' and the Kelvin sign.
_IBAN = re.compile(r"(?<![\w\-])([A-Z]{2})(\d\d)((?: ?[A-Z0-9]){11,30}+)", re.IGNORECASE | re.ASCII)


def _iban_mod97_ok(iban: str) -> bool:
    rearranged = iban[4:] + iban[:4]
    number = "".join(str(int(ch, 36)) for ch in rearranged)
    return int(number) % 97 == 1


def _ibans(text: str, runs: list[tuple[int, int]]) -> list[Span]:
    spans = []
    # An IBAN's first digits follow its two-letter country code: `DE89 3704…`, `GB82 WEST…`.
    starts = (s - 2 for s, _ in runs if s >= 2 and text[s - 2 : s].isalpha())
    for m in filter(None, (_IBAN.match(text, start) for start in starts)):
        length = _IBAN_LENGTHS.get(m.group(1).upper())
        if length is None:
            continue
        # Walk exactly `length` alphanumerics (single spaces allowed between them).
        body, end = [], m.start()
        for i in range(m.start(), m.end()):
            ch = text[i]
            if ch != " ":
                body.append(ch)
                end = i + 1
                if len(body) == length:
                    break
        if len(body) != length or (end < len(text) and text[end].isalnum()):
            continue
        iban = "".join(body).upper()
        if _iban_mod97_ok(iban):
            spans.append(Span(m.start(), end, "financial"))
    return spans


_ROUTING = re.compile(
    r"(?i)\b(?:routing|aba|rtn|transit|bank\s+code)(?:[\s_\-]*(?:number|num|no\.?|#|code))?"
    r"[\s:=#\"'()\-]{0,6}(?:is\s+)?(\d{9})(?!\d)"
)
_ACCOUNT = re.compile(
    r"(?i)\b(?:(?:bank|checking|savings|chequing|deposit)[\s_\-]*(?:account|acct|a/c)(?:[\s_\-]*(?:number|num|no\.?|#))?"
    r"|(?:account|acct)[\s_\-]*(?:number|num|no\.?|#|nr\.?)|acct\.?|a/c|kontonummer|bank_?account|(?<=\d\d )account)"
    r"[\s:=#\"'()\-]{0,6}(?:is\s+|ending\s+in\s+)?(\d[\d \-]{4,19}+(?<=\d))(?![\w\-])"
)
# UK sort code: `sort code 12-34-56`; the account number after it is caught by _ACCOUNT.
_SORT_CODE = re.compile(r"(?i)\bsort[\s_\-]*code[\s:=#\"']{0,4}(\d{2}-\d{2}-\d{2}|\d{6})(?![\w\-])")
_BANK_WORDS = ("rout", "aba", "rtn", "transit", "bank", "acc", "acct", "a/c", "konto", "checking", "savings", "sort")


# `routing 021000021, account 483920117652`: a bare "account" next to banking words.
_BARE_ACCOUNT = re.compile(r"(?i)\baccount[\s:=#\"'\-]{1,4}(?:is\s+)?(\d[\d \-]{5,19}+(?<=\d))(?![\w\-])")
_PAYMENT_WORDS = ("routing", "deposit", "wire", "bank", "aba", "sort code", "iban", "payroll", "transfer", "payout", "swift",
                  "bsb", "ifsc", "transit", "clabe")


def _routing_checksum_ok(d: str) -> bool:
    w = (3, 7, 1) * 3
    prefix = int(d[:2])
    valid_prefix = prefix <= 12 or 21 <= prefix <= 32 or 61 <= prefix <= 72 or prefix == 80
    return valid_prefix and sum(int(c) * k for c, k in zip(d, w)) % 10 == 0


def _bank_numbers(text: str, runs: list[tuple[int, int]]) -> list[Span]:
    spans = []
    for s, e in runs:
        if e - s < 6 or not _near(text, s, _BANK_WORDS):
            continue
        window = max(0, s - 48)
        for m in _ROUTING.finditer(text, window, e):
            if m.start(1) >= s and _routing_checksum_ok(m.group(1)):
                spans.append(Span(m.start(1), m.end(1), "financial"))
        for m in _SORT_CODE.finditer(text, window, e):
            if m.start(1) >= s:
                spans.append(Span(m.start(1), m.end(1), "financial"))
        for m in _ACCOUNT.finditer(text, window, e):
            digits = re.sub(r"\D", "", m.group(1))
            if m.start(1) >= s and 6 <= len(digits) <= 17:
                spans.append(Span(m.start(1), m.end(1), "financial"))
        for m in _BARE_ACCOUNT.finditer(text, window, e):
            digits = re.sub(r"\D", "", m.group(1))
            if m.start(1) >= s and 6 <= len(digits) <= 17 and _near(text, m.start(), _PAYMENT_WORDS, 80):
                spans.append(Span(m.start(1), m.end(1), "financial"))
    return spans


# Mexican CLABE: 18 digits, the last a weighted check digit (3, 7, 1).
_CLABE = re.compile(r"(?<![\w\-])\d{18}(?![\w\-])")


def _clabe_ok(digits: str) -> bool:
    total = sum(int(d) * w % 10 for d, w in zip(digits[:17], (3, 7, 1) * 6))
    return (10 - total % 10) % 10 == int(digits[17])


def _clabes(text: str, runs: list[tuple[int, int]]) -> list[Span]:
    return [
        Span(m.start(), m.end(), "financial")
        for s, e in runs if e - s >= 18 and _near(text, s, ("clabe",), 30)
        for m in _CLABE.finditer(text, s, e) if _clabe_ok(m.group())
    ]


def _financial(text: str, runs: list[tuple[int, int]]) -> list[Span]:
    return _cards(text, runs) + _ibans(text, runs) + _bank_numbers(text, runs) + _clabes(text, runs)


# ---------------------------------------------------------------------------------------------
# national_id

_SSN = re.compile(r"(?<![\w\-])(\d{3})([\- ]?)(\d{2})\2(\d{4})(?![\w\-]|\.\d)")
_SSN_WORDS = ("ssn", "social security", "soc sec", "soc. sec", "tax id", "tin", "itin")
_NINO = re.compile(
    r"(?!BG|GB|NK|KN|TN|NT|ZZ)[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z](?<![\w\-]..)"
    r"( ?)\d{2}\1\d{2}\1\d{2}\1[A-D](?![\w\-])"
)
_NINO_WORDS = ("national insurance", "ni number", "ni no", "nino", "ni:", "n.i.")
_SIN_AADHAAR = re.compile(r"(?<![\w\-])(\d{3})([ \-]?)(\d{3})\2(\d{3})(?![\w\-])|(?<![\w\-])(\d{4})([ \-]?)(\d{4})\6(\d{4})(?![\w\-])")
_SIN_WORDS = ("sin", "social insurance")
_AADHAAR_WORDS = ("aadhaar", "aadhar", "uidai", "uid")
_CPF = re.compile(r"(?<![\w\-.])\d{3}\.\d{3}\.\d{3}-\d{2}(?![\w\-])")
_PAN = re.compile(r"[A-Z]{3}[PCHFATBLJG][A-Z](?<![\w\-].....)\d{4}[A-Z](?![\w\-])")
_PAN_WORDS = ("pan", "permanent account")

_VERHOEFF_D = [
    [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 2, 3, 4, 0, 6, 7, 8, 9, 5], [2, 3, 4, 0, 1, 7, 8, 9, 5, 6],
    [3, 4, 0, 1, 2, 8, 9, 5, 6, 7], [4, 0, 1, 2, 3, 9, 5, 6, 7, 8], [5, 9, 8, 7, 6, 0, 4, 3, 2, 1],
    [6, 5, 9, 8, 7, 1, 0, 4, 3, 2], [7, 6, 5, 9, 8, 2, 1, 0, 4, 3], [8, 7, 6, 5, 9, 3, 2, 1, 0, 4],
    [9, 8, 7, 6, 5, 4, 3, 2, 1, 0],
]
_VERHOEFF_P = [
    [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 5, 7, 6, 2, 8, 3, 0, 9, 4], [5, 8, 0, 3, 7, 9, 6, 1, 4, 2],
    [8, 9, 1, 6, 0, 4, 3, 5, 2, 7], [9, 4, 5, 3, 1, 2, 6, 8, 7, 0], [4, 2, 8, 6, 5, 7, 3, 9, 0, 1],
    [2, 7, 9, 3, 8, 0, 6, 4, 1, 5], [7, 0, 4, 6, 9, 1, 3, 2, 5, 8],
]


def _verhoeff_ok(digits: str) -> bool:
    c = 0
    for i, ch in enumerate(reversed(digits)):
        c = _VERHOEFF_D[c][_VERHOEFF_P[i % 8][int(ch)]]
    return c == 0


def _cpf_ok(digits: str) -> bool:
    if len(set(digits)) == 1:
        return False
    for n in (9, 10):
        total = sum(int(digits[i]) * (n + 1 - i) for i in range(n))
        if (total * 10 % 11) % 10 != int(digits[n]):
            return False
    return True


def _ssn_ok(area: str, group: str, serial: str) -> bool:
    return area not in ("000", "666") and area[0] != "9" and group != "00" and serial != "0000"


def _near(text: str, start: int, words: tuple[str, ...], width: int = 40) -> bool:
    """Whether one of `words` occurs in the `width` characters before `start` (case-insensitive)."""
    window = text[max(0, start - width) : start].lower()
    return any(word in window for word in words)


def _national_ids(text: str, runs: list[tuple[int, int]]) -> list[Span]:
    spans = []
    for s, e in runs:
        if s >= 2 and text[s - 2 : s].isalpha() or s >= 3 and text[s - 1] == " " and text[s - 3 : s - 1].isalpha():
            m = _NINO.match(text, s - 2 if text[s - 1] != " " else s - 3)
            if m and (m.group(1) == " " or _near(text, m.start(), _NINO_WORDS)):
                spans.append(Span(m.start(), m.end(), "national_id"))
        if s >= 5 and text[s - 5 : s].isalpha():
            m = _PAN.match(text, s - 5)
            if m and _near(text, m.start(), _PAN_WORDS):
                spans.append(Span(m.start(), m.end(), "national_id"))
        if e - s < 9:
            continue
        for m in _SSN.finditer(text, s, e):
            if not _ssn_ok(m.group(1), m.group(3), m.group(4)):
                continue
            # 123-45-6789 is distinctive; spaced or bare nine digits need an SSN word nearby.
            if m.group(2) == "-" or _near(text, m.start(), _SSN_WORDS):
                spans.append(Span(m.start(), m.end(), "national_id"))
        for m in _SIN_AADHAAR.finditer(text, s, e):
            digits = re.sub(r"\D", "", m.group())
            if m.group(1) and _luhn_ok(digits) and _near(text, m.start(), _SIN_WORDS):
                spans.append(Span(m.start(), m.end(), "national_id"))
            elif m.group(5) and digits[0] not in "01" and _verhoeff_ok(digits) and _near(text, m.start(), _AADHAAR_WORDS):
                spans.append(Span(m.start(), m.end(), "national_id"))
        for m in _CPF.finditer(text, s, e):
            if _cpf_ok(re.sub(r"\D", "", m.group())):
                spans.append(Span(m.start(), m.end(), "national_id"))
    return spans


# ---------------------------------------------------------------------------------------------
# ip_address

_IPV4 = re.compile(r"(?<![\w.\-])(?:\d{1,3}\.){3}\d{1,3}(?![\w\-]|\.\d)")
_IPV6 = re.compile(r"(?<![\w:.\-])(?=[0-9A-Fa-f:]*:[0-9A-Fa-f]*:)[0-9A-Fa-f:]{2,39}+(?:\.\d{1,3}){0,3}(?:%[\w.]{1,15})?(?![\w:\-])")
_VERSION_CONTEXT = re.compile(
    r"(?i)\b(?:v|version|ver\.?|release|build|rev|revision|firmware|fw|ios|android|chrome|firefox|safari|python|"
    r"node|java|sdk|api|app|package|pkg|tag)[\s:=\"'/@-]{0,3}$"
)
_IPV6_SEED = re.compile(r":[0-9A-Fa-f]{0,4}:")
# Addresses that identify no one: unspecified, loopback, broadcast and netmasks.
_NOT_PERSONAL_V4 = re.compile(r"0\.0\.0\.0|127\.\d+\.\d+\.\d+|255\.255\.255\.255|255\.(?:255|254|252|248|240|224|192|128|0)\.\d+\.0")


def _ipv6_candidates(text: str):
    """IPv6 candidates around each `:hex:` seed (a literal-led search), deduplicated."""
    pos = 0
    while (seed := _IPV6_SEED.search(text, pos)) is not None:
        m = _IPV6.search(text, max(pos, seed.start() - 40), seed.end() + 45)
        if m is None or m.start() > seed.start():
            pos = seed.start() + 1
            continue
        pos = m.end()
        yield m


def _ip_addresses(text: str, runs: list[tuple[int, int]]) -> list[Span]:
    spans = []
    for m in (m for s, e in runs if e - s >= 7 for m in _IPV4.finditer(text, s, e)):
        value = m.group()
        if _NOT_PERSONAL_V4.fullmatch(value) or _VERSION_CONTEXT.search(text, max(0, m.start() - 12), m.start()):
            continue
        try:
            ipaddress.IPv4Address(value)
        except ValueError:
            continue
        spans.append(Span(m.start(), m.end(), "ip_address"))
    for m in _ipv6_candidates(text):
        value = m.group()
        address = value.split("%", 1)[0]
        # `a::b`-style tokens in code, C++ scopes and times are not addresses: need 3+ hex groups.
        parts = [part for part in re.split(r"[:.]", address) if part]
        if len(parts) < 3 and not (any(len(p) >= 3 for p in parts) and any(ch.isdigit() for ch in address)):
            continue
        try:
            parsed = ipaddress.IPv6Address(address)
        except ValueError:
            continue
        if parsed.is_loopback or parsed.is_unspecified:
            continue
        spans.append(Span(m.start(), m.start() + len(address), "ip_address"))  # without a `%eth0` zone
    return spans


# ---------------------------------------------------------------------------------------------

# Every digit-bearing entity lies in a run of digits and phone/number punctuation; one scan finds
# the runs and each finder only looks inside them.
_NUMERIC_RUN = re.compile(r"[0-9][0-9 \-.()\u00a0]*+")  # ASCII digits: checksums do arithmetic on them
def _with_prefix(text: str, start: int, end: int) -> tuple[int, int]:
    """Extend a run left over a leading '+', '(' or '+(' (`+44 …`, `(415) …`)."""
    while start > 0 and text[start - 1] in "+(" and end - start < 40:
        start -= 1
    return start, end


_RUN_FINDERS = {
    "phone": _phones,
    "financial": _financial,
    "national_id": _national_ids,
    "ip_address": _ip_addresses,
}


def _resolve_overlaps(spans: list[Span]) -> list[Span]:
    """Keep one span per overlapping group: the higher-priority type, then the longer one."""
    spans.sort(key=lambda s: (s.start, -(s.end - s.start)))
    kept: list[Span] = []
    for span in spans:
        if kept and span.start < kept[-1].end:
            last = kept[-1]
            if (_PRIORITY[span.type], span.end - span.start) > (_PRIORITY[last.type], last.end - last.start):
                kept[-1] = span
            continue
        kept.append(span)
    return kept


def warm_up() -> None:
    """Load the name lexicons now (~0.3 s) instead of on the first request that asks for names."""
    pii_names._lexicon()  # direct: find_names may answer from its per-word cache without loading
    pii_names_scripts.warm_up()
    pii_names.find_names("Warm Up")


def detect(text: str, entity_types: frozenset[str] = frozenset(ENTITY_TYPES)) -> DetectorResult:
    """Find personal data of the requested entity types in `text`."""
    spans: list[Span] = []
    if "email" in entity_types:
        spans.extend(_emails(text))
    if entity_types & _RUN_FINDERS.keys():
        runs = [_with_prefix(text, *m.span()) for m in _NUMERIC_RUN.finditer(text)]
        for entity_type, finder in _RUN_FINDERS.items():
            if entity_type in entity_types:
                spans.extend(finder(text, runs))
    if "name" in entity_types:
        spans.extend(pii_names.find_names(text))
    return DetectorResult(spans=_resolve_overlaps(spans))
