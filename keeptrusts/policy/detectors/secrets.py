"""`dlp-filter`: secrets and credentials in text.

Each detector below is a name usable in a policy's `detectors:` list; a span's
`type` is the detector name that found it, and findings are counts keyed by it.

| detector | finds |
|---|---|
| `aws_access_key` | AWS access key ids (`AKIA…`, `ASIA…`, …) |
| `aws_secret_key` | AWS secret access keys (assigned to an AWS-ish name, or next to an access key id) |
| `gcp_api_key` | Google API keys (`AIza…`) |
| `azure_storage_key` | Azure storage/Service Bus connection strings (`AccountKey=`, `SharedAccessKey=`), SAS `sig=` |
| `azure_client_secret` | Entra ID (Azure AD) client secrets (`…8Q~…`) |
| `github_token` | `ghp_`, `gho_`, `ghs_`, `ghu_`, `ghr_`, `github_pat_` |
| `gitlab_token` | `glpat-`, `glptt-`, `gldt-`, `glrt-`, `gloas-` |
| `slack_token` | `xoxb-`, `xoxa-`, `xoxp-`, `xoxr-`, `xoxs-`, `xapp-` |
| `slack_webhook` | `https://hooks.slack.com/services/T…/B…/…` |
| `stripe_key` | `sk_live_`, `rk_live_`, `sk_test_`, `rk_test_`, `whsec_` (Stripe's documented test keys excepted) |
| `openai_key` | `sk-proj-…`, `sk-svcacct-…`, `sk-admin-…`, legacy `sk-…T3BlbkFJ…` and `sk-` + 48 |
| `anthropic_key` | `sk-ant-api03-…`, `sk-ant-admin01-…` |
| `twilio_key` | Twilio account SIDs (`AC` + 32 hex) and API key SIDs (`SK` + 32 hex) |
| `sendgrid_key` | `SG.<22>.<43>` |
| `npm_token` | `npm_` + 36 |
| `pypi_token` | `pypi-AgE…` upload tokens |
| `docker_token` | Docker Hub personal access tokens `dckr_pat_…` |
| `keeptrusts_credential` | our own `kt_gk_`, `kt_api_`, `kt_gwt_` credentials |
| `private_key` | PEM/OpenSSH/PGP private key blocks (also inside JSON, e.g. GCP service-account files) |
| `jwt` | JSON Web Tokens (`eyJ….eyJ….…`) |
| `password_in_url` | the password of `scheme://user:password@host` URLs and DSNs |
| `password_assignment` | passwords assigned in .env, YAML, JSON, INI, code and SQL (`IDENTIFIED BY`) |
| `authorization_header` | credentials in `Authorization: Bearer …` / `Basic …` headers |
| `high_entropy_secret` | random-looking values (Shannon entropy) assigned to secret-like names (`api_key`, `client_secret`, `token`, …) |

Policies may add `custom_patterns`; their spans are typed by the pattern's name.

Placeholders stay clean: `YOUR_API_KEY`, `xxxx…`, `<token>`, `${SECRET}`, `{{ secret }}`, `sk-...`,
`changeme`, `password`, AWS's documented example keys, Stripe's documentation keys, values that are
code (`os.environ["X"]`, `get_password()`, `settings.SECRET`) or types (`password: str`).

Speed: each pattern runs only in windows around its literal needles (`ghp_`, `://`, `pass`, …), found
with plain substring search, so clean text costs a few scans. Every pattern is linear (bounded
repetitions, no nested quantifiers).
"""

from __future__ import annotations

import functools
import math
import re
import string
from collections import Counter
from typing import Callable

from keeptrusts.policy.detectors.textscan import WORD_TEXT_FROM, ascii_lower, needle_windows, word_text
from keeptrusts.policy.types import DetectorResult, Span

# --- placeholders -----------------------------------------------------------------------------

# Documented example credentials: flagging them would teach users to ignore the filter.
_DOCUMENTED_EXAMPLES = frozenset(
    {
        "AKIAIOSFODNN7EXAMPLE",
        "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        "AKIAI44QH8DHBEXAMPLE",
        "je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY",
        "sk_test_4eC39HqLyjWDarjtT1zdp7dc",
        "sk_test_BQokikJOvBiI2HlWgH4olfQ2",
        "pk_test_TYooMQauvdEDq54NiTphI7jx",
        "sk_test_26PHem9AhJZvU623DfE1x4sd",
        "rk_test_26PHem9AhJZvU623DfE1x4sd",
        "ACXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX",
    }
)

