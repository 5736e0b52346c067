"""Names in scripts without capital letters: Arabic, Hebrew, Devanagari, Thai, Chinese, Japanese
and Korean. (Cyrillic and Greek have capitals: pii_names' runs of capitalised words handle them.)

With no capital to mark a name, the evidence is:
- context: a title or honorific (السيد, מר, श्री, คุณ before; 先生, さん, 님 after), a greeting
  (مرحبا, שלום, नमस्ते, 你好, 안녕하세요), "my name is" in that language, a label (`姓名：`, `이름:`),
  a sign-off line, and the English context pii_names knows ("Hi", "cc:", "Contact:") in front;
- lexicon: known given names and surnames (given.txt, surnames.txt); a Chinese or Korean family
  name followed by given-name characters, a Japanese family name (east_asian.txt);
- a frequent word of the language (common_words_intl.txt.gz) is never taken for a name.
Texts without a character of these scripts never get here (`has_caseless_script`).
"""

import re
from functools import cache

from keeptrusts.policy.detectors import pii_names
from keeptrusts.policy.types import Span

_ARABIC = "\u0621-\u065f\u0670-\u06d3\u06fa-\u06ff\u0750-\u077f"
_HEBREW = "\u05d0-\u05ea\u05f0-\u05f2\u0591-\u05bd\u05bf\u05c1\u05c2\u05c4\u05c5\u05c7"
_DEVANAGARI = "\u0900-\u0963\u0971-\u097f"
_THAI = "\u0e01-\u0e3a\u0e40-\u0e4e"
_HANGUL = "\uac00-\ud7a3"
_HAN = "\u3005\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_KANA = "\u3041-\u3096\u30a1-\u30fc"
_KATAKANA = re.compile("[\u30a1-\u30fa\u30fc]{2,12}(?:\u30fb[\u30a1-\u30fa\u30fc]{1,12}){0,2}")

_ANY = re.compile(f"[{_ARABIC}{_HEBREW}{_DEVANAGARI}{_THAI}{_HANGUL}{_HAN}{_KANA}]")
_WORD = re.compile(
    f"(?P<ar>[{_ARABIC}]+)|(?P<he>[{_HEBREW}]+(?:[\"'\u05f3\u05f4][{_HEBREW}]+)?)|(?P<hi>[{_DEVANAGARI}]+)|"
    f"(?P<th>[{_THAI}]+)|(?P<ko>[{_HANGUL}]+)|(?P<cjk>[{_HAN}{_KANA}]+)"
)
_HAN_HEAD = re.compile(f"[{_HAN}]{{1,6}}")  # enough for any name, bounded for speed
_HAN_TAIL = re.compile(f"[{_HAN}]{{1,4}}$")
_KATAKANA_NAME = re.compile(
    "[\u30a1-\u30fa\u30fc]{2,10}\u30fb[\u30a1-\u30fa\u30fc]{2,12}(?=です|さん|様|氏|は|が|と|から|より|$)"
)
_SPACED_GIVEN = re.compile(f" [{_HAN}]{{1,3}}(?![{_HAN}])")

# Words that make the next word a name: titles, greetings, thanks, "my name is" (folded forms).
_CONTEXT_WORDS = {
    "ar": "السيد السيدة الاستاذ الاستاذة الدكتور الدكتورة د المهندس المهندسة الشيخ الاخ الاخت عزيزي عزيزتي "
          "مرحبا اهلا شكرا اسمي انا المحترم الموظف العميل للسيد والسيد سلام اقاي اقای خانم اقا جناب اسم يا",
    "he": "מר גברת ד\"ר דר פרופ' פרופ שלום היי תודה שמי לכבוד עו\"ד הגב' אני",
    "hi": "श्री श्रीमती सुश्री कुमारी डॉ डा नमस्ते नमस्कार प्रिय धन्यवाद आदरणीय शुक्रिया",
}
# "my name is" spans two words in Hindi: मेरा नाम X है.
_CONTEXT_PAIRS = {("मेरा", "नाम")}
_PARTICLES = {"ar": "بن بنت ابن ابو ام عبد ال ابي", "he": "בן בת", "hi": ""}
# Devanagari honorific after a name: राहुल जी.
_AFTER_WORDS = {"hi": "जी साहब भाई दीदी सर मैडम", "ar": "", "he": ""}

