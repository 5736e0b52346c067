"""Names of people, without an NER model: shipped lexicons plus context rules.

Evidence, strongest first:
- structure: a CSV column or a JSON/YAML/kwarg key that holds a person's name (`first_name`,
  `customer`, `"name": "…"` when the value reads as a name);
- context: a title (Dr, Ms), a greeting ("Hi Priya,"), "my name is", a header (`From:`, `Author:`),
  a sign-off line followed by a name on its own line;
- lexicon: a run of capitalised words where a part is a known given name or surname, unless a part is
  a known place, product or organisation word ("New York", "Visual Studio", "Jenkins").
Common English words that are also names ("Will", "May", "Grace") count only with more evidence.
The lexicons live in `keeptrusts/data/names/` and load once, on first use.
"""

import bisect
import gzip
import re
import unicodedata
from collections.abc import Callable, Iterator
from functools import cache, lru_cache
from pathlib import Path

from keeptrusts.policy.detectors import pii_names_scripts
from keeptrusts.policy.detectors.textscan import WORD_TEXT_FROM, ascii_lower, word_text, words_of
from keeptrusts.policy.types import Span

_DATA = Path(__file__).resolve().parents[2] / "data" / "names"


def _letters(predicate) -> str:
    ranges = [(0x41, 0x7B), (0xC0, 0x250), (0x370, 0x400), (0x400, 0x530), (0x1E00, 0x1F00)]
    return "".join(chr(c) for lo, hi in ranges for c in range(lo, hi) if predicate(chr(c)))


_UP = _letters(str.isupper)
_LO = _letters(str.islower)
# One capitalised word: Priya, O'Brien, McDonald, DeShawn, Jean-Luc, Al-Rashid, Nguyễn. The run
# pattern starts with a character class (so the regex engine skips lowercase text quickly) and
# checks the word boundary with a lookbehind placed after that first character.
_TOKEN = rf"(?:[{_UP}][’'])?[{_UP}][{_LO}]++(?:[{_UP}][{_LO}]++)?(?:-[{_UP}]?[{_LO}]++)?"
_INITIAL = rf"[{_UP}]\."
_PARTICLE = r"(?:de|da|del|della|di|du|dos|das|van|von|der|den|ter|ten|la|le|bin|binti|bint|ibn|al|el|y|zu)"
_SEQUENCE = re.compile(
    rf"[{_UP}](?<![\w@./\\#$%&*+=<>\-].)(?:[’']?[{_UP}])?[{_LO}]*+(?<=[{_LO}])(?:[{_UP}][{_LO}]++)?(?:-[{_UP}]?[{_LO}]++)?"
    rf"(?:[ \t]{{1,3}}(?:{_PARTICLE}[ \t]{{1,3}}){{0,2}}(?:{_TOKEN}|{_INITIAL})){{0,5}}"
    rf"(?![\w@]|[.\-]\w)"
)
_TOKEN_IN_SEQUENCE = re.compile(rf"{_TOKEN}|{_INITIAL}|{_PARTICLE}")

_TITLES = frozenset(
    "mr mrs ms miss mx dr prof professor sir dame madam mme mlle herr frau sr sra srta senor senora senhor "
    "senhora dott sig rev capt col lt sgt hon judge".split()
)
_PARTICLES = frozenset("de da del della di du dos das van von der den ter ten la le bin binti bint ibn al el y zu mac ni nic ap ua".split())

