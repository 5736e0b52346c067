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
from keeptrusts.policy.detectors.textscan import ascii_lower
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

# Cards. A card starts at a 4-digit group or a bare 13–19 digit run and continues over groups
# written the ways people write cards: all fours with a shorter last group (4-4-4-4, 4-4-4-3,
# 4-4-4-4-3), Amex 4-6-5 and Diners 4-6-4, with spaces, dashes, dots or slashes between groups, mixed
# or not. Groups after the card (an expiry `12/27`, a CVV, a count) are left out: the longest
# prefix that passes issuer ranges and Luhn wins.
_CARD_START = re.compile(r"(?<!\d)(?:\d{4}|\d{13,19})(?!\d)")
# Gaps: spaces, a no-break or narrow no-break space (French typography), a dash, en dash, dot, slash
# or a form-encoded '+'.
_CARD_NEXT_GROUP = re.compile(r"(?: {1,2}|[\u00a0\u202f\u2009]| ?[\-\u2013./+] ?)(\d{1,6})(?!\d)")
_CARD_SHAPES_6 = ((4, 6, 5), (4, 6, 4))
_CARD_GAPS = frozenset(" \u00a0\u202f\u2009-\u2013./+")
_RUN_BREAKING_GAPS = frozenset("/\u2013\u202f\u2009+")  # gaps that end a numeric run
_CARD_FIRST_DIGITS = frozenset("2345689")  # no issuer range starts with 0, 1 or 7