_THAI_TITLES = ("นางสาว", "น.ส.", "ดร.", "อาจารย์", "ดิฉันชื่อ", "ผมชื่อ", "ฉันชื่อ", "ชื่อ", "คุณ", "นาย", "นาง")
# After คุณ / นาย / นาง these begin ordinary words (คุณภาพ "quality", นายจ้าง "employer").
_THAI_NOT_NAME = (
    "ภาพ", "สมบัติ", "ค่า", "ธรรม", "ประโยชน์", "ลักษณะ", "วุฒิ", "ครู", "แม่", "พ่อ", "หมอ", "สามารถ", "ต้อง",
    "จะ", "ได้", "ควร", "มี", "เป็น", "ไม่", "ก็", "ช่วย", "อยาก", "ใช้", "ทำ", "เคย", "กำลัง", "ยัง", "คิด",
    "รู้", "ชอบ", "ลอง", "เอง", "ครับ", "ค่ะ", "คะ", "นะ", "แล้ว", "ว่า", "ที่", "และ", "หรือ", "กับ", "ให้", "จ้าง",
    "ก", "หน้า", "ฟ้า", "แบบ", "ทุน", "เล่น", "สกุล", "ผู้", "เรื่อง", "ไฟล์", "ข้อ",
)
_THAI_WORDS_AFTER = ("ครับ", "ค่ะ", "คะ", "นะ", "จ้ะ", "จ้า")

# Chinese and Japanese: honorifics written right after a name, and context written right before.
_CJK_AFTER = re.compile(
    "先生|女士|小姐|老师|老師|经理|經理|总监|總監|教授|医生|醫生|博士|同学|同學|主任|律师|律師|工程师|工程師|"
    "部长|部長|主管|师傅|師傅|同志|さん|さま|様|氏|くん|ちゃん|課長|社長|係長|殿|선생님"
)
_CJK_SURNAME_TITLES = frozenset("先生 女士 小姐 老师 老師 经理 經理 总监 總監 教授 医生 醫生 博士 律师 律師 工程师 工程師 主任 部长 部長 师傅 師傅".split())
_JA_HONORIFICS = frozenset("さん さま 様 氏 くん ちゃん 課長 社長 係長 殿".split())
_CJK_BEFORE = re.compile(
    "(?:(联系人姓名|联系人|聯絡人|负责人|負責人|收件人|发件人|寄件人|作者|申请人|经办人|签名|客户|客戶|用户|姓名|审批人|审核人|"
    "提交人|创建人|处理人|报告人|发起人|执行人|接收人|收货人|持卡人|开户人|户名|名字|"
    "担当者?|名前|氏名|宛先|差出人|お名前|顧客名|作成者|署名|推荐人|承認者|申請者|依頼者|報告者)[ \t]*[:：]"
    "|(?:尊敬的|亲爱的|親愛的|联系|聯繫|联络|通知|抄送|转给|轉給|交给|交給|询问|我叫|我的名字是|我的名字叫|名字叫|名叫|我是|"
    "谢谢|謝謝|感谢|感謝|你好|您好|致|私は|こんにちは))[ \t、，,]*"
)
# One character that ends a Chinese name in running text: function words and common verbs.
_ZH_STOP = frozenset("的是在了和与跟给让请找问由对被把向说也都要会将已还就")
# Characters that introduce a person: by, ask, let, give to, with, and, called.
_ZH_INTRO = frozenset("由请找问让给跟和与被向叫派同")
# What follows a person in running text: 李娜说, 陈伟负责, 王芳已经.
_ZH_PERSON_NEXT = ("说", "问", "表示", "负责", "提交", "回复", "认为", "同意", "建议", "指出", "提到", "确认", "审核", "审批",
                   "修复", "已经", "刚才", "今天", "明天", "昨天", "正在", "会", "将", "在", "的", "和", "也", "还", "发", "告诉")