_GREETINGS = frozenset("hi hello hey hiya dear hola olá ola bonjour salut ciao hallo hej hei moin servus ahoj merhaba halo oi".split())
# Words just before a capitalised run that make it a person even when no lexicon knows the name.
_STRONG_LEFT_WORDS = frozenset(
    "mr mrs ms miss mx dr prof professor sir dame madam mme mlle herr frau sr sra srta "
    "greetings thanks thx cheers congrats congratulations welcome bye ask ping cc cc'd bcc attn tell thank "
    "cześć kudos props shoutout paging "
    "per named called morning evening afternoon nurse coordinator agent engineer manager director officer "
    "colleague teammate intern patient customer client caller candidate applicant tenant driver student "
    "teacher doctor captain uncle aunt mom dad mum brother sister wife husband son daughter friend boss "
    "ceo cto cfo coo vp founder recruiter landlord member attendee speaker reviewer developer".split()
) | _GREETINGS | frozenset(
    # The same in other languages: Russian, Ukrainian, Greek, and the greetings of caseless scripts.
    "привет здравствуйте здравствуй добрый уважаемый уважаемая дорогой дорогая спасибо благодарю господин "
    "госпожа коллега привіт вітаю шановний шановна дякую пане пані γεια καλημέρα αγαπητέ αγαπητή ευχαριστώ "
    "κύριε κυρία κύριος مرحبا مرحباً أهلا اهلا عزيزي عزيزتي شكرا شكراً السيد السيدة سلام שלום היי תודה מר "
    "גברת नमस्ते नमस्कार प्रिय धन्यवाद श्री श्रीमती सुश्री สวัสดี สวัสดีครับ สวัสดีค่ะ ขอบคุณ ขอบคุณครับ "
    "ขอบคุณค่ะ 안녕하세요 감사합니다".split()
)
_STRONG_LEFT_PHRASES = (
    "my name is", "name is", "i am", "i'm", "this is", "call me", "assigned to", "reported by", "approved by",
    "reviewed by", "requested by", "submitted by", "created by", "written by", "authored by", "signed off by",
    "co-authored-by", "on behalf of", "escalated to", "handed to", "forwarded to", "spoke with", "spoke to",
    "talked to", "met with", "meeting with", "call with", "according to", "thank you", "contact",
    "email from", "message from", "note from", "my name's", "name's", "thanks to", "thank you to", "credit to",
    "good catch", "nice catch", "great catch", "good job", "great job", "nice job", "nice work", "great work",
    "good work", "well done", "good point", "good call", "thanks a lot", "thanks so much", "thank you so much",
    "thanks very much", "thank you very much", "shout-out to", "shout out to", "congrats to", "me and",
    "you and",
    "congratulations to", "kudos to", "props to", "welcome back", "farewell to", "goodbye to", "signed by", "sent by", "owned by",
    "led by", "managed by", "prepared by", "presented by", "hosted by", "fixed by", "merged by", "opened by",
    "raised by", "filed by", "updated by", "maintained by", "triaged by", "handled by", "completed by",
    "tested by", "introduced by", "organised by", "organized by", "меня зовут", "мене звати", "με λένε", "ονομάζομαι", "اسمي",
    "שמי", "मेरा नाम",
)
_PHRASE_ENDS = frozenset(phrase.split()[-1] for phrase in _STRONG_LEFT_PHRASES)  # cheap gate before endswith
# `Key: Name` headers and labels.
_LABEL_WORDS = frozenset(
    "from to cc bcc attn author reporter assignee owner signed contact customer client patient name "
    "employee manager approver requester recipient sender user candidate applicant caller agent attendees "
    "participants members speaker speakers host guest driver passenger tenant beneficiary payee holder "
    "cardholder co-authored-by signed-off-by reviewed-by acked-by tested-by reported-by suggested-by "
    "interviewer interviewee nurse physician doctor teacher student parent guardian emergency by on-call oncall "
    "lead pm qa poc dri pic mentor mentee buddy organizer organiser presenter facilitator moderator "
    "имя фио автор контакт клиент ответственный отправитель получатель исполнитель όνομα ονοματεπώνυμο "
    "الاسم اسم שם नाम ชื่อ 이름 성명 담당자 작성자".split()
)
_INITIAL_BEFORE = re.compile(rf"(?<![\w.])[{_UP}]\.[ \t]{{1,2}}$")
# `Ana Lima <ana@x.io>` and `Ana Lima (ana@x.io)`: a display name before an address.
_EMAIL_AFTER = re.compile(r"[ \t]*[<(\[][\w.+\-]+@")
# Weaker context: enough for a known surname or an ambiguous given name alone.
_WEAK_LEFT_WORDS = frozenset("with by told asked let thank ping cc".split())
_PERSON_RIGHT = re.compile(
    r"(?i)(?:'s\b|’s\b|[ \t]*,?[ \t]*(?:said|says|wrote|writes|asked|asks|mentioned|thinks|thought|suggested|"
    r"reported|replied|commented|approved|reviewed|confirmed|noted|agreed|joined|left|is\s+out|is\s+on\s+leave|"
    r"will\s+(?:review|take|handle|follow)|(?:\(|<)[\w.+\-]+@))"
)
# What only people do: enough for a capitalised word no lexicon knows ("Dagny is joining us",
# "Sigrún already signed off"). No possessive: products have those too ("Stripe's API").
_PERSON_VERB = re.compile(
    r"[ \t]*,?[ \t]*(?:said|says|wrote|asked|mentioned|suggested|replied|agreed|thinks|is\s+joining|will\s+join|"
    r"has\s+joined|joined\s+us|is\s+leaving|is\s+out\s+(?:sick|today|until|on)|is\s+on\s+(?:leave|vacation|holiday|pto)|"
    r"is\s+back\b|already\s+(?:signed|approved|reviewed|agreed)|signed\s+off|will\s+(?:review|take\s+over|handle|follow\s+up)|"
    r"(?:and\s+I|and\s+me)\b|сказал|сказала|написал|написала|спросил|спросила|ответил|ответила|предложил|предложила|"
    r"просит|пишет|сказав|сказала|написав|είπε|έγραψε|ρώτησε|approved\s+(?:the|my|your|it|this)|reviewed\s+(?:the|my|your|it|this)|volunteered|offered\s+to|"
    r"promised|is\s+working\s+on|is\s+looking\s+into|looked\s+into|picked\s+up|will\s+pick\s+up|took\s+over|paired\s+with|"
    r"pinged|emailed|messaged|texted|told\s+(?:me|us|them)|explained|pointed\s+out|proposed|apologi[sz]ed|thanked|"
    r"is\s+ooo|is\s+on[\s-]call|is\s+sick|has\s+left|left\s+the\s+company|resigned|was\s+promoted|will\s+(?:present|demo)|"
    r"merged|fixed|pushed|deployed|shipped|committed|reverted|refactored|debugged|investigated|owns|leads|will\s+fix|"
    r"is\s+(?:fixing|reviewing|investigating|debugging|handling|owning|leading)|here\s*[,—–-]|(?:can|could|would|will|do|did|are|have)\s+you\b|please\s+\w|pls\s+\w|"
    r"(?:'s|’s)\s+(?:manager|boss|wife|husband|partner|mom|mum|dad|mother|father|son|daughter|kids|family|birthday|"
    r"farewell|desk|calendar|vacation|holiday|leave|pto|last\s+day|first\s+day|promotion|onboarding|offboarding|1:1|"
    r"one-on-one|direct\s+reports?|laptop|parental|out\s+of\s+office|ooo|availability|phone\s+number|email\s+address|home))(?![\w-])"
)
# First words of _PERSON_VERB's phrases: a set lookup spares the regex for most words.
_PERSON_VERB_STARTS = frozenset(
    "said says wrote asked mentioned suggested replied agreed thinks is will has joined already signed and сказал сказала "
    "написал написала спросил спросила ответил ответила предложил предложила просит пишет сказав написав είπε έγραψε "
    "ρώτησε approved reviewed volunteered offered promised looked picked took paired pinged emailed messaged texted told "
    "explained pointed proposed apologised apologized thanked has left resigned was here can could would do did are have "
    "please pls merged fixed pushed deployed shipped committed reverted refactored debugged investigated owns leads".split()
)


def _person_verb_after(text: str, end: int) -> bool:
    """Whether what follows `end` is something only people do (_PERSON_VERB)."""
    window = text[end : end + 24].lstrip(" \t,")
    if window[:2] in ("'s", "’s"):
        return _PERSON_VERB.match(text, end) is not None
    words = window.split(None, 1)
    return bool(words) and words[0].lower().rstrip(",—–-") in _PERSON_VERB_STARTS and _PERSON_VERB.match(text, end) is not None