_PLACEHOLDER_WORDS = frozenset(
    """
    password passwd pass pwd secret secrets token apikey api_key key changeme change_me changeit
    example sample dummy fake test testing redacted removed hidden none null nil undefined empty
    true false yes no str string int integer bool boolean bytes optional required any object
    mypassword yourpassword my_password your_password mysecret yoursecret my_secret your_secret
    mytoken yourtoken your_token my_token xxx xxxx placeholder todo tbd fixme foo bar baz
    secretkey secret_key value default admin root user username guest postgres mysql
    """.split()
)

_PLACEHOLDER_MARKERS = re.compile(
    r"x{4,}|X{4,}|\*{3,}|\.{3}|…|<[^>]{0,40}>|\$\{|\{\{|\{%|%\(|%s\b|(?-i:\$[A-Z_]{3,})|"
    r"your[_-]|_here\b|example|placeholder|redacted|dummy|changeme|replace[_-]?me|"
    r"insert[_-]|\bfake|\bsample|0{8,}",
    re.IGNORECASE,
)


def is_placeholder(value: str) -> bool:
    """True for values a human wrote to stand for a secret rather than a secret itself."""
    stripped = value.strip("'\"`")
    if stripped in _DOCUMENTED_EXAMPLES:
        return True
    if stripped.lower() in _PLACEHOLDER_WORDS:
        return True
    if _PLACEHOLDER_MARKERS.search(stripped):
        return True
    # One repeated character (`aaaaaaaa`, `00000000`) is a placeholder too.
    return len(set(stripped)) <= 2


def shannon_entropy(value: str) -> float:
    """Bits per character of `value`'s own character distribution."""
    if not value:
        return 0.0
    n = len(value)
    return -sum(c / n * math.log2(c / n) for c in Counter(value).values())


_LOWER, _UPPER, _DIGITS = frozenset(string.ascii_lowercase), frozenset(string.ascii_uppercase), frozenset(string.digits)


def _char_classes(value: str) -> int:
    """How many of lowercase, uppercase, digits and other characters `value` uses."""
    chars = set(value)
    return bool(chars & _LOWER) + bool(chars & _UPPER) + bool(chars & _DIGITS) + bool(chars - _LOWER - _UPPER - _DIGITS)


_SEQUENCES = re.compile(r"(?i)1234567|abcdefg|qwerty")


def looks_random(value: str, min_len: int = 16) -> bool:
    """Random enough to be a generated secret, not a word, path, version or number."""
    if len(value) < min_len or value.isdigit() or _SEQUENCES.search(value):
        return False
    if re.fullmatch(r"[0-9a-fA-F-]+", value):
        # hex (digests, UUIDs): only 16 symbols, so a lower bar, but it must mix letters and digits
        return len(value) >= 20 and shannon_entropy(value) >= 3.0 and _char_classes(value) >= 2
    if _char_classes(value) < 2:
        return False
    # Identifiers, paths and dotted names are code, not secrets.
    if re.fullmatch(r"[A-Za-z][a-z]+(?:[_./:-][A-Za-z][a-z]+)*", value):
        return False
    return shannon_entropy(value) >= 3.5


# --- rules ------------------------------------------------------------------------------------

Validator = Callable[[str, "re.Match[str]", str], bool]


class _Rule:
    """One pattern of one detector, run only near its needles.

    `needles` are literals the match must contain (lowercase, or exact when `exact`); the pattern is
    searched only from `back` characters before a needle to `fwd` characters after it, so text
    without needles costs a few substring scans and stays linear however hostile it is.
    """

    __slots__ = ("name", "pattern", "group", "validate", "needles", "exact", "back", "fwd")

    def __init__(self, name: str, pattern: str, needles: tuple[str, ...], validate: Validator, group: int | str = 0,
                 *, exact: bool = False, back: int = 0, fwd: int = 400):
        self.name = name
        self.pattern = re.compile(pattern)
        self.needles = needles
        self.exact = exact
        self.group = group
        self.validate = validate
        self.back = back
        self.fwd = fwd