# Japanese: a family name followed by a particle or honorific-less verb (山田が対応します).
# Family names that are first of all places (prefectures, Tokyo wards): only with an honorific.
_JA_PLACES = frozenset("福島 千葉 宮崎 石川 山口 中野 上野 市川 大塚 小山 長崎 熊本 新潟 静岡 広島 岡山 福岡 秋田 福井 長野".split())
_JA_PARTICLE = re.compile("([\u4e00-\u9fff\u3005]{1,2})?(?:です|でした|と申します|は|が|に|と|の|から|へ|も|を|より)")

# Korean: honorifics and particles after a name (attached or, for honorifics, as the next word).
_KO_TAIL = re.compile(
    "(?P<hon>님|씨|선생님|교수님|박사님|대리님?|과장님?|부장님?|팀장님?|사장님|이사님|대표님|고객님|기자)?"
    "(?P<part>께서는|께서|에게서|에게|한테|께|이랑|하고|과|와|랑|은|는|이|가|을|를|의|도|만|입니다|이에요|예요|이며|야|아)?"
)
_KO_CONTEXT = frozenset("안녕하세요 안녕하세요, 저는 제 이름은 이름 이름: 담당자 담당자: 작성자 작성자: 성명 성명: 보낸사람 받는사람 고객명 수신 발신 참조 감사합니다".split())
_KO_HONORIFIC_WORDS = frozenset("님 씨 선생님 교수님 박사님 대리 과장 부장 팀장 대리님 과장님 부장님 팀장님 사장님 이사님 대표님 고객님".split())


@cache
def _lexicon() -> dict:
    sections: dict[str, set[str]] = {}
    for line in (pii_names._DATA / "east_asian.txt").read_text(encoding="utf-8").splitlines():
        line = line.partition("#")[0]
        key, sep, items = line.partition(":")
        if sep:
            sections.setdefault(key.strip(), set()).update(items.split())
    fold = pii_names._fold_word
    return {
        **{k: frozenset(v) for k, v in sections.items()},
        "context": {s: frozenset(fold(w) for w in words.split()) for s, words in _CONTEXT_WORDS.items()},
        "particles": {s: frozenset(fold(w) for w in words.split()) for s, words in _PARTICLES.items()},
        "after": {s: frozenset(words.split()) for s, words in _AFTER_WORDS.items()},
    }


def warm_up() -> None:
    _lexicon()


def has_caseless_script(text: str) -> bool:
    if text.isascii():
        return False
    try:
        text.encode("latin-1")  # "Fernández": accents only, no other script (a C-speed copy)
        return False
    except UnicodeEncodeError:
        return _ANY.search(text) is not None


def _common(word: str) -> bool:
    return pii_names._fold(word) in pii_names._lexicon()["common"]


_PREFIX_LETTERS = {"he": "ולבהמשכ", "ar": "ولبفك"}


def _name_kind(word: str, script: str) -> str:
    """context, particle, given, surname, weak (a name that is also a frequent word), common, unknown."""
    lex, names = _lexicon(), pii_names._lexicon()
    key = pii_names._fold(word)
    if key in lex["context"].get(script, ()):
        return "context"
    if key in lex["particles"].get(script, ()):
        return "particle"
    known = key in names["given"] or key in names["surname"]
    common = key in names["common"]
    if not known and not common and len(key) >= 4 and key[0] in _PREFIX_LETTERS.get(script, ""):
        rest = key[1:]
        if rest in names["given"] and rest not in names["common"]:
            return "prefixed"  # the name after a one-letter conjunction or preposition
    if known:
        return "weak" if common else ("given" if key in names["given"] else "surname")
    if script == "ar" and key.startswith("ال") and len(key) >= 5 and not common:
        return "family"  # al-Khatib, al-Rashid: a family name after a given name
    return "common" if common else "unknown"


# ---------------------------------------------------------------------------------------------
# Spaced scripts: Arabic, Hebrew, Devanagari