_SIGN_OFF = re.compile(
    r"(?i)^[ \t>]*(?:thanks|thank\s+you|many\s+thanks|thanks\s+again|thx|ta|cheers|best|best\s+regards|kind\s+regards|"
    r"warm\s+regards|regards|sincerely|yours(?:\s+(?:truly|sincerely))?|respectfully|all\s+the\s+best|"
    r"best\s+wishes|take\s+care|--|—|saludos|un\s+saludo|atentamente|cordialement|grüße|mit\s+freundlichen\s+grüßen|"
    r"obrigad[oa]|gracias|merci|abraço|abraços|um\s+abraço|un\s+abrazo|saludos\s+cordiales|a\s+presto|viele\s+grüße|"
    r"liebe\s+grüße|beste\s+grüße|bien\s+à\s+vous|groetjes|met\s+vriendelijke\s+groet(?:en)?|hälsningar|mvh|"
    r"pozdrawiam|s\s+pozdravem|saygılarımla|selamlar|hugs|love|xo|xoxo|talk\s+soon|speak\s+soon|see\s+you|later|rgds|"
    r"b?rgds|br|tia|thanks\s+in\s+advance|cordially|with\s+thanks|warmly|warm\s+wishes|с\s+уважением|спасибо|з\s+повагою|дякую|με\s+εκτίμηση|ευχαριστώ|مع\s+تحياتي|"
    r"تحياتي|شكرا|شكراً|مع\s+خالص\s+التحية|בברכה|תודה|धन्यवाद|सादर|ขอบคุณ(?:ครับ|ค่ะ)?|감사합니다|"
    r"謝謝|谢谢|此致|敬礼|祝好|よろしくお願いします|よろしくお願いいたします)[ \t,.!，。！،]*$"
)

# Keys and CSV headers that hold a person's name, normalised (lowercase, no `_`, `-` or spaces).
_PERSON_KEYS = frozenset(
    "fullname firstname lastname givenname familyname surname middlename displayname legalname preferredname "
    "customername customer contactname clientname authorname author assignee assigneename reporter reportername "
    "ownername employeename employee patientname patient recipientname recipient sendername billingname "
    "shippingname cardholder cardholdername accountholder accountholdername holdername personname person "
    "managername manager nameoncard studentname student teachername doctorname physician "
    "beneficiary beneficiaryname payee payeename approver requester requestername signer signedby fname lname "
    "forename firstnames lastnames contactperson nextofkin spouse spousename guardian parentname".split()
)
_GENERIC_NAME_KEYS = frozenset((
    "name", "nombre", "nom", "vorname", "nachname", "nome", "first", "last", "given", "family", "naam", "imię", "nazwisko",
    "isim", "soyad", "имя", "фамилия", "ім'я", "прізвище", "όνομα", "επώνυμο", "الاسم", "اسم", "שם", "नाम", "名前", "이름", "ชื่อ",
))
# Keys that mean a person's full name in other languages.
_PERSON_KEYS_INTL = frozenset(("фио", "ονοματεπώνυμο", "姓名", "氏名", "お名前", "성명", "ชื่อ-นามสกุล", "ชื่อนามสกุล"))
# `key: value`, `"key": "value"`, `key="value"`; the key is checked in Python, so the pattern only
# has to fail fast on prose (a possessive word, then no ':' or '=').
_KEY_VALUE = re.compile(
    r"(?<![\w.\-])([^\W\d_][\w\-\u0900-\u097f\u0e00-\u0e7f]{0,30}+)[\"']?[ \t]*(?::|：|=>|=)[ \t]*"
    r"(?:\"([^\"\n]{1,80}+)\"|'([^'\n]{1,80}+)'|([^\s\"'{\[,;#<>][^\n,;}\]#\"<>]{0,79}+))"
)
# A line of identifier-like cells split by one delimiter: a CSV/TSV header candidate, or a
# Markdown table header (`| Name | Email |`).
_CSV_HEADER = re.compile(
    r"(?m)^[ \t]*[\"']?[^\W\d][\w \-]{0,30}+[\"']?(?:[ \t]*([,\t;|])[ \t]*[\"']?[^\W\d][\w \-]{0,30}+[\"']?)++[ \t]*\r?$"
)
_MARKDOWN_HEADER = re.compile(r"(?m)^[ \t]*(\|)[ \t]*[^\W\d][\w \-]{0,30}+(?:\|[ \t]*[^\W\d][\w \-]{0,30}+)++\|[ \t]*\r?$")
_COMPANY_WORDS = frozenset(
    "inc llc ltd corp company corporation gmbh plc group holdings technologies labs systems "
    "solutions services partners bank university school hospital clinic team foundation guild squad crew "
    "org bot service support admin department".split()
)
_VALUE_SHAPE = re.compile(r"[^\W\d_][^\W\d_'’.\-]*+(?:,?[ '’.\-]+[^\W\d_][^\W\d_'’.\-]*+){0,5}\.?")


@cache
def _lexicon() -> dict[str, frozenset[str]]:
    def load(name: str) -> frozenset[str]:
        raw = (_DATA / name).read_bytes()
        lines = (gzip.decompress(raw) if name.endswith(".gz") else raw).decode("utf-8").splitlines()
        return frozenset(_fold_word(w) for line in lines for w in line.partition("#")[0].split())

    return {
        "given": load("given.txt"),
        "surname": load("surnames.txt"),
        "common": load("common_words.txt") | load("ambiguous.txt") | load("common_words_intl.txt.gz")
        | {_fold_word(w) for w in _STRONG_LEFT_WORDS | _LABEL_WORDS},
        # Role and label words ("Customer", "Engineer") introduce a name rather than veto it.
        "blocked": load("not_names.txt") - _STRONG_LEFT_WORDS - _LABEL_WORDS,
        "rare": load("rare_words.txt.gz"),
        "phrases": _load_phrases("not_name_phrases.txt"),
    }


def _load_phrases(name: str) -> frozenset[str]:
    lines = (_DATA / name).read_text(encoding="utf-8").splitlines()
    return frozenset(" ".join(_fold(w) for w in line.partition("#")[0].split()) for line in lines if line.partition("#")[0].strip())