def _luhn_ok(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = ord(ch) - 48
        if i % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def _card_lengths(d: str) -> range | tuple[int, ...]:
    """The lengths an issuer gives cards starting with these (at least six) digits."""
    p2, p3, p4, p6 = int(d[:2]), int(d[:3]), int(d[:4]), int(d[:6])
    if d[0] == "4":
        return (13, 16, 19)  # Visa
    if 51 <= p2 <= 55 or 2221 <= p4 <= 2720:
        return (16,)  # Mastercard
    if p2 in (34, 37):
        return (15,)  # Amex
    if p4 == 6011 or 644 <= p3 <= 649 or p2 == 65 or 622126 <= p6 <= 622925:
        return range(16, 20)  # Discover
    if 3528 <= p4 <= 3589:
        return range(16, 20)  # JCB
    if 300 <= p3 <= 305 or p2 in (36, 38, 39) or p4 == 3095:
        return range(14, 20)  # Diners
    if p2 in (62, 81):
        return range(16, 20)  # UnionPay
    if p2 in (50, 56, 57, 58, 63, 67):
        return range(12, 20)  # Maestro
    if 2200 <= p4 <= 2204:
        return range(16, 20)  # Mir
    if p2 in (60, 82) or p4 == 9792:
        return (16,)  # RuPay, Troy
    return ()


def _card_shape_ok(lengths: tuple[int, ...]) -> bool:
    if len(lengths) == 1:
        return 13 <= lengths[0] <= 19
    if lengths in _CARD_SHAPES_6:
        return True
    return 13 <= sum(lengths) <= 19 and 1 <= lengths[-1] <= 4 and all(n == 4 for n in lengths[:-1])


def _escaped(text: str, i: int) -> bool:
    """Whether text[i] ends a literal `\\n`/`\\t`/`\\r` (JSON-escaped text in logs)."""
    return i >= 1 and text[i] in "ntr" and text[i - 1] == "\\"


def _glued_before(text: str, start: int) -> bool:
    """Whether the token at `start` continues a longer one (`id-4111…`, `v.4111…`, `x4111…`)."""
    if start == 0:
        return False
    ch = text[start - 1]
    return (ch.isalnum() or ch in "_-.") and not _escaped(text, start - 1)


def _follows_four_digit_group(text: str, start: int) -> bool:
    """`1234 5678 9012 3456 7890`: a table of 4-digit groups is read as a card from its start only."""
    gap = start
    while gap > 0 and start - gap < 3 and text[gap - 1] in _CARD_GAPS:
        gap -= 1
    if gap == start:
        return False
    head = gap
    while head > 0 and gap - head < 5 and "0" <= text[head - 1] <= "9":
        head -= 1
    return gap - head == 4


def _card_at(text: str, start: int, first_end: int) -> int:
    """End of the card starting at `start`, or 0."""
    groups, ends, pos = [text[start:first_end]], [first_end], first_end
    while len(ends) < 7 and (m := _CARD_NEXT_GROUP.match(text, pos)):
        pos = m.end()
        groups.append(m.group(1))
        ends.append(pos)
    digits = "".join(groups)
    if len(digits) < 13 or not (issuer_lengths := _card_lengths(digits)):
        return 0
    lengths = [len(group) for group in groups]
    for k in range(len(ends), 0, -1):
        size = sum(lengths[:k])
        if size not in issuer_lengths or not _card_shape_ok(tuple(lengths[:k])) or lengths[k : k + 2] == [4, 4]:
            continue  # not an issuer's length, not written as a card, or a table of 4-digit groups
        end = ends[k - 1]
        nxt = text[end : end + 2]
        if nxt[:1].isalnum() or nxt[:1] == "_" or (k == 1 and len(nxt) == 2 and nxt[0] in "-." and nxt[1].isdigit()):
            continue  # glued to a word, or a decimal / id
        if _luhn_ok(digits[:size]):
            return end
    return 0


def _cards(text: str, runs: list[tuple[int, int]]) -> list[Span]:
    spans, taken = [], 0
    for s, e in runs:
        if e - s < 13 and text[e : e + 1] not in _RUN_BREAKING_GAPS:  # `4111/1111/…`: the run stopped at '/'
            continue
        for m in _CARD_START.finditer(text, s, e):
            start = m.start()
            if start < taken or text[start] not in _CARD_FIRST_DIGITS:
                continue
            if start == s and _glued_before(text, start) or start > s and text[start - 1] in "-./":
                continue
            if m.end() - start == 4 and _follows_four_digit_group(text, start):
                continue
            end = _card_at(text, start, m.end())
            if end:
                spans.append(Span(start, end, "financial"))
                taken = end
    return spans


# Total IBAN length per country: the SWIFT IBAN registry, then countries that issue IBANs outside it
# (mostly Africa, Iran), which banks there print on statements and invoices.
_IBAN_LENGTHS = {
    "AD": 24, "AE": 23, "AL": 28, "AT": 20, "AZ": 28, "BA": 20, "BE": 16, "BG": 22, "BH": 22, "BI": 27,
    "BR": 29, "BY": 28, "CH": 21, "CR": 22, "CY": 28, "CZ": 24, "DE": 22, "DJ": 27, "DK": 18, "DO": 28,
    "EE": 20, "EG": 29, "ES": 24, "FI": 18, "FK": 18, "FO": 18, "FR": 27, "GB": 22, "GE": 22, "GI": 23,
    "GL": 18, "GR": 27, "GT": 28, "HN": 28, "HR": 21, "HU": 28, "IE": 22, "IL": 23, "IQ": 23, "IS": 26,
    "IT": 27, "JO": 30, "KW": 30, "KZ": 20, "LB": 28, "LC": 32, "LI": 21, "LT": 20, "LU": 20, "LV": 21,
    "LY": 25, "MC": 27, "MD": 24, "ME": 22, "MK": 19, "MN": 20, "MR": 27, "MT": 31, "MU": 30, "NI": 28,
    "NL": 18, "NO": 15, "OM": 23, "PK": 24, "PL": 28, "PS": 29, "PT": 25, "QA": 29, "RO": 24, "RS": 22,
    "RU": 33, "SA": 24, "SC": 31, "SD": 18, "SE": 24, "SI": 19, "SK": 24, "SM": 27, "SO": 23, "ST": 25,
    "SV": 28, "TL": 23, "TN": 24, "TR": 26, "UA": 29, "VA": 22, "VG": 24, "XK": 20, "YE": 30,
    # Outside the registry.
    "AO": 25, "BF": 28, "BJ": 28, "CF": 27, "CG": 27, "CI": 28, "CM": 27, "CV": 25, "DZ": 26, "GA": 27,
    "GQ": 27, "GW": 25, "IR": 26, "KM": 27, "MA": 28, "MG": 27, "ML": 28, "MZ": 25, "NE": 28, "SN": 28,
    "TD": 27, "TG": 28,
}
# ASCII: with IGNORECASE alone, [A-Z] would also match 'İ', 'ı' and the Kelvin sign. Between
# characters: up to two spaces, dashes or dots (`DE89 3704 0044…`, `DE89-3704-…`, odd groups), or a
# line break (an IBAN wrapped in an email or a PDF copy).
_IBAN = re.compile(r"([A-Z]{2}) ?(\d\d)((?:(?:[ \-.\u00a0]{1,2}| ?\r?\n)?[A-Z0-9]){11,30}+)", re.IGNORECASE | re.ASCII)
_IBAN_GAPS = frozenset(" -.\u00a0\r\n")
_IBAN_GAP_DELETE = str.maketrans("", "", "".join(_IBAN_GAPS))


_IBAN_LETTER_VALUES = str.maketrans({chr(c): str(c - 55) for c in range(ord("A"), ord("Z") + 1)})  # A=10 … Z=35


def _iban_mod97_ok(iban: str) -> bool:
    return int((iban[4:] + iban[:4]).translate(_IBAN_LETTER_VALUES)) % 97 == 1


def _iban_starts(text: str, runs: list[tuple[int, int]]):
    """An IBAN's first digits follow its country code: `DE89 3704…`, `gb82west…`, `DE 89 3704…`."""
    for s, _ in runs:
        if s >= 2 and text[s - 2 : s].isalpha():
            yield s - 2
        elif s >= 3 and text[s - 1] == " " and "A" <= text[s - 3] <= "Z" and "A" <= text[s - 2] <= "Z":
            yield s - 3  # a spaced country code only in capitals: `is 12 …` is prose


def _ibans(text: str, runs: list[tuple[int, int]]) -> list[Span]:
    spans = []
    for start in _iban_starts(text, runs):
        if _glued_before(text, start) or (m := _IBAN.match(text, start)) is None:
            continue
        length = _IBAN_LENGTHS.get(m.group(1).upper())
        iban = m.group().translate(_IBAN_GAP_DELETE)[:length] if length else ""
        if len(iban) != length:
            continue
        # Labelled `IBAN:` it is one even with a typo in it (a checksum is for unlabelled text).
        if not (_iban_mod97_ok(iban.upper()) or _near(text, start, ("iban",), 12)):
            continue
        end, seen = start, 0  # where the `length`-th character of the IBAN ends
        while seen < length:
            seen += text[end] not in _IBAN_GAPS
            end += 1
        if end == len(text) or not (text[end].isalnum() or text[end] == "_"):
            spans.append(Span(start, end, "financial"))
    return spans


# Bank details: a label, then the number. Labels are matched at a word start or a camelCase hump
# (`bankAccountNumber`, `acctNo`), followed by what keys and prose put between label and value
# (`: `, `": "`, `=`, `**:** `, `>`, `|`).
_LABEL_START = r"(?:(?<![^\W_])|(?-i:(?<=[a-z])(?=[A-Z])))"
_NUM = r"(?:numbers?|num|nbr|nos?\.?|nr\.?|#|n[°º.])"
_SEP = r"[\s:=#\"'`()*>|\-\uff1a№]{0,6}"
_ACCOUNT_SEP = _SEP.replace(")", "")  # `(acct)\n407589`: a label closed by its parenthesis labels nothing after it
_ACCOUNT_LABELS = (
    # English, and the keys code uses for them.
    r"(?:bank|checking|chequing|cheque|savings|current|deposit|beneficiary|payee|recipient|destination|receiving"
    r"|settlement|payout|payroll|salary)[\s_\-]*(?:account|acct|acc|a/c)(?:[\s_\-]*" + _NUM + ")?"
    r"|(?:account|acct|acc)\.?[\s_\-]*" + _NUM + r"|acct\.?|a/c\.?(?:\s*" + _NUM + ")?"
    # German, Scandinavian, Dutch, Polish, Czech, Finnish, Turkish, Indonesian, Malay.
    r"|konto(?:nummer|nr\.?|[\s\-]*nr\.?)?|kto(?:[\s.\-]*nr)?\.?|(?:bank)?rekening(?:nummer|nr\.?|\s+nr\.?|\s+nummer)"
    r"|(?:nomor|no\.?)\s*rek(?:ening)?\.?|(?:numer|nr)\.?\s+(?:rachunku|konta)(?:\s+bankowego)?|rachunek(?:\s+bankowy)?"
    r"|[čc][íi]slo\s+[úu][čc]tu|tilinumero|hesap\s+(?:numaras[ıi]|no)|(?:nombor|no\.?)\s+akaun"
    # French, Spanish, Portuguese, Italian (RIB, CBU/CCI and NIB are national account formats).
    r"|num[ée]ro\s+de\s+compte|n[°º]\s*(?:de\s+)?compte|compte(?:\s+(?:bancaire|courant|n[°º]))?|rib"
    r"|n[úu]mero\s+de\s+(?:la\s+)?cuenta|(?:n[°º]|nro\.?|no\.?)\s*(?:de\s+)?cuenta"
    r"|cuenta(?:\s+(?:bancaria|corriente|de\s+ahorros?|n[°º]))?|cbu|cci"
    r"|n[úu]mero\s+da\s+conta|conta(?:\s+(?:corrente|poupan[çc]a|banc[áa]ria))?|nib"
    r"|numero\s+(?:di\s+)?conto|conto(?:\s+corrente)?|c/c"
    # Russian, Greek, Arabic, Hebrew, Vietnamese.
    r"|номер\s+(?:расч[её]тного\s+|лицевого\s+)?сч[её]та|(?:расч[её]тный|лицевой)\s+сч[её]т|р/с"
    r"|αριθμός\s+λογαριασμού|رقم\s+الحساب|מספר\s+חשבון|số\s+tài\s+khoản"
    r"|bank_?account|(?<=\d\d )account"
)
# CJK labels sit inside runs of word characters, so no word start is asked of them. A bare 账号 is
# as often a login as a bank account.
_CJK_ACCOUNT_LABELS = r"口座番号|口座|银行账号|银行账户|銀行帳號|銀行帳戶|银行卡号|계좌번호|계좌"
# Digits with single spaces or dashes (`12-3456-7890123-00`), a Czech `/0800` bank code, or the
# Norwegian `1234.56.78903`.
_ACCOUNT_VALUE = r"(\d{4}\.\d{2}\.\d{5}|\d(?:[ \-]?\d){5,40}+(?:/\d{4})?)(?![\w\-])"
_ACCOUNT = re.compile(
    r"(?i)(?:" + _LABEL_START + r"(?:" + _ACCOUNT_LABELS + r")|" + _CJK_ACCOUNT_LABELS + r")(?:\s*" + _NUM + r")?"
    + _ACCOUNT_SEP + r"(?:(?:is|was|ending\s+in)\s+)?" + _ACCOUNT_VALUE
)
# `routing 021000021, account 483920117652`: a bare "account" next to banking words.
_BARE_ACCOUNT = re.compile(
    r"(?i)" + _LABEL_START + r"(?:account|acct|acc)[\s:=#\"'\-]{1,4}(?:is\s+)?" + _ACCOUNT_VALUE
)
# Words that make a bare "account 12345678" a bank account; spaced where a bare stem hides in
# other words (datab-aba-se, wire-less, sepa-rate, re-ach, the Swift language, parcels in transit).
_PAYMENT_WORDS = (
    "routing", "deposit", "wire ", "wired", "bank", "aba ", "aba:", "aba#", "sort code", "iban", "payroll", "transfer", "payout",
    "swift code", "swift:", "swift/bic", "refund", "reimburse", "debit", "funds", "withdraw", "loan", "mortgage", "salary",
    "cheque", "overdraft", "bsb", "ifsc", "transit n", "transit #", "transit:", "institution", "clabe", "beneficiary",
    "payee", "remit", " ach ", "ach:", "sepa ", "sepa-", "bacs", "giro",
)

# US routing (ABA) numbers: a checksum unless the label says routing, ABA or RTN outright.
_ROUTING = re.compile(
    r"(?i)" + _LABEL_START + r"(routing|aba|rtn|r/t|transit|bank\s+code)(?:[\s_\-/]*(?:transit|aba))?"
    r"(?:[\s_\-]*(?:" + _NUM + r"|code))?" + _SEP + r"(?:(?:is|of)\s+)?(\d{9})(?![\d\-])"
)
# Branch codes that route to an account: UK sort code, Australian BSB, Canadian transit (5) and
# institution (3) numbers, German BLZ, Indian IFSC, branch codes (South Africa and others).
_BRANCH_CODE = re.compile(
    r"(?i)" + _LABEL_START + r"(?:"
    r"sort[\s_\-]*code" + _SEP + r"(\d{2}[\- ]\d{2}[\- ]\d{2}|\d{6})"
    r"|sort" + _SEP + r"(\d{2}-\d{2}-\d{2})"
    r"|bsb(?:[\s_\-]*(?:" + _NUM + r"|code))?" + _SEP + r"(\d{3}[\- ]?\d{3})"
    r"|(?:branch[\s_\-]*)?transit(?:[\s_\-]*" + _NUM + r")?" + _SEP + r"(\d{5}(?:-\d{3})?)"
    r"|(?:financial[\s_\-]*)?institution(?:[\s_\-]*(?:" + _NUM + r"|code|id))?" + _SEP + r"(\d{3})"
    r"|blz" + _SEP + r"(\d{3} ?\d{3} ?\d{2})"
    r"|ifsc(?:[\s_\-]*(?:" + _NUM + r"|code))?" + _SEP + r"([A-Z]{4}0[A-Z0-9]{6})"
    r"|branch[\s_\-]*(?:code|" + _NUM + r")" + _SEP + r"(\d{4,6})"
    r")(?![\w\-])"
)
# `routing/account: 021000021 / 483920117652`, `BSB & account 062-000 12345678`: one label, two numbers.
_CODE_AND_ACCOUNT = re.compile(
    r"(?i)" + _LABEL_START + r"(?:routing|aba|rtn|sort[\s_\-]*code|bsb|transit)(?:[\s_\-]*" + _NUM + r")?"
    r"\s*(?:/|&|\+|and)\s*(?:account|acct|acc|a/c)(?:[\s_\-]*" + _NUM + r")?" + _SEP
    + r"(\d[\d\-]{3,10}\d)(?:\s*[/|,;]\s*|\s+)" + _ACCOUNT_VALUE
)
# Words found in each kind of label. A pattern only runs on a number that one of its words
# precedes, and only from that word; words that qualify a label (`beneficiary account`, `numéro de
# compte`) are listed so the pattern starts at them. Every account label holds one of the stems.
_ROUTING_WORDS = ("rout", "aba", "rtn", "r/t", "transit", "bank code")
_BRANCH_WORDS = ("sort", "bsb", "transit", "institution", "blz", "ifsc", "branch")
_PAIR_WORDS = ("rout", "aba", "rtn", "sort", "bsb", "transit")
_ACCOUNT_STEMS = (
    "acc", "a/c", "kont", "kto", "rek", "rachun", "účt", "učt", "uctu", "tilinumero", "hesap", "akaun", "compte", "rib",
    "cuenta", "cbu", "cci", "cont", "c/c", "nib", "сч", "р/с", "λογαριασμ", "الحساب", "חשבון", "khoản", "口座", "账", "帳",
    "賬", "계좌",
)
_ACCOUNT_WORDS = _ACCOUNT_STEMS + (
    "bank", "checking", "chequing", "cheque", "savings", "current", "deposit", "beneficiary", "payee", "recipient",
    "destination", "receiving", "settlement", "payout", "payroll", "salary", "numer", "número", "numéro", "nomor",
    "nombor", "číslo", "cislo", "номер", "расч", "лицев", "αριθμ", "رقم", "מספר", "số", "銀行", "银行",
)
_BANK_STEMS = _ACCOUNT_STEMS + _ROUTING_WORDS + _BRANCH_WORDS
_LABEL_REACH = 48  # how far before a number its label may start


def _routing_checksum_ok(d: str) -> bool:
    w = (3, 7, 1) * 3
    prefix = int(d[:2])
    valid_prefix = prefix <= 12 or 21 <= prefix <= 32 or 61 <= prefix <= 72 or prefix == 80
    return valid_prefix and sum(int(c) * k for c, k in zip(d, w)) % 10 == 0


_TRANSIT_NUMBER = re.compile(r"transit(?:[\s_\-]*(?:number|no\.?|#))?[\s:=#]{1,4}\d{5}(?!\d)")


def _institution_is_a_bank(text: str, m: re.Match) -> bool:
    """A 3-digit institution number only counts beside the rest of Canadian bank details."""
    around = text[max(0, m.start() - 60) : m.end() + 60].lower()
    return any(word in around for word in ("account", "acct", "bank", "cheque", "deposit")) or bool(
        _TRANSIT_NUMBER.search(around)
    )


def _payment_around(text: str, start: int, end: int) -> bool:
    """Banking words within 80 characters either side: `account 12345678, sort code 20-00-00`."""
    return _near(text, start, _PAYMENT_WORDS, 80) or _has_any(ascii_lower(text[end : end + 80]), _PAYMENT_WORDS)


def _account_digits_ok(value: str) -> bool:
    return 6 <= sum(ch.isdigit() for ch in value) <= 30


def _lowered_before(text: str, start: int) -> tuple[int, str]:
    """The stretch before a number where its label may be, lower-cased, and where it begins."""
    window = max(0, start - _LABEL_REACH)
    return window, ascii_lower(text[window:start])


def _labelled(pattern: re.Pattern, text: str, window: int, low: str, words: tuple[str, ...], lead: int = 0):
    """Matches of `pattern` starting at one of `words` in `low` (the lowered text from `window`), or
    at a word start up to `lead` characters before one (`no. de cuenta`, `nr rachunku`)."""
    starts = set()
    for word in words:
        if word not in low:
            continue
        i = low.find(word)
        while i >= 0:
            starts.add(window + i)
            starts.update(p for p in range(max(0, window + i - lead), window + i) if p == 0 or not text[p - 1].isalnum())
            i = low.find(word, i + 1)
    return filter(None, (pattern.match(text, p) for p in sorted(starts)))


def _has_any(low: str, words: tuple[str, ...]) -> bool:
    return any(word in low for word in words)


def _bank_numbers(text: str, runs: list[tuple[int, int]]) -> list[Span]:
    spans = []
    for s, e in runs:
        if e - s < 3:
            continue
        window, low = _lowered_before(text, s)
        if not _has_any(low, _BANK_STEMS if e - s >= 6 else ("transit", "institution")):
            continue  # only Canadian transit and institution numbers are shorter
        if _has_any(low, _ACCOUNT_STEMS):
            for m in _labelled(_ACCOUNT, text, window, low, _ACCOUNT_WORDS, lead=6):
                if m.start(1) >= s and _account_digits_ok(m.group(1)):
                    spans.append(Span(m.start(1), m.end(1), "financial"))
            for m in _labelled(_BARE_ACCOUNT, text, window, low, ("acc",)):
                if m.start(1) >= s and _account_digits_ok(m.group(1)) and _payment_around(text, m.start(), m.end()):
                    spans.append(Span(m.start(1), m.end(1), "financial"))
        if _has_any(low, _ROUTING_WORDS):
            for m in _labelled(_ROUTING, text, window, low, _ROUTING_WORDS):
                if m.start(2) >= s and (m.group(1).lower() in ("routing", "aba", "rtn") or _routing_checksum_ok(m.group(2))):
                    spans.append(Span(m.start(2), m.end(2), "financial"))
        if _has_any(low, _BRANCH_WORDS):
            for m in _labelled(_BRANCH_CODE, text, window, low, _BRANCH_WORDS):
                group = m.lastindex
                if m.end(group) > s and (group != 5 or _institution_is_a_bank(text, m)):
                    spans.append(Span(m.start(group), m.end(group), "financial"))
        if _has_any(low, _PAIR_WORDS):
            for m in _labelled(_CODE_AND_ACCOUNT, text, window, low, _PAIR_WORDS):
                if m.end(2) > s and _account_digits_ok(m.group(2)):
                    spans += [Span(m.start(1), m.end(1), "financial"), Span(m.start(2), m.end(2), "financial")]
    return spans


# Table columns (CSV, TSV, Markdown) that hold bank numbers, by header as pii_names normalises it
# (`Account Number`, `account_number` → accountnumber), with the shape their values take. A bare
# `account` column holds customer or cloud account ids as often as bank accounts.
_ACCOUNT_SHAPE = re.compile(r"\d(?:[ \-]?\d){5,40}")
_BANK_COLUMNS = {
    **dict.fromkeys(
        "accountnumber accountno accountnum acctno acctnum acctnumber accno accnumber bankaccount bankaccountnumber "
        "bankaccountno beneficiaryaccount payeeaccount kontonummer kontonr numérodecompte numerodecompte "
        "númerodecuenta numerodecuenta contocorrente rekeningnummer nrrachunku".split(),
        _ACCOUNT_SHAPE,
    ),
    **dict.fromkeys("routing routingnumber routingno abarouting".split(), re.compile(r"\d{9}")),
    **dict.fromkeys("sortcode sort".split(), re.compile(r"\d{2}-?\d{2}-?\d{2}")),
    "bsb": re.compile(r"\d{3}-?\d{3}"),
}
_BANK_COLUMN_HINTS = ("acc", "acct", "rout", "sort", "bsb", "konto", "compte", "cuenta", "conta", "conto", "rekening", "rachun")


def _bank_columns(text: str) -> list[Span]:
    """`name,account_number,routing_number` then `Ana,12345678,021000021`: numbers under bank headers."""
    if "\n" not in text or not _has_any(ascii_lower(text), _BANK_COLUMN_HINTS):
        return []
    spans = []
    for column, offset, value in pii_names.table_cells(text, _BANK_COLUMNS.__contains__):
        stripped = value.strip()
        if _BANK_COLUMNS[column].fullmatch(stripped) and _account_digits_ok(stripped):
            start = offset + value.index(stripped)
            spans.append(Span(start, start + len(stripped), "financial"))
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
    return _cards(text, runs) + _ibans(text, runs) + _bank_numbers(text, runs) + _bank_columns(text) + _clabes(text, runs)


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
_MATCH_SPAN = re.Match.span


def _with_prefix(text: str, start: int, end: int) -> tuple[int, int]:
    """Extend a run left over a leading '+', '(' or '+(' (`+44 …`, `(415) …`)."""
    while start > 0 and text[start - 1] in "+(" and end - start < 40:
        start -= 1
    return start, end


def _numeric_runs(text: str) -> list[tuple[int, int]]:
    if not _has_ascii_digit(text):
        return []
    return [span if span[0] == 0 or text[span[0] - 1] not in "+(" else _with_prefix(text, *span)
            for span in map(_MATCH_SPAN, _NUMERIC_RUN.finditer(text))]


def _has_ascii_digit(text: str) -> bool:
    """Most answers hold no ASCII digit, so no numeric run: ten substring tests (memchr) settle that in
    ~0.5 µs, where the run pattern walks every character (~4 µs on a 300-character answer)."""
    for digit in "0123456789":
        if digit in text:
            return True
    return False


_RUN_FINDERS = {
    "phone": _phones,
    "financial": _financial,
    "national_id": _national_ids,
    "ip_address": _ip_addresses,
}
_RUN_TYPES = frozenset(_RUN_FINDERS)


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
    if not _RUN_TYPES.isdisjoint(entity_types):  # no intermediate set (entity_types & keys built one per call)
        runs = _numeric_runs(text)
        for entity_type, finder in _RUN_FINDERS.items():
            if entity_type in entity_types:
                spans.extend(finder(text, runs))
    if "name" in entity_types:
        spans.extend(pii_names.find_names(text))
    return DetectorResult(spans=_resolve_overlaps(spans) if len(spans) > 1 else spans)  # most texts: none