def _spaced_names(text: str, words: list[tuple[int, int]], script: str) -> list[Span]:
    kinds = [_name_kind(text[s:e], script) for s, e in words]
    after = _lexicon()["after"].get(script, frozenset())
    strong = {0} if _english_context(text, words[0][0], words[-1][1]) else set()
    if _signature_line(text, words) and "common" not in kinds and "context" not in kinds:
        return [Span(words[0][0], words[-1][1], "name")]  # the whole line under a sign-off
    spans, i, n = [], 0, len(words)
    while i < n:
        kind = kinds[i]
        if kind == "context" or (i + 1 < n and (text[words[i][0]:words[i][1]], text[words[i + 1][0]:words[i + 1][1]]) in _CONTEXT_PAIRS):
            strong.add(i + 1 if kind == "context" else i + 2)
            i += 1
            continue
        is_strong = i in strong
        if kind == "prefixed":
            spans.append(Span(words[i][0] + 1, words[i][1], "name"))
            i += 1
            continue
        if is_strong and kind == "common" and _closes_phrase(text, words[i][1]) and _unprefixed(text[words[i][0] : words[i][1]], script):
            kind = "weak"  # أهلاً يزيد، : a name that is also a word, closed by the greeting's comma
        starts = kind in ("given", "surname") or (is_strong and kind in ("weak", "unknown", "family"))
        if not starts:
            i += 1
            continue
        if i > 0 and i - 1 not in strong and kinds[i - 1] == "unknown" and kind == "surname" and not _spans_end_at(spans, words[i - 1][0]):
            i -= 1  # יוסי כהן: an unknown given name before a known surname
            kind = kinds[i] = "given"
        j, known = i + 1, int(kind in ("given", "surname"))
        while j < n and j - i < 4 and kinds[j] in ("given", "surname", "weak", "particle", "family", "unknown"):
            if kinds[j] == "unknown" and not ((is_strong or known) and _unprefixed(text[words[j][0] : words[j][1]], script)):
                break  # بإصلاح "by fixing": a word with a clitic is not a family name
            known += kinds[j] in ("given", "surname", "family")
            j += 1
        while j - 1 > i and kinds[j - 1] == "particle":
            j -= 1
        honorific = j < n and text[words[j][0] : words[j][1]] in after
        if is_strong or honorific or kind == "given" or known >= 2 or (kind == "surname" and j - i >= 2):
            spans.append(Span(words[i][0], words[j - 1][1], "name"))
        i = j
    return spans


def _closes_phrase(text: str, end: int) -> bool:
    return end == len(text) or text[end] in ",،!.?:\n"


def _unprefixed(word: str, script: str) -> bool:
    """Arabic attaches 'and', 'by', 'for', 'so', 'like' to the next word: names rarely start so."""
    return script != "ar" or word[0] not in _PREFIX_LETTERS["ar"]


def _spans_end_at(spans: list[Span], position: int) -> bool:
    return bool(spans) and spans[-1].end >= position


def _english_context(text: str, start: int, end: int | None = None) -> bool:
    """`Hi أحمد`, `cc: 김민수`, `Contact: राहुल`, a title or label in front (pii_names' context), or
    an address right after: `王小明 <wang@example.cn>`."""
    if end is not None and pii_names._EMAIL_AFTER.match(text, end):
        return True
    return pii_names._left_context(text, start) == "strong"


def _signature_line(text: str, words: list[tuple[int, int]]) -> bool:
    """The phrase is alone on its line (at most four words) right after a sign-off line."""
    return len(words) <= 4 and pii_names._is_signature(text, words[0][0], words[-1][1])


# ---------------------------------------------------------------------------------------------
# Thai: no spaces between words; a name follows a title (คุณสมชาย ใจดี) or stands after a sign-off.