def _fold_word(word: str) -> str:
    """Lowercase without accents: lexicon keys match `Fernández` and `Fernandez` alike."""
    word = word.lower().replace("’", "'").replace("ς", "σ")
    if word.isascii():
        return word
    return "".join(ch for ch in unicodedata.normalize("NFKD", word) if not unicodedata.combining(ch))


_fold = lru_cache(maxsize=8192)(_fold_word)


@lru_cache(maxsize=8192)
def _classify(word: str) -> str:
    """One of: title, particle, initial, given, surname, weak (a name that is also an English word),
    risky (a name that is also a place or product), common, blocked, rare (a rarer English word),
    unknown."""
    lex = _lexicon()
    key = _fold(word.rstrip("."))
    if key in _TITLES:
        return "title"
    if len(word) == 2 and word.endswith("."):
        return "initial"
    if word in _PARTICLES:
        return "particle"
    parts = [key]
    if "-" in key:
        head, _, tail = key.partition("-")
        parts = [key, tail] if head in ("al", "el", "ul", "ud", "bin", "ibn", "abu", "ben", "da", "de", "di", "van") else [key, *key.split("-")]
    inner = next((i for i, ch in enumerate(word[1:], 1) if ch.isupper() and word[i - 1] not in "-'’"), 0)
    if inner and word[:inner].lower() not in _CAMEL_PREFIXES:
        return "blocked"  # DevOps, GitLab, PayPal: identifiers and brands, not McDonald or DeShawn
    is_given = any(p in lex["given"] for p in parts)
    is_surname = any(p in lex["surname"] for p in parts)
    is_blocked = key in lex["blocked"]
    is_common = key in lex["common"]
    if is_given or is_surname:
        if is_blocked:
            return "risky"  # Jordan, Paris, Jenkins: a place or product first
        if is_common:
            return "weak"  # Will, Grace, Brown: an English word first
        return "given" if is_given else "surname"
    if ("\u0400" <= key[0] <= "\u04ff" or "\u0370" <= key[0] <= "\u03ff") and _declined_given_name(key, lex):
        return "weak" if is_common else "given"  # Ивану, Марии, Сергеем: a given name, declined
    if len(key) >= 5 and not key.isascii() and _SURNAME_ENDINGS.search(key):
        # Петров, Шевченко, Иванович, Παπαδόπουλος; one that is also a frequent word (news text
        # is full of surnames) needs a partner.
        return "weak" if is_common else "surname"
    if key in _PARTICLES:
        return "particle"  # El Amrani, De la Cruz, Van der Berg
    if is_blocked:
        return "blocked"
    if is_common:
        return "common"
    if key in lex["rare"] or _inflected_word(key, lex):
        return "rare"  # an English word, but rare enough to also be a name: needs a known partner
    return "unknown"


# Russian and Ukrainian case endings of given names and the nominative endings to try instead.
_CASE_ENDINGS = (("ом", ""), ("ем", "и"), ("ем", "ь"), ("еи", "я"), ("ои", "а"), ("у", ""), ("а", ""), ("ю", "и"), ("ю", "ь"),
                 ("я", "и"), ("я", "ь"), ("и", "я"), ("и", "а"), ("е", "а"), ("е", "я"), ("у", "а"), ("ю", "я"), ("е", ""),
                 # Greek (folded, final σ): Γιώργου, Νίκο, Μαρίας, Ελένης, Δημήτρη
                 ("ου", "οσ"), ("ο", "οσ"), ("ε", "οσ"), ("η", "ησ"), ("α", "ασ"), ("ασ", "α"), ("ησ", "η"))


def _declined_given_name(key: str, lex: dict[str, frozenset[str]]) -> bool:
    return len(key) >= 4 and any(
        key.endswith(ending) and key[: -len(ending)] + base in lex["given"] for ending, base in _CASE_ENDINGS
    )


# Endings of Cyrillic and Greek family names and patronymics, as folded (й -> и, accents dropped).
_SURNAME_ENDINGS = re.compile(
    r"(?:(?:ов|ев|ин|ын)(?:а|у|ым|ои|е|ои|ых)?|(?:ск|цк)(?:ии|ая|ого|ому|им|ои|ую)|енко|ук|юк|вич(?:а|у|ем)?|"
    r"овн[аеуы]|евн[аеуы]|ичн[аеуы]|ян|янц|швили|дзе|"
    r"οπουλοσ|οπουλου|ιδησ|ιδου|αδησ|ακησ|ακη|ογλου|ουδησ|ιαδησ|ιωτησ|ελλησ|ιου)$"
)


_SUFFIXES = (("ies", "y"), ("ing", ""), ("ing", "e"), ("ed", ""), ("ed", "e"), ("es", ""), ("s", ""), ("ers", ""), ("er", ""), ("ly", ""))


_ENGLISH_ENDINGS = ("tion", "tions", "ment", "ments", "ness", "ity", "able", "ible", "ology", "ware", "ize", "ise", "ization")


def _inflected_word(key: str, lex: dict[str, frozenset[str]]) -> bool:
    """`Endpoints`, `Configuring`, `Middleware`: English word shapes are not names."""
    if len(key) >= 7 and key.endswith(_ENGLISH_ENDINGS):
        return True
    for suffix, replacement in _SUFFIXES:
        if key.endswith(suffix) and len(key) - len(suffix) >= 3:
            base = key[: -len(suffix)] + replacement
            undoubled = base[:-1] if base[-1:] == base[-2:-1] else ""  # debugging -> debug
            if base in lex["common"] or base in lex["rare"] or undoubled in lex["common"] or undoubled in lex["rare"]:
                return True
    return False


_CAMEL_PREFIXES = frozenset("mc mac de di da la le van von fitz du del della st".split())
_WEIGHT = {
    "given": 2.0, "surname": 2.0, "weak": 1.0, "risky": 1.0, "unknown": 0.5, "rare": 0.5, "initial": 0.5, "common": 0.5,
    "particle": 0.0, "title": 0.0, "blocked": 0.0,
}
_KNOWN = ("given", "surname", "weak", "risky")