def _key_before(match: re.Match[str], text: str) -> str:
    """The whole key name ending at the matched secret word (`next_page_token` for `token`)."""
    start = match.start()
    lo = max(0, start - 60)
    head = re.search(r"[A-Za-z0-9_.-]*$", text[lo:start])
    return (head.group() if head else "") + match.group("k")


def _not_placeholder(value: str, match: re.Match[str], text: str) -> bool:
    return not is_placeholder(value)


def _random_token(value: str, match: re.Match[str], text: str) -> bool:
    # The prefix is fixed; judge the longest random-looking part.
    body = max(re.split(r"[_.-]", value), key=len)
    return not is_placeholder(value) and shannon_entropy(body) >= 3.0


def _aws_access_key(value: str, match: re.Match[str], text: str) -> bool:
    return not value.endswith("EXAMPLE") and not is_placeholder(value)


def _random_value(value: str, match: re.Match[str], text: str) -> bool:
    return not is_placeholder(value) and looks_random(value)


def _after(match: re.Match[str], text: str) -> str:
    return text[match.end() : match.end() + 1]


_VALIDATION_WORDS = frozenset(
    "invalid incorrect required missing wrong expired reset masked encrypted hashed blank weak strong "
    "ok sent changed updated forgotten protected secure mismatch match confirm confirmation".split()
)

# Values that are code, references or paths rather than literal secrets.
_CODE_VALUE = re.compile(
    r"""(?x)
    ^(?:os\.|process\.|env\.|self\.|this\.|settings\.|config\.|request\.|params\.|args\.|req\.|ctx\.|
       getenv|environ|secrets\.|vault\.|System\.|ENV\[|Deno\.|import\.meta)
    | ^[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)+$   # dotted.name
    | ^[=!&|@$%~/.\\]                                           # operators, references, paths
    """
)


def _password_value(value: str, match: re.Match[str], text: str) -> bool:
    if is_placeholder(value) or len(value) < 4 or value.lower() in _VALIDATION_WORDS:
        return False
    if match.group("q"):
        # "new_password" / "password-confirm" is a form field name, not a password.
        return not re.fullmatch(r"[a-z]+(?:[_-][a-z]+)+", value)
    if _CODE_VALUE.match(value) or _after(match, text) in ("(", "[", "."):
        return False
    if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", value):
        # A bare word is a secret in .env/YAML/INI (`DB_PASSWORD=hunter2`) but a variable in code
        # (`conn(password=pw)`, `password: newPassword`). Identifiers look like words joined by
        # `_` or camelCase humps; generated or human passwords mix in digits or odd capitals.
        if re.fullmatch(r"[a-z]+(?:_[a-z0-9]+)+|[a-z]+(?:[A-Z][a-z]+)+|[A-Z]+(?:_[A-Z0-9]+)+", value):
            return False
        if any(c.isdigit() for c in value) or not (value.islower() or value.isupper() or value.istitle()):
            return True
        line_start = text.rfind("\n", 0, match.start()) + 1
        prefix = text[line_start : match.start()].strip(" \t\"'")
        return prefix in ("", "-", "export", "set", "SET") and not value.islower()
    return True


_NOT_SECRET_KEYS = re.compile(r"(?i)(?:page|next|continuation|cursor|csrf|xsrf|sync|max|num|count)[_.-]?(?:token|key)|key[_.-]?id$|public")


def _generic_secret_value(value: str, match: re.Match[str], text: str) -> bool:
    if is_placeholder(value) or _NOT_SECRET_KEYS.search(_key_before(match, text)):
        return False
    if not match.group("q") and (_CODE_VALUE.match(value) or _after(match, text) in ("(", "[")):
        return False
    if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)+", value):
        return False
    return looks_random(value)


def _url_password(value: str, match: re.Match[str], text: str) -> bool:
    return not is_placeholder(value) and value != match.group("user") and not value.startswith("$") and len(value) >= 3


def _pem_body(value: str, match: re.Match[str], text: str) -> bool:
    body = re.sub(r"-----[A-Z0-9 ]+-----|\\n|\\r|\s", "", value)
    return len(body) >= 40 and not is_placeholder(body[:64]) and shannon_entropy(body[:400]) >= 4.0