def _thai_names(text: str, words: list[tuple[int, int]]) -> list[Span]:
    spans, i, n = [], 0, len(words)
    names = pii_names._lexicon()
    strong = _english_context(text, words[0][0], words[-1][1]) or _signature_line(text, words)
    while i < n:
        s, e = words[i]
        word = text[s:e]
        title = next((t for t in _THAI_TITLES if word.startswith(t)), None)
        start = None
        if title is not None and len(word) - len(title) >= 2 and not word[len(title) :].startswith(_THAI_NOT_NAME):
            start = s + len(title)
        elif title is not None and word == title and i + 1 < n:
            i += 1
            s, e = words[i]
            start = s if not text[s:e].startswith(_THAI_NOT_NAME) else None
        elif (i == 0 and strong) or pii_names._fold(word) in names["given"]:
            start = s
        if start is None:
            i += 1
            continue
        end = e
        for suffix in _THAI_WORDS_AFTER:  # "คุณสมชายครับ": the polite particle is not the name
            if text.endswith(suffix, start, end) and end - start - len(suffix) >= 2:
                end -= len(suffix)
                break
        if i + 1 < n and end == e:
            ns, ne = words[i + 1]
            surname = text[ns:ne]
            if 3 <= len(surname) <= 16 and not surname.startswith(_THAI_NOT_NAME + _THAI_WORDS_AFTER):
                end, i = ne, i + 1
        spans.append(Span(start, end, "name"))
        i += 1
    return spans


# ---------------------------------------------------------------------------------------------
# Chinese and Japanese


def _is_zh_surname(chars: str) -> int:
    """Length of the Chinese family name `chars` starts with (0 if none)."""
    surnames = _lexicon()["zh_surnames"]
    if chars[:2] in surnames:
        return 2
    return 1 if chars[:1] in surnames else 0


def _ja_surname(chars: str) -> int:
    surnames = _lexicon()["ja_surnames"]
    return next((n for n in (3, 2, 1) if chars[:n] in surnames and len(chars) >= n), 0)


def _zh_full_name(chars: str) -> int:
    """Length of a Chinese full name at the start of `chars`: family name + one or two given-name
    characters, stopping before a character that starts a frequent word (张伟明天 -> 张伟)."""
    surname = _is_zh_surname(chars)
    if not surname:
        return 0
    given, end = _lexicon()["zh_given"], surname
    while end < len(chars) and end - surname < 2 and chars[end] in given and chars[end] not in _ZH_STOP:
        if end + 1 < len(chars) and _common(chars[end : end + 2]) and end > surname:
            break  # the character begins the next word
        end += 1
    if end == surname or (end < 3 and _common(chars[:end])):
        return 0  # 王国 is a word; 诸葛亮 is a famous person, still a name
    return end


def _name_before_honorific(run: str, position: int, honorific: str) -> tuple[int, int] | None:
    """The name written right before an honorific: 王小明先生, 田中さん, マイケルさん, 王经理."""
    offset = max(0, position - 40)
    before = run[offset:position].rstrip(" ")  # a window: an honorific per name must not make this quadratic
    katakana = _KATAKANA.search(before)
    while katakana and katakana.end() != len(before):
        katakana = _KATAKANA.search(before, katakana.end())
    if katakana:
        return offset + katakana.start(), position
    han = _HAN_TAIL.search(before)
    if han is None:
        return None
    chars = han.group()
    for length in (4, 3, 2):
        if len(chars) < length:
            continue
        tail = chars[-length:]
        if _ja_surname(tail) >= 2 or (_zh_full_name(tail) == length) or (honorific in _JA_HONORIFICS and _ja_surname(tail)):
            return position - length, position
    if honorific in _JA_HONORIFICS and len(chars) >= 2 and not _common(chars[-2:]) and not _common(chars[-3:]):
        return position - min(len(chars), 4), position  # 翔太くん: a given name the lists do not know
    if honorific in _CJK_SURNAME_TITLES and _is_zh_surname(chars[-1]) and not _common(chars[-2:] + honorific[:1]):
        return position - 1, position  # 王经理, 李老师: a family name and a title
    return None