def _left_context(text: str, start: int) -> str:
    """'strong', 'weak' or '' from the words just before `start` on the same line."""
    window = text[max(0, start - 32) : start]
    window = window[window.rfind("\n") + 1 :]
    stripped = window.rstrip(" \t")
    if not stripped:
        return ""
    if stripped[-1] in ":：":
        words = stripped[:-1].lower().split()
        return "strong" if words and words[-1].strip("\"'*-") in _LABEL_WORDS else ""
    if stripped[-1] == "@":
        return "weak"
    if stripped in ("—", "--", "–", "~", "-—"):
        return "strong"  # `— Tamsin`: an attribution or signature dash at the start of the line
    if stripped.endswith("(") and stripped[:-1].rstrip().lower().endswith(("todo", "fixme", "xxx", "hack", "note")):
        return "strong"
    tail = stripped.rstrip(",.;-–—،，、!！").lower()
    if not tail:
        return ""
    words = tail.split()
    last = words[-1] if words else ""
    if last in _STRONG_LEFT_WORDS or (last in _PHRASE_ENDS and tail.endswith(_STRONG_LEFT_PHRASES)):
        return "strong"
    if stripped[-1] not in ",.;،，" and last in _WEAK_LEFT_WORDS:
        return "weak"
    return ""


def _strong_context(text: str, start: int, end: int) -> bool:
    return (
        _left_context(text, start) == "strong"
        or _EMAIL_AFTER.match(text, end) is not None
        or _is_signature(text, start, end)
    )


_AFTER_SIGNATURE_NAME = re.compile(r"^[ \t]*(?:[,|\-–—(]|$)")


def _is_signature(text: str, start: int, end: int) -> bool:
    """A name alone on its line (maybe followed by a role), right after a sign-off line."""
    line_start = text.rfind("\n", 0, start) + 1
    if text[line_start:start].strip(" \t>"):
        return False
    line_end = text.find("\n", end)
    rest = text[end : len(text) if line_end < 0 else line_end]
    if rest.strip() and not _AFTER_SIGNATURE_NAME.match(rest):
        return False
    previous_end = line_start - 1
    while previous_end > 0:
        previous_start = text.rfind("\n", 0, previous_end) + 1
        previous = text[previous_start:previous_end]
        if previous.strip():
            return bool(_SIGN_OFF.match(previous))
        previous_end = previous_start - 1
    return False


def _name_like(word: str) -> bool:
    """An unknown word shaped like a name: Title-case letters only, 3+ letters."""
    return len(word) >= 3 and word[1:].replace("-", "").replace("'", "").replace("’", "").isalpha() and not word.isupper()


def _accept(kinds: list[str], words: list[str], text: str, start: int, end: int, strong: bool) -> bool:
    names = [k for k in kinds if k not in ("initial", "particle")]
    if not names:
        return False
    score = sum(_WEIGHT[k] for k in kinds)
    if len(names) >= 2:
        first, last = names[0], names[-1]
        if first == "given" and score >= 2.5:
            return True
        if first in ("weak", "risky") and score >= 2.5 and any(k in _KNOWN for k in names[1:]):
            return True
        if last == "surname" and first in ("unknown", "rare", "surname") and score >= 2.5:
            return True
        if first == "surname" and last in ("given", "weak") and score >= 2.5:
            return True  # family name first: Nguyen Van An, Kovács Anna
        if strong or (score >= 2.5 and _PERSON_RIGHT.match(text, end) is not None):
            return True
        if names.count("given") + names.count("surname") >= 2:
            return True  # Oyelaran Adebisi: surname first, as many cultures write it
        # Two or more capitalised words that are neither English words, places nor products are
        # most often a name the lexicon does not know (Pepijn Stange, Toluwanimi Oshin).
        return all(k == "unknown" and _name_like(w) for k, w in zip(kinds, words) if k not in ("particle", "initial"))
    kind = names[0]
    if kind == "given" or strong:
        return True
    if kinds[-1] == "initial" and kind in ("unknown", "weak", "surname") and _name_like(words[0]):
        return True  # Tamsin O.: a first name and the initial of a surname
    if kind == "weak":
        return _left_context(text, start) == "weak" or _PERSON_RIGHT.match(text, end) is not None
    if kind in ("surname", "risky"):
        return _PERSON_RIGHT.match(text, end) is not None
    return kind == "unknown" and _person_verb_after(text, end) and _name_like(words[0])