_AWS_KEY_ID = r"\b(?:AKIA|ASIA|ABIA|ACCA|AGPA|AIDA|AROA|AIPA|ANPA|ANVA|APKA|A3T[A-Z0-9])[A-Z2-7]{16}\b"
_AWS_SECRET_BARE = re.compile(r"(?<![A-Za-z0-9/+=])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])")
# name [quote] (: | = | := | =>) [quote] value   — bounded everywhere so it stays linear
_ASSIGN = (
    r"""["']?[ \t]{0,8}(?::=|=>|[:=])[ \t]{0,8}(?:(?P<q>["'`])|)"""
    r"""(?P<v>(?(q)[^\s"'`]|[^\s"'`,;<>{}()\[\]]){%d,256})(?(q)(?P=q))"""
)
_WORD_START = r"(?<![A-Za-z0-9])"
_SECRET_WORD = (
    r"(?P<k>(?<=[_-])key|api[_.-]?key|apikey|api[_.-]?secret|secret(?:[_.-]?key)?|client[_.-]?secret|access[_.-]?key"
    r"|auth[_.-]?token|access[_.-]?token|refresh[_.-]?token|bearer[_.-]?token|id[_.-]?token|token"
    r"|private[_.-]?key|signing[_.-]?key|encryption[_.-]?key|master[_.-]?key|session[_.-]?key|app[_.-]?key"
    r"|webhook[_.-]?secret|credentials?|license[_.-]?key|sas[_.-]?token|hmac[_.-]?key|salt)"
)
_PASSWORD_WORD = r"(?P<k>pgpassword|mysql_pwd|password|passwd|passphrase|pass|pwd)"
_TOKEN_TAIL = r"(?![A-Za-z0-9_-])"

_PEM_LABEL = r"-----BEGIN (?:[A-Z0-9]{1,12} ){0,3}PRIVATE KEY(?: BLOCK)?-----"
_AWS_PREFIXES = ("AKIA", "ASIA", "ABIA", "ACCA", "AGPA", "AIDA", "AROA", "AIPA", "ANPA", "ANVA", "APKA", "A3T")