def _name_after_context(text: str, start: int, label: bool) -> tuple[int, int] | None:
    """The name right after 尊敬的 / 我叫 / 姓名：."""
    katakana = _KATAKANA.match(text, start)
    if katakana:
        return katakana.span()
    han = _HAN_HEAD.match(text, start)
    if han is None:
        return None
    chars = han.group()
    given = _SPACED_GIVEN.match(text, han.end())
    if given and (label or _ja_surname(chars) >= 2):
        return start, given.end()  # 高橋 健太: family name, a space, given name
    if label and 2 <= len(chars) <= 4:
        return han.span()  # a label's value: the whole cell
    length = _zh_full_name(chars)
    if length and len(chars) <= 4 and not _common(chars):
        length = len(chars)
    if not length and _ja_surname(chars) >= 2:
        length = len(chars) if len(chars) <= 5 else _ja_surname(chars)  # 山田太郎と申します
    return (start, start + length) if length else None


def _cjk_names(text: str, start: int, end: int) -> list[Span]:
    run, spans = text[start:end], []
    if _english_context(text, start, end) or _signature_line(text, [(start, end)]):
        found = _name_after_context(text, start, label=False)
        if found:
            spans.append(Span(found[0], found[1], "name"))
    for m in _CJK_AFTER.finditer(run):
        found = _name_before_honorific(run, m.start(), m.group())
        if found:
            spans.append(Span(start + found[0], start + found[1], "name"))
    if not spans and re.search("[\u3041-\u3096]", run):
        spans = _ja_surname_spans(run, start)
        # ジョン・スミスが: a foreign name in katakana, its parts joined by a middle dot.
        spans += [Span(start + m.start(), start + m.end(), "name") for m in _KATAKANA_NAME.finditer(run)]
    if not spans and 2 <= len(run) <= 4 and (_zh_full_name(run) == len(run) or _ja_surname(run) >= 2):
        return [Span(start, end, "name")]  # a cell, a vocative (陈伟，…), a name between punctuation
    if not spans:
        # A Chinese full name in running text: family name + given-name characters, no frequent
        # word across it; two characters only after a word that introduces a person (由李娜完成).
        i = 0
        while i < len(run) - 1:
            length = _zh_full_name(run[i:]) if i == 0 or run[i - 1] in _ZH_STOP or run[i - 1] in _ZH_INTRO else 0
            if length == 3 and _common(run[i + 1 : i + 3]):
                length = 0
            if length == 2 and not (i > 0 and run[i - 1] in _ZH_INTRO) and not run.startswith(_ZH_PERSON_NEXT, i + 2):
                length = 0
            if length in (2, 3):
                spans.append(Span(start + i, start + i + length, "name"))
                i += length
            else:
                i += 1
    return spans


def _ja_surname_spans(run: str, start: int) -> list[Span]:
    """山田が対応します, 佐藤花子は: a known Japanese family name (two or more characters) at a
    word start, followed by a particle."""
    spans, i = [], 0
    while i < len(run) - 2:
        if i == 0 or not ("\u4e00" <= run[i - 1] <= "\u9fff"):
            length = _ja_surname(run[i:])
            m = _JA_PARTICLE.match(run, i + length) if length >= 2 and run[i : i + length] not in _JA_PLACES else None
            if m:
                spans.append(Span(start + i, start + i + length + len(m.group(1) or ""), "name"))
                i = m.end()
                continue
        i += 1
    return spans


def _cjk_context_names(text: str) -> list[Span]:
    spans = []
    for m in _CJK_BEFORE.finditer(text):
        found = _name_after_context(text, m.end(), label=m.group(1) is not None)
        if found:
            spans.append(Span(found[0], found[1], "name"))
    return spans


# ---------------------------------------------------------------------------------------------
# Korean


def _ko_parses(word: str) -> list[tuple[str, bool]]:
    """(core, has honorific) for each way to read `word` as name + honorific + particle, the
    three-syllable core first (김지은 is 김지은, not 김지 + the particle 은)."""
    parses = []
    for length in (3, 2, 4):
        m = _KO_TAIL.fullmatch(word, length) if len(word) >= length else None
        if m is not None:
            parses.append((word[:length], m.group("hon") is not None))
    return parses


def _ko_name_shaped(core: str, strong: bool) -> bool:
    lex = _lexicon()
    if _common(core) or not 2 <= len(core) <= 4:
        return False
    surname = 2 if core[:2] in lex["ko_surnames"] else (1 if core[0] in lex["ko_surnames"] else 0)
    given = core[surname:]
    if surname and 1 <= len(given) <= 2 and all(ch in lex["ko_given"] for ch in given):
        return True
    return strong and len(core) == 2 and all(ch in lex["ko_given"] for ch in core)  # 민수님, 지은 씨