def _sequence_spans(text: str, occupied: list[tuple[int, int]]) -> list[Span]:
    spans: list[Span] = []
    rejected: list[tuple[int, int, str]] = []
    for m in _SEQUENCE.finditer(text):
        word = m.group()
        if " " not in word and "\t" not in word:
            # Most runs are one word ("The", "Traceback"): decide without tokenising.
            kind = _classify(word)
            if kind in ("blocked", "particle"):
                continue
            start = m.start()
            after_title = _after_title(text, start)
            if not after_title and kind in ("common", "title"):
                continue
            tokens, kinds = [(start, m.end(), word)], [kind]
        else:
            base = m.start()
            tokens = [(base + t.start(), base + t.end(), t.group()) for t in _TOKEN_IN_SEQUENCE.finditer(word)]
            kinds = [_classify(w) for _, _, w in tokens]
            after_title = None
        strong = titled = False
        # Leading titles, greetings and common words are context, not part of the name.
        while len(tokens) > 1 and (kinds[0] in ("title", "common", "particle", "initial") or (kinds[0] == "weak" and _is_greeting(tokens[0][2]))):
            titled = kinds[0] == "title"
            if titled or _left_context(text, tokens[1][0]) == "strong":
                strong = True
            tokens, kinds = tokens[1:], kinds[1:]
        if kinds[0] == "title":
            continue
        while len(tokens) > 1 and kinds[0] == "blocked" and kinds[1] in ("given", "surname"):
            tokens, kinds = tokens[1:], kinds[1:]  # "Yesterday Priya merged it", "Monday Okafor is out"
        if len(tokens) > 1 and kinds[0] in ("weak", "unknown", "rare") and kinds[1] == "given" and _at_sentence_start(text, tokens[0][0]):
            tokens, kinds = tokens[1:], kinds[1:]  # "Per Aurelio's comment", "Will Priya merge it?"
        if titled:
            after_title = True
        elif after_title is None or len(tokens) != 1 or tokens[0][0] != start:
            after_title = _after_title(text, tokens[0][0])
        while tokens and kinds[-1] in ("common", "particle", "title") and not (after_title and len(tokens) == 1):
            tokens, kinds = tokens[:-1], kinds[:-1]
        if not tokens or "blocked" in kinds or ("common" in kinds and not after_title):
            continue
        start, end = tokens[0][0], tokens[-1][1]
        if occupied and _overlaps_any(occupied, start, end):
            continue
        words = [w for _, _, w in tokens]
        if len(words) > 1 and " ".join(_fold(w) for w in words) in _lexicon()["phrases"]:
            continue
        if _INITIAL_BEFORE.search(text, max(0, start - 8), start) and kinds[0] in ("surname", "given", "unknown", "weak"):
            start = text.rfind(".", max(0, start - 8), start) - 1  # "J. Smith", "A. Okafor"
            strong = True
        strong = strong or after_title or _continues_list(text, start, spans)
        if _accept(kinds, words, text, start, end, strong) or (
            not strong and _strong_context(text, start, end) and _accept(kinds, words, text, start, end, True)
        ):
            spans.append(Span(start, end, "name"))
        elif len(tokens) == 1:
            rejected.append((start, end, words[0]))
    if rejected and spans:
        # A word already seen inside an accepted name is that person again: "… Cécile Masse …
        # Action: Cécile to draft the RFC".
        seen = {w for s in spans for w in text[s.start : s.end].split() if len(w) > 2}
        # In a chat transcript whose speakers include a known name, the other speakers are people
        # too: "Bongani: I think …\nTamsin: yep, …".
        chat = any(_is_speaker(text, s.start, s.end) for s in spans)
        starts = {s.start for s in spans}
        spans.extend(
            Span(s, e, "name") for s, e, w in rejected
            if w in seen or (chat and _is_speaker(text, s, e) and _classify(w) in ("unknown", "weak", "surname"))
            or (_classify(w) == "unknown" and _name_like(w) and _before_a_name(text, e, starts))
        )
        spans.sort(key=lambda s: s.start)
    return spans


def _before_a_name(text: str, end: int, starts: set[int]) -> bool:
    """`Zuberi and Makena are reviewing`: an unknown word joined to a name that follows."""
    for joiner in (" and ", " & ", ", ", " or "):
        if text.startswith(joiner, end) and end + len(joiner) in starts:
            return True
    return False


def _is_greeting(word: str) -> bool:
    """Olá, Hallo, Bonjour: a greeting that is also someone's name elsewhere (Ola) opens a run."""
    return _fold(word) in _GREETINGS


def _is_speaker(text: str, start: int, end: int) -> bool:
    """`Name: message` at the start of a line."""
    return (start == 0 or text[start - 1] == "\n") and text.startswith(": ", end)


def _at_sentence_start(text: str, start: int) -> bool:
    before = text[max(0, start - 4) : start].rstrip(" \t\"'(*>-")
    return not before or before[-1] in ".!?:#\n"


def _after_title(text: str, start: int) -> bool:
    """Dr. Pastor, Ms Grace: a title right before makes any capitalised word a surname."""
    window = text[max(0, start - 12) : start]
    if window.lower() == window:
        return False  # titles are capitalised: most calls end here
    window = window.rstrip(" \t")
    if window.endswith("."):
        window = window[:-1]
    word = window.rsplit(None, 1)[-1] if window.strip() else ""
    return _fold(word) in _TITLES and word[:1].isupper()


def _continues_list(text: str, start: int, spans: list[Span]) -> bool:
    """`Attendees: Ana Lima, Pepijn Stange and Wout Lafleur`: names continue a list of names."""
    if not spans:
        return False
    gap = text[spans[-1].end : start]
    # Quotes too: `VALUES ('Jane', 'Doe')`, `["Ana Lima", "Wout Lafleur"]`.
    return len(gap) <= 8 and gap.strip(" \t\"'") in (",", ";", "and", ", and", "&", "/", "or")


def _looks_like_name(value: str, generic_key: bool) -> bool:
    value = value.strip()
    if pii_names_scripts.has_caseless_script(value):
        return pii_names_scripts.value_is_name(value, generic_key)
    if not value or len(value) > 60 or not _VALUE_SHAPE.fullmatch(value):
        return False
    words = [w for w in re.split(r"[ ,]+", value) if w]
    if not 1 <= len(words) <= 5:
        return False
    if any(_fold(w.strip(".")) in _COMPANY_WORDS for w in words):
        return False
    if not any(w[0].isupper() for w in words):
        return False
    if value.isupper():
        words = [w.capitalize() for w in words]  # MARIA GARCIA, as printed on a card
    kinds = [_classify(w) for w in words if w[0].isupper()]
    if all(k in ("blocked", "common", "title") for k in kinds):
        return False
    if not any(k in ("given", "surname") for k in kinds) and any(k in ("blocked", "common") for k in kinds):
        return False  # "Acme Frontend Guild", "Support Bot"
    if generic_key:
        # `"name": "billing-service"` is not a person: want a known name or two name-shaped words.
        if "blocked" in kinds and not any(k in ("given", "surname") for k in kinds):
            return False
        return any(k in _KNOWN for k in kinds) or (
            len(kinds) >= 2 and all(k in ("unknown", "rare", "initial") for k in kinds) and "unknown" in kinds
        )
    return True


def _value_span(text: str, start: int, value: str) -> Span:
    stripped = value.strip().rstrip(".")
    offset = start + (len(value) - len(value.lstrip()))
    return Span(offset, offset + len(stripped), "name")