RULES: tuple[_Rule, ...] = (
    _Rule("private_key",
          _PEM_LABEL + r"(?:[A-Za-z0-9+/=:,\- \t\r\n]|\\n|\\r){1,12000}?-----END (?:[A-Z0-9]{1,12} ){0,3}PRIVATE KEY(?: BLOCK)?-----",
          ("PRIVATE KEY",), _pem_body, exact=True, back=40, fwd=12100),
    _Rule("private_key",  # a BEGIN line whose END was cut off (truncated paste)
          _PEM_LABEL + r"(?:\\n|\s){1,4}[A-Za-z0-9+/=]{40,100}(?:(?:\\n|\s){1,4}[A-Za-z0-9+/=]{16,100}){0,200}",
          ("PRIVATE KEY",), _pem_body, exact=True, back=40, fwd=21000),
    _Rule("aws_access_key", _AWS_KEY_ID, _AWS_PREFIXES, _aws_access_key, exact=True, fwd=20),
    _Rule("aws_secret_key", _WORD_START + r"(?P<k>(?i:aws)[A-Za-z0-9_.-]{0,30}(?i:secret)[A-Za-z0-9_.-]{0,20})" + (_ASSIGN % 40),
          ("secret",), _random_value, "v", back=36, fwd=340),
    _Rule("gcp_api_key", r"AIza[0-9A-Za-z_-]{30,40}" + _TOKEN_TAIL, ("AIza",), _not_placeholder, exact=True, fwd=45),
    _Rule("azure_storage_key", r"(?:AccountKey|SharedAccessKey|SharedAccessSignature)=(?P<v>[A-Za-z0-9+/%]{30,120}={0,2})",
          ("AccountKey=", "SharedAccessKey=", "SharedAccessSignature="), _random_value, "v", exact=True, fwd=150),
    _Rule("azure_storage_key", r"[?&]sig=(?P<v>[A-Za-z0-9%+/]{30,120}(?:%3D|=){0,2})", ("sig=",), _random_value, "v", back=1, fwd=130),
    _Rule("azure_client_secret", r"(?<![A-Za-z0-9_~.-])[A-Za-z0-9_~.-]{3}[78]Q~[A-Za-z0-9_~.-]{31,34}(?![A-Za-z0-9_~.-])",
          ("8Q~", "7Q~"), _random_value, exact=True, back=4, fwd=40),
    _Rule("github_token", r"\bgh[pousr]_[A-Za-z0-9]{36,255}" + _TOKEN_TAIL, ("ghp_", "gho_", "ghs_", "ghu_", "ghr_"), _random_token,
          exact=True, fwd=260),
    _Rule("github_token", r"\bgithub_pat_[A-Za-z0-9_]{50,255}" + _TOKEN_TAIL, ("github_pat_",), _random_token, exact=True, fwd=270),
    _Rule("gitlab_token", r"\bgl(?:pat|ptt|dt|rt|oas|cbt|imt|ft|agent)-[A-Za-z0-9_-]{20,100}" + _TOKEN_TAIL,
          ("glpat-", "glptt-", "gldt-", "glrt-", "gloas-", "glcbt-", "glimt-", "glft-", "glagent-"), _random_token, exact=True, fwd=110),
    _Rule("slack_webhook",
          r"https://hooks\.slack\.com/(?:services|workflows|triggers)/T[A-Z0-9]{6,12}/[A-Z0-9]{6,14}/[A-Za-z0-9]{16,40}",
          ("hooks.slack.com",), _not_placeholder, exact=True, back=8, fwd=120),
    _Rule("slack_token", r"\bxox[baprse]-[0-9A-Za-z-]{10,250}" + _TOKEN_TAIL, ("xox",), _random_token, exact=True, fwd=260),
    _Rule("slack_token", r"\bxapp-\d-[A-Z0-9]{6,14}-\d{6,16}-[a-f0-9]{32,80}\b", ("xapp-",), _not_placeholder, exact=True, fwd=130),
    _Rule("stripe_key", r"\b(?:sk|rk)_(?:live|test)_[0-9A-Za-z]{20,255}" + _TOKEN_TAIL, ("sk_live_", "rk_live_", "sk_test_", "rk_test_"),
          _random_token, exact=True, fwd=270),
    _Rule("stripe_key", r"\bwhsec_[0-9A-Za-z]{24,64}" + _TOKEN_TAIL, ("whsec_",), _random_token, exact=True, fwd=75),
    _Rule("anthropic_key", r"\bsk-ant-(?:api|admin|sid|oat)\d{2}-[A-Za-z0-9_-]{20,200}" + _TOKEN_TAIL, ("sk-ant-",), _random_token,
          exact=True, fwd=220),
    _Rule("openai_key", r"\bsk-(?:proj|svcacct|admin|None)-[A-Za-z0-9_-]{20,250}" + _TOKEN_TAIL, ("sk-",), _random_token, exact=True, fwd=270),
    _Rule("openai_key", r"\bsk-[A-Za-z0-9]{20}T3BlbkFJ[A-Za-z0-9]{20}" + _TOKEN_TAIL, ("T3BlbkFJ",), _not_placeholder, exact=True, back=24, fwd=25),
    _Rule("openai_key", r"\bsk-[A-Za-z0-9]{32,64}" + _TOKEN_TAIL, ("sk-",), _random_value, exact=True, fwd=70),
    _Rule("twilio_key", r"\b(?:AC|SK)[0-9a-f]{32}\b", ("AC", "SK"), _random_value, exact=True, fwd=36),
    _Rule("sendgrid_key", r"\bSG\.[A-Za-z0-9_-]{16,32}\.[A-Za-z0-9_-]{30,64}" + _TOKEN_TAIL, ("SG.",), _not_placeholder, exact=True, fwd=110),
    _Rule("npm_token", r"\bnpm_[A-Za-z0-9]{36}" + _TOKEN_TAIL, ("npm_",), _random_token, exact=True, fwd=45),
    _Rule("pypi_token", r"\bpypi-AgE[A-Za-z0-9_-]{50,400}" + _TOKEN_TAIL, ("pypi-AgE",), _not_placeholder, exact=True, fwd=410),
    _Rule("docker_token", r"\bdckr_(?:pat|oat)_[A-Za-z0-9_-]{20,64}" + _TOKEN_TAIL, ("dckr_",), _random_token, exact=True, fwd=75),
    _Rule("keeptrusts_credential", r"\bkt_(?:gk|api|gwt)_[A-Za-z0-9_-]{32,64}" + _TOKEN_TAIL, ("kt_",), _random_token, exact=True, fwd=75),
    _Rule("jwt", r"\beyJ[A-Za-z0-9_-]{8,2000}\.eyJ[A-Za-z0-9_-]{8,8000}\.[A-Za-z0-9_-]{0,2000}" + _TOKEN_TAIL, ("eyJ",),
          _not_placeholder, exact=True, fwd=12100),
    _Rule("password_in_url",
          r"\b[A-Za-z][A-Za-z0-9+.-]{1,24}://(?P<user>[^\s:/@'\"]{0,64}):(?P<v>[^\s/'\"]{1,128})@(?=[A-Za-z0-9\[._-])",
          ("://",), _url_password, "v", exact=True, back=26, fwd=200),
    _Rule("authorization_header",
          r"(?i:authorization)[\"']?[ \t]{0,8}[:=][ \t]{0,8}[\"']?(?i:bearer|basic|token|bot)[ \t]{1,8}(?P<v>[A-Za-z0-9._~+/=-]{12,4096})",
          ("authorization",), _random_value, "v", fwd=4140),
    _Rule("password_assignment",
          r"(?i:IDENTIFIED[ \t]{1,8}BY|WITH[ \t]{1,8}PASSWORD)[ \t]{1,8}(?P<q>['\"])(?P<v>[^'\"\s]{3,128})(?P=q)",
          ("identified", "password"), _not_placeholder, "v", back=16, fwd=160),
    _Rule("password_assignment", _WORD_START + r"(?i:" + _PASSWORD_WORD + ")" + (_ASSIGN % 3),
          ("pass", "pwd"), _password_value, "v", back=6, fwd=290),
    _Rule("password_assignment",  # `--password hunter2` in command lines
          r"(?<=\s)--(?:password|pass|db-password)[ =](?P<q>['\"]?)(?P<v>[^\s'\"]{3,128})(?P=q)",
          ("--pass", "--db-pass"), _password_value, "v", fwd=160),
    _Rule("password_assignment",  # `mysql -u root -pS3cret`
          r"\bmysql(?:dump|admin)?\b[^\n]{0,120}?[ \t]-p(?P<q>['\"]?)(?P<v>[^\s'\"-][^\s'\"]{2,127})(?P=q)",
          ("mysql",), _password_value, "v", fwd=270),
    _Rule("high_entropy_secret", _WORD_START + r"(?i:" + _SECRET_WORD + ")" + (_ASSIGN % 16),
          ("key", "secret", "token", "credential", "salt"), _generic_secret_value, "v", back=20, fwd=300),
    _Rule("high_entropy_secret",  # HTTP headers that carry keys
          r"(?i:x-api-key|api-key|x-auth-token|x-access-token|private-token|ocp-apim-subscription-key)[\"']?[ \t]{0,8}[:=][ \t]{0,8}"
          r"[\"']?(?P<v>[A-Za-z0-9._~+/=-]{16,512})",
          ("api-key", "-token", "subscription-key"), _random_value, "v", back=28, fwd=560),
)