def _korean_names(text: str, words: list[tuple[int, int]]) -> list[Span]:
    spans = []
    previous = ""
    for i, (s, e) in enumerate(words):
        word = text[s:e]
        strong = previous in _KO_CONTEXT or (i == 0 and (_english_context(text, s, words[-1][1]) or _signature_line(text, words)))
        following = text[words[i + 1][0] : words[i + 1][1]] if i + 1 < len(words) else ""
        for core, honorific in _ko_parses(word):
            honorific = honorific or following in _KO_HONORIFIC_WORDS or following.startswith(("님", "씨", "드림"))
            # With context any name shape; without, a full name + particle (김민수가, 박서준의).
            if ((honorific or strong) and _ko_name_shaped(core, True)) or (len(core) == 3 and _ko_name_shaped(core, False)):
                spans.append(Span(s, s + len(core), "name"))
                break
        previous = word.rstrip(",")
    return spans


# ---------------------------------------------------------------------------------------------


def find_names(text: str) -> list[Span]:
    """Names in the caseless scripts of `text` (callers check `has_caseless_script` first)."""
    spans: list[Span] = []
    words = [(m.start(), m.end(), m.lastgroup) for m in _WORD.finditer(text)]
    i = 0
    while i < len(words):
        script = words[i][2]
        if script == "cjk":
            spans.extend(_cjk_names(text, words[i][0], words[i][1]))
            i += 1
            continue
        # A phrase: words of one script separated by single spaces.
        j = i + 1
        while j < len(words) and words[j][2] == script and text[words[j - 1][1] : words[j][0]] in (" ", "\u00a0"):
            j += 1
        phrase = [(s, e) for s, e, _ in words[i:j]]
        if script == "th":
            spans.extend(_thai_names(text, phrase))
        elif script == "ko":
            spans.extend(_korean_names(text, phrase))
        else:
            spans.extend(_spaced_names(text, phrase, script))
        i = j
    if any(w[2] == "cjk" for w in words):
        spans.extend(_cjk_context_names(text))
    spans.sort(key=lambda span: (span.start, -span.end))
    return [span for k, span in enumerate(spans) if k == 0 or span.start >= spans[k - 1].end]


def value_is_name(value: str, generic_key: bool) -> bool:
    """A JSON/CSV value in a caseless script under a person key (`customer_name`), or under a
    generic `name` key when it reads as a person's name (王小明, 김민수, محمد علي)."""
    value = value.strip()
    words = value.split()
    if not 1 <= len(words) <= 4 or len(value) > 40:
        return False
    spans = [m for m in _WORD.finditer(value)]
    letters = sum(m.end() - m.start() for m in spans)
    if letters + len(words) - 1 + value.count("\u30fb") + value.count("·") < len(value) - value.count(".") or not spans:
        return False  # digits, Latin or punctuation mixed in: a product or an id
    if not generic_key:
        return True  # `customer_name`, `display_name`: the key says it is a person
    if all(_common(w) for w in words) and not _ja_surname(value):
        return False
    script = spans[0].lastgroup
    if script == "cjk":
        return bool(_KATAKANA.fullmatch(value) or (2 <= len(value) <= 4 and (_zh_full_name(value) or _ja_surname(value) >= 2)))
    if script == "ko":
        return all(_ko_name_shaped(w, False) or _ko_name_shaped(w, True) for w in words[:1])
    if script == "th":
        return len(words) == 2 or pii_names._fold(words[0]) in pii_names._lexicon()["given"]
    kinds = [_name_kind(w, script) for w in words]
    # Or two or more words, at most one of them a frequent word: يزيد الحلبي, נוי בן עמי.
    return any(k in ("given", "surname", "weak") for k in kinds) or (
        len(words) >= 2 and "context" not in kinds and kinds.count("common") <= 1
        and any(k in ("unknown", "family") for k in kinds)
    )