# Substrings every person key or header contains; cheap `str.find` gates before any regex runs.
# The English ones cover the compound keys above (customername, assignee…); the key sets add every
# other-language key that contains none of them, so a new key needs adding in one place only.
_ASCII_KEY_HINTS = (
    "name", "first", "last", "given", "family", "customer", "contact", "client", "author", "assignee", "reporter", "owner", "employee", "patient",
    "recipient", "holder", "person", "manager", "student", "teacher", "doctor", "physician", "beneficiary",
    "payee", "approver", "requester", "signer", "signed", "spouse", "guardian", "kin", "nombre", "nom", "naam",
)
_KEY_HINTS = _ASCII_KEY_HINTS + tuple(sorted(
    key for key in _GENERIC_NAME_KEYS | _PERSON_KEYS_INTL if not any(hint in key for hint in _ASCII_KEY_HINTS)
))
_KEY_HINTS_IN_ASCII = tuple(hint for hint in _KEY_HINTS if hint.isascii())
_KEY_HINT_ORDER = {hint: number for number, hint in enumerate(_KEY_HINTS_IN_ASCII)}
assert all(hint.isalpha() and hint.islower() for hint in _KEY_HINTS_IN_ASCII)  # what _ascii_key_hints relies on
_hints_of_word: dict[str, frozenset[str]] = {}
_hintless_words: set[str] = set()
_WORDS_REMEMBERED = 65536  # distinct words remembered before the tables start over
_KEY_HINTS_ALPHA = tuple((hint, hint.isalpha()) for hint in _KEY_HINTS)
_KEY_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789_-")


def _ascii_key_hints(words: frozenset[str]) -> list[str]:
    """The ASCII key hints an ASCII text holds, in _KEY_HINTS_IN_ASCII's order, from its distinct words
    (`words_of`: its runs of a-z). A hint is all letters, so it is in the text exactly when it is in one of
    its words. Each word's hints are remembered across texts, and a set difference (in C) leaves only the
    words that hold a hint or are new: ~1 µs on an answer instead of a substring scan per hint (~4 µs)."""
    if len(_hints_of_word) > _WORDS_REMEMBERED or len(_hintless_words) > _WORDS_REMEMBERED:
        _hints_of_word.clear()
        _hintless_words.clear()
    found: set[str] = set()
    for word in words - _hintless_words:
        hints = _hints_of_word.get(word)
        if hints is None:
            hints = frozenset(hint for hint in _KEY_HINTS_IN_ASCII if hint in word)
            if not hints:
                _hintless_words.add(word)
                continue
            _hints_of_word[word] = hints
        found |= hints
    return sorted(found, key=_KEY_HINT_ORDER.__getitem__)


def _key_value_spans(text: str, lower: str, hints: list[str]) -> list[Span]:
    spans, seen = [], set()
    for hint in hints:
        i = lower.find(hint)
        while i >= 0:
            start = i
            while start > 0 and i - start < 30 and lower[start - 1] in _KEY_CHARS:
                start -= 1
            i = lower.find(hint, i + len(hint))
            if start in seen:
                continue
            seen.add(start)
            m = _KEY_VALUE.match(text, start)
            if m is None:
                continue
            key = m.group(1).lower().replace("_", "").replace("-", "")
            generic = key in _GENERIC_NAME_KEYS
            if not generic and key not in _PERSON_KEYS and key not in _PERSON_KEYS_INTL:
                continue
            group = next(g for g in (2, 3, 4) if m.group(g) is not None)
            value = m.group(group)
            if _looks_like_name(value, generic):
                spans.append(_value_span(text, m.start(group), value))
    return spans


def _split_row(line: str, delimiter: str) -> list[tuple[int, str]]:
    """Cells with their offsets; honours double-quoted cells that contain the delimiter."""
    cells, i, n = [], 0, len(line)
    while i <= n:
        if i < n and line[i] == '"':
            j = i + 1
            while True:
                j = line.find('"', j)
                if j < 0 or j + 1 >= n or line[j + 1] != '"':
                    break
                j += 2
            j = n if j < 0 else j
            cells.append((i + 1, line[i + 1 : j]))
            k = line.find(delimiter, j)
            i = n + 1 if k < 0 else k + 1
        else:
            k = line.find(delimiter, i)
            k = n if k < 0 else k
            cells.append((i, line[i:k]))
            i = k + 1
    return cells


_COLUMN_NOISE = re.compile(r"[\s_\-\"']")


@lru_cache(maxsize=4096)
def _header_columns(line: str, delimiter: str) -> tuple[str, ...]:
    """A header line's column names, normalised (a table's header repeats: parsed once)."""
    return tuple(_COLUMN_NOISE.sub("", cell.lower()) for _, cell in _split_row(line, delimiter))


_last_headers: tuple[str, list[tuple[int, str, tuple[str, ...]]]] | None = None


def _table_headers(text: str) -> list[tuple[int, str, tuple[str, ...]]]:
    """(end, delimiter, columns) of every table header line in `text`. The last text's are remembered:
    the financial and the name detectors both walk the tables of the same text."""
    global _last_headers
    last = _last_headers
    if last is not None and (last[0] is text or last[0] == text):
        return last[1]
    headers = list(_CSV_HEADER.finditer(text))
    if "|" in text:
        headers += _MARKDOWN_HEADER.finditer(text)
    found = [(header.end(), header.group(1), _header_columns(header.group().rstrip("\r"), header.group(1))) for header in headers]
    _last_headers = (text, found)
    return found


def forget() -> None:
    """Drop the remembered text's table headers (see `keeptrusts.policy.evaluate.new_evaluation`)."""
    global _last_headers
    _last_headers = None


def table_cells(text: str, wanted: Callable[[str], bool]) -> Iterator[tuple[str, int, str]]:
    """Cells of CSV/TSV rows and Markdown tables whose header `wanted` accepts, as (header, offset,
    value); headers are normalised: lowercase, without spaces, `_`, `-` or quotes."""
    if "\n" not in text:
        return
    for header_end, delimiter, columns in _table_headers(text):
        kept = [i for i, column in enumerate(columns) if wanted(column)]
        if not kept:
            continue
        position = header_end + 1
        while position < len(text):
            line_end = text.find("\n", position)
            line_end = len(text) if line_end < 0 else line_end
            row = text[position:line_end]
            if not row.strip() or row.count(delimiter) < len(columns) - 1:
                break
            cells = _split_row(row, delimiter)
            for i in kept:
                if i < len(cells):
                    offset, value = cells[i]
                    yield columns[i], position + offset, value
            position = line_end + 1