DETECTORS: tuple[str, ...] = tuple(dict.fromkeys(rule.name for rule in RULES))

def _aws_secrets_near_key_ids(text: str, ids: list[Span]) -> list[Span]:
    """A bare 40-character AWS secret is only recognisable next to its access key id."""
    spans = []
    for key in ids:
        lo, hi = max(0, key.start - 300), min(len(text), key.end + 300)
        for match in _AWS_SECRET_BARE.finditer(text, lo, hi):
            value = match.group()
            # Real secrets mix cases and digits; a 40-hex git SHA next to a key id is not one.
            if _char_classes(value) >= 3 and looks_random(value, 40) and not is_placeholder(value):
                spans.append(Span(match.start(), match.end(), "aws_secret_key"))
    return spans


def _overlaps(span: Span, taken: list[tuple[int, int]]) -> bool:
    return any(span.start < end and start < span.end for start, end in taken)


# Characters from commonest to rarest in prose (roughly): a needle is filed under its rarest one.
_COMMONEST_FIRST = " etaoinshrdlcumwfgypbvkjxqz,.TAISCWHBMPOFDNLRE-GUYJKVQXZ0123456789:=_/~"


def _rarity(char: str) -> int:
    index = _COMMONEST_FIRST.find(char)
    return len(_COMMONEST_FIRST) if index < 0 else index