def _is_person_column(column: str) -> bool:
    return column in _PERSON_KEYS or column in _PERSON_KEYS_INTL or column in _GENERIC_NAME_KEYS


def _csv_spans(text: str) -> list[Span]:
    return [
        _value_span(text, offset, value)
        for column, offset, value in table_cells(text, _is_person_column)
        if _looks_like_name(value, column in _GENERIC_NAME_KEYS)
    ]


# Greetings and mentions written in lowercase chat: "thanks priya", "hey mateo,".
_LOWER_GREETINGS = ("hi ", "hey ", "hello ", "thanks ", "thank you ", "thx ", "dear ", "cc ", "ping ", "ask ")
# A greeting that opens a name starts a word and its first word ends at a space: a whole word of the text.
_GREETING_FIRST_WORDS = tuple((greeting, greeting.split()[0]) for greeting in _LOWER_GREETINGS)
_LOWER_WORD = re.compile(r"[a-zà-ÿ][a-zà-ÿ'’\-]{1,20}(?![\w@])")


def _closes_greeting(text: str, end: int) -> bool:
    return end == len(text) or text[end] in ",!.?:\n" or text.startswith(" -", end) or text.startswith(" —", end)


def _lowercase_greeting_spans(text: str, lower: str, words: frozenset[str] | None = None) -> list[Span]:
    """`words`: the distinct words of an ASCII text (`words_of`), to skip greetings it cannot hold."""
    spans = []
    for greeting, first_word in _GREETING_FIRST_WORDS:
        if words is not None and first_word not in words:
            continue
        i = lower.find(greeting)
        while i >= 0:
            start = i + len(greeting)
            if i == 0 or not lower[i - 1].isalnum():
                m = _LOWER_WORD.match(text, start)
                # A name the lexicon knows and that is no English word ("hi team" stays clean), or
                # a word no list knows that closes the greeting: "thanks tamsin!", "hey ikaika,".
                kind = _classify(m.group().capitalize()) if m else ""
                if kind == "given" or (kind == "unknown" and m.group().isalpha() and _closes_greeting(text, m.end())):
                    spans.append(Span(m.start(), m.end(), "name"))
            i = lower.find(greeting, start)
    return spans


# `@Ngozi can you…`: a chat mention. Not a decorator (`@Override public`, `@Injectable()`).
_MENTION = re.compile(
    rf"(?<![\w@])@({_TOKEN})(?=[ \t]*[,:!?]|[ \t]+(?!(?:public|private|protected|static|final|def|class|void|fun|async|"
    rf"export|abstract|override|open|internal|let|var|val|const|function)\b)[a-z])"
)


def _mention_spans(text: str) -> list[Span]:
    spans, at = [], text.find("@")
    while at >= 0:
        m = _MENTION.match(text, at) if at + 1 < len(text) and text[at + 1].isupper() else None
        if m is not None:
            kind = _classify(m.group(1))
            if kind in ("given", "surname", "weak", "risky") or (kind == "unknown" and _name_like(m.group(1))):
                spans.append(Span(m.start(1), m.end(1), "name"))
        at = text.find("@", at + 1)
    return spans


_UPPER_NAME = re.compile(r"[ \t]{0,3}([A-Z][A-Z'’\-]+(?:[ \t]{1,2}[A-Z][A-Z'’\-]+){1,3})(?![\w@])")


def _upper_label_spans(text: str) -> list[Span]:
    """`Cardholder: JOHN SMITH`, `Name: NGOZI OKAFOR`: names in capitals after a person label."""
    spans, colon = [], text.find(":")
    while colon >= 0:
        m = _UPPER_NAME.match(text, colon + 1)
        if m is not None and _left_context(text, m.start(1)) == "strong":
            kinds = [_classify(w.capitalize()) for w in m.group(1).split()]
            if any(k in ("given", "surname") for k in kinds) and not any(k in ("blocked", "common") for k in kinds):
                spans.append(Span(m.start(1), m.end(1), "name"))
        colon = text.find(":", colon + 1)
    return spans


def find_names(text: str) -> list[Span]:
    structured: list[Span] = []
    lower = text.lower()
    # An ASCII text's distinct words (shared with content-filter, which lowers and splits it first).
    ascii_words = words_of(ascii_lower(text)) if text.isascii() else None
    # Keys need a separator and tables a line break: without either, no key hint can matter.
    if "\n" in text or ":" in text or "=" in text or "：" in text:
        # A long text's letters-only hints are looked for among its distinct words (textscan.word_text).
        words = word_text(ascii_lower(text)) if len(text) >= WORD_TEXT_FROM and len(lower) == len(text) else None
        if words is None and ascii_words is not None:
            hints = _ascii_key_hints(ascii_words)
        elif words is None:
            # An ASCII text holds no key written in another script: half the lookups on most traffic.
            hints = [h for h in (_KEY_HINTS_IN_ASCII if lower.isascii() else _KEY_HINTS) if h in lower]
        else:
            hints = [h for h, alpha in _KEY_HINTS_ALPHA if h in (words if alpha else lower)]
        if hints:
            structured = _key_value_spans(text, lower, hints) + _csv_spans(text)
    structured += _lowercase_greeting_spans(text, lower, ascii_words)
    if "@" in text:
        structured += _mention_spans(text)
    if ": " in text:
        structured += _upper_label_spans(text)
    if structured:
        structured.sort(key=lambda s: (s.start, -s.end))
        structured = [s for k, s in enumerate(structured) if k == 0 or s.start >= structured[k - 1].end]
    occupied = [(s.start, s.end) for s in structured]
    spans = structured + _sequence_spans(text, occupied)
    if pii_names_scripts.has_caseless_script(text):
        spans += [s for s in pii_names_scripts.find_names(text) if not _overlaps_any(occupied, s.start, s.end)]
    return spans


def _overlaps_any(occupied: list[tuple[int, int]], start: int, end: int) -> bool:
    """Whether [start, end) overlaps a span of `occupied` (sorted, non-overlapping)."""
    i = bisect.bisect_left(occupied, (end,))
    return bool(i) and occupied[i - 1][1] > start