@functools.lru_cache(maxsize=64)
def _needle_groups(rules: tuple[_Rule, ...]) -> tuple[tuple[tuple[str, tuple[str, ...]], ...], ...]:
    """The rules' distinct needles filed under their rarest character, for (exact, lowercase) rules:
    a text without that character (one memchr) holds none of the group's needles."""
    groups = []
    for exact in (True, False):
        by_char: dict[str, set[str]] = {}
        for needle in {needle for rule in rules if rule.exact == exact for needle in rule.needles}:
            by_char.setdefault(max(needle, key=_rarity), set()).add(needle)
        groups.append(tuple((char, tuple(sorted(needles))) for char, needles in sorted(by_char.items())))
    return tuple(groups)


def _needles_in(haystack: str, groups, words: str | None = None, exact: bool = False) -> set[str]:
    """The needles of `groups` in `haystack`. With `words` (textscan.word_text of the long text, lowercased),
    a letters-only needle is looked for among its distinct words: instead of the lowercased haystack, or
    first, lowercased, before the exact-case haystack (`AKIA` cannot be in a text without `akia`)."""
    if words is None:
        return {needle for char, needles in groups if char in haystack for needle in needles if needle in haystack}
    if exact:
        return {needle for char, needles in groups if char in haystack for needle in needles
                if not (needle.isascii() and needle.isalpha() and needle.lower() not in words) and needle in haystack}
    return {needle for char, needles in groups if char in haystack
            for needle in needles if needle in (words if needle.isalpha() else haystack)}


def _scan(text: str, rules: tuple[_Rule, ...], wanted: frozenset[str] | None) -> list[Span]:
    spans: list[Span] = []
    taken: list[tuple[int, int]] = []
    lowered = ascii_lower(text)
    # Most texts hold no needle of most rules: each distinct needle is looked for once (rules share
    # needles), only if the text has its rarest character, and a rule without one is skipped before
    # needle_windows builds its regions. Looking for needles is most of this detector's cost on a short answer.
    exact, lower = _needle_groups(rules)
    words = word_text(lowered) if len(lowered) >= WORD_TEXT_FROM else None
    present, present_lower = _needles_in(text, exact, words, exact=True), _needles_in(lowered, lower, words)
    if not present and not present_lower:
        return spans
    for rule in rules:
        haystack = text if rule.exact else lowered
        if (present if rule.exact else present_lower).isdisjoint(rule.needles):
            continue
        for lo, hi in needle_windows(haystack, rule.needles, rule.back, rule.fwd):
            for match in rule.pattern.finditer(text, lo, hi):
                value = match.group(rule.group)
                if not rule.validate(value, match, text):
                    continue
                span = Span(match.start(rule.group), match.end(rule.group), rule.name)
                if _overlaps(span, taken):
                    continue
                spans.append(span)
                taken.append((span.start, span.end))
                if rule.name == "aws_access_key" and (wanted is None or "aws_secret_key" in wanted):
                    for near in _aws_secrets_near_key_ids(text, [span]):
                        if not _overlaps(near, taken):
                            spans.append(near)
                            taken.append((near.start, near.end))
    return spans


def detect(
    text: str,
    detectors: frozenset[str] | None = None,
    custom_patterns: tuple[tuple[str, re.Pattern], ...] = (),
) -> DetectorResult:
    """Find secrets in `text`. `detectors` limits the built-in detectors (None = all)."""
    rules = RULES if detectors is None else tuple(
        r for r in RULES if r.name in detectors or (r.name == "aws_access_key" and "aws_secret_key" in detectors)
    )
    spans = [s for s in _scan(text, rules, detectors) if detectors is None or s.type in detectors]
    for name, pattern in custom_patterns:
        taken = [(s.start, s.end) for s in spans]
        for match in pattern.finditer(text):
            if match.end() > match.start():
                span = Span(match.start(), match.end(), name)
                if not _overlaps(span, taken):
                    spans.append(span)
    spans.sort(key=lambda s: (s.start, s.end))
    return DetectorResult(spans=spans, score=1.0 if spans else 0.0)


def findings(result: DetectorResult) -> dict[str, int]:
    """Counts keyed by detector name, as events carry them."""
    return dict(Counter(span.type for span in result.spans))
