"""`content-filter`: harmful or biased text, a 0–1 score per category.

Leaf categories: `violence`, `self-harm`, `illegal` (together `harmful`), `hate`, `harassment`
(together `biased`) and `sexual`. An umbrella's score is the max of its leaves. Spans are typed by
leaf category.

What counts is intent and target, not vocabulary: "how do I make a pipe bomb", "I'm going to
kill you", "kill yourself", "<group> are vermin", "write an explicit sex scene". Words alone
("bomb", "overdose", "shot", "exploit") score nothing, so clinical notes ("the patient overdosed
on…"), history ("the 1944 bombing of…"), security research ("this CVE allows remote code
execution") and news ("police said the suspect was shot") pass. Reporting, clinical, historical,
fictional and moderation framing lowers what remains.

Beyond fixed patterns, cue rules generalise to new phrasings: an act (anchor) counts only when the
cues it needs all appear around it — who asks for it or means to do it, whom it targets, or that it
must stay hidden — and no nearby word makes it technical ("kill the process"). Each cue is an open
vocabulary, so "where should I hit someone with a hammer to knock them out for good" needs no
phrase of its own.

Slurs are matched by SHA-256 digest, so the source holds no slur list in clear text.

Each category's score is the higher of the rules' and the learned classifier's (`classifier.py`):
the classifier reads phrasings no rule lists, and when it is what set a category's score the
reasons say `classifier` (it has no spans).
"""

from __future__ import annotations

import functools
import hashlib
import re

from keeptrusts.policy.detectors import classifier
from keeptrusts.policy.detectors.textscan import Triggers, ascii_lower, lowercase_pattern, words_of
from keeptrusts.policy.types import DetectorResult, Span

CATEGORIES = ("harmful", "biased", "hate", "harassment", "self-harm", "sexual", "violence", "illegal")
UMBRELLAS = {"harmful": ("violence", "self-harm", "illegal"), "biased": ("hate", "harassment")}
LEAVES = ("violence", "self-harm", "illegal", "hate", "harassment", "sexual")

# --- vocabulary ---------------------------------------------------------------------------------

_PEOPLE = (
    r"(?:you|him|her|them|everyone|everybody|all of you|people|someone|somebody|a person|a man|a woman|a child|a kid|kids|children|"
    r"my (?:\w+ )?(?:wife|husband|boss|teacher|family|neighbou?r|ex|mom|mum|dad|mother|father|sister|brother|coworker|co-worker|colleague|roommate|girlfriend|boyfriend|son|daughter|classmates?|manager|landlord)|"
    r"the (?:teacher|boss|president|neighbou?r|kids|children|students|police|cops|judge|senator|mayor|manager|landlord))"
)
_GROUPS = (
    r"(?:jews|jewish people|muslims|christians|catholics|hindus|sikhs|buddhists|atheists|blacks|black people|whites|white people|"
    r"asians|asian people|chinese people|the chinese|mexicans|latinos|hispanics|arabs|africans|indians|immigrants|refugees|migrants|"
    r"gays|gay people|lesbians|homosexuals|trans people|transgender people|bisexuals|women|females|men|gypsies|roma|"
    r"disabled people|the disabled|autistic people|foreigners|poles|russians|ukrainians|palestinians|israelis|irish people)"
)
_HOWTO = r"(?:how (?:to|do (?:i|you|we)|can (?:i|you|we|one)|would (?:i|you|one)|should i)|ways? to|steps to|instructions (?:for|to|on)|guide (?:to|for|on)|teach me(?: how)? to|tell me how to|explain how to|help me)"
_MAKE = r"(?:make|build|construct|assemble|create|produce|manufacture|cook|synthesi[sz]e|brew|prepare|craft|get|obtain|acquire|buy)"
_WEAPONS = (
    r"(?:(?:a |an )?(?:pipe |nail |car |fertili[sz]er |homemade |dirty |suicide )?bombs?|explosives?|(?:an )?ied|molotov(?: cocktails?)?|grenades?|napalm|thermite|detonators?|"
    r"nerve (?:agent|gas)|sarin|vx|ricin|anthrax|mustard gas|chlorine gas|toxic gas|poison gas|bio-?weapons?|chemical weapons?|dirty bomb|"
    r"ghost guns?|untraceable (?:gun|firearm)s?|silencers?|suppressors?|zip guns?|a gun (?:at home|without a serial))"
)
_DRUGS = r"(?:meth|methamphetamine|crystal meth|crack(?: cocaine)?|cocaine|heroin|fentanyl|lsd|mdma|ecstasy|ghb|dmt|pcp|ketamine|opium|krokodil)"

_CHILD_TRIGGERS = ("erotic", "sexual", "sexy", "nude", "naked", "explicit", "porn", "lewd", "nsfw", "sex", "cp")
# Exact words ("$"): as prefixes, "men" or "trans" would fire on "mention" and "transaction".
_GROUP_TRIGGERS = tuple(
    word + "$"
    for word in "jew jews jewish muslim muslims christians catholics hindus sikhs buddhists atheists black blacks white whites asian asians "
    "chinese mexicans latinos hispanics arabs africans indians immigrants refugees migrants gay gays lesbians homosexuals trans transgender "
    "bisexuals women females men gypsies roma disabled autistic foreigners poles russians ukrainians palestinians israelis irish".split()
)
_CHILD_SEXUAL = (
     r"\b(?:sexual|sexy|nude|naked|explicit|erotic|porn\w*|nsfw|lewd)\s+(?:[\w-]+\s+){0,5}?(?:child(?:ren)?|minors?|underage|preteens?|kids?|loli|(?:1[0-5]|[5-9])[- ]?(?:year[- ]old|yo)s?)\b|"
     r"\b(?:child(?:ren)?|minors?|underage|preteens?|kids?|(?:1[0-5]|[5-9])[- ]?(?:year[- ]old|yo))\s+(?:\w+\s+){0,2}?(?:porn\w*|nudes?|naked (?:pics|photos|pictures)|sex (?:videos?|pics|photos)|erotica)\b|\bcp (?:links?|videos?|trading)\b"
)


def _whole(words: str) -> tuple[str, ...]:
    """Triggers for exact words (see `Triggers`)."""
    return tuple(word + "$" for word in words.split())


# (category, weight, trigger word prefixes, pattern source[, near, unless, needs]). Patterns run on lowercased
# text. Triggers that are prefixes fire on unrelated words ("stab" on "stable"); a rule whose pattern needs
# whole words also lists them as `needs`, so such a text skips its pattern. A needed word is taken only
# where the pattern puts a non-letter on both sides of it (or it is a prefix trigger), never at a match's
# end: a match in a window (`_matches`, `counts_at`) may end where the window cuts a longer word.
_RULES: list[tuple[str, float, tuple[str, ...], str]] = [
    # violence: instructions for weapons, plans and threats against people
    ("violence", 0.9, ("bomb", "explos", "ied", "molotov", "grenade", "napalm", "thermite", "detonat", "nerve", "sarin", "vx", "ricin",
                       "anthrax", "gas", "weapon", "gun", "silencer", "suppressor"),
     rf"\b{_HOWTO}\s+(?:\w+\s+){{0,3}}?{_MAKE}\s+(?:\w+\s+){{0,2}}?{_WEAPONS}\b"),
    ("violence", 0.9, ("kill", "murder", "poison", "strangl", "stab", "shoot", "hurt", "attack", "torture", "kidnap", "drown", "suffocat", "beat"),
     rf"\b(?:{_HOWTO}|best way to|easiest way to|quickest way to|fastest way to|i want to|i need to|i'm going to|i am going to|i'm gonna|i will|i'll|going to)\s+"
     rf"(?:\w+\s+){{0,2}}?(?:kill|murder|poison|strangle|stab|shoot|hurt|attack|torture|kidnap|drown|suffocate|beat up|run over)\s+{_PEOPLE}\b",
     (), None, _whole("kill murder poison strangle stab shoot hurt attack torture kidnap drown suffocate beat run")),
    ("violence", 0.85, ("kill", "murder", "shoot", "stab", "bomb", "blow", "burn", "hurt", "strangl", "slit", "rape", "behead"),
     r"\b(?:i(?:'m| am)? (?:going to|gonna|will|'ll|want to|wanna)|we(?:'re| are)? (?:going to|gonna|will)|i'll)\s+(?:\w+\s+){0,2}?"
     r"(?:kill|murder|shoot|stab|bomb|blow up|burn down|hurt|strangle|slit|rape|behead|end)\s+(?:you|him|her|them|your\b|his\b|their\b|everyone|all of you|the whole|that (?:bitch|bastard)|my (?:\w+ )?(?:wife|husband|boss|teacher|family|neighbou?r|ex|mom|dad|coworker|classmates?|landlord))",
     (), None, _whole("kill murder shoot stab bomb blow burn hurt strangle slit rape behead end")),
    ("violence", 0.9, ("shoot", "bomb", "attack", "massacre", "shooting"),
     r"\b(?:shoot up|bomb|attack|blow up|massacre|open fire (?:at|on|in))\s+(?:a|the|my|our|this|that)\s+(?:\w+\s+)?(?:school|church|mosque|synagogue|temple|mall|concert|crowd|office|classroom|hospital|parade|stadium)\b"
     r"(?![^.\n]{0,40}\b(?:in|on) (?:19|20)\d\d)"),
    ("violence", 0.75, ("dispose of", "get rid of a", "get rid of the", "hide a body", "hide the body", "corpse", "without getting caught", "without leaving", "without being"),
     r"\b(?:dispose of|get rid of|hide|dissolve|bury)\s+(?:a|the|his|her)\s+(?:dead )?(?:body|bodies|corpse)\b|\b(?:kill|murder|poison|hurt|stab|shoot)\w*\s+(?:\w+\s+){0,4}?without (?:getting caught|leaving (?:any )?evidence|being (?:caught|detected|traced))"),
    ("violence", 0.7, ("die", "killed", "shot", "hanged", "lynched", "executed", "burn"),
     rf"\b(?:{_PEOPLE}|they|he|she|those people)\s+(?:deserves?|should|ought to|needs? to)\s+(?:to\s+)?(?:die|be killed|be shot|be hanged|be lynched|be executed|burn)\b(?![^.\n]{{0,30}}\b(?:in the (?:game|movie|film|novel|book|story)|npc))"),
    ("violence", 0.7, ("know where you live", "watch your back", "coming for you", "find you", "hunt you", "going to die", "gonna die", "going to regret", "gonna regret", "going to pay", "gonna pay"),
     r"\bi know where you live\b|\bwatch your back\b|\bi(?:'m| am) coming for you\b|\bi(?:'ll| will) (?:find|hunt) you\b|\byou(?:'re| are) (?:going to|gonna) (?:die|regret|pay)\b"),
    ("violence", 0.8, ("poison", "toxic gas", "bleach and ammonia"),
     r"\b(?:{_HOWTO}|how much)\s+(?:\w+\s+){0,4}?(?:poison (?:someone|a person|my|him|her|them|food|a drink|water supply)|toxic gas at home|mix bleach and ammonia to)\b".replace("{_HOWTO}", _HOWTO)),
    # self-harm: intent, method-seeking and encouragement
    ("self-harm", 0.95, ("myself", "suicid", "my life", "it all", "dead", "want to live", "want to be alive", "wake up", "no reason to", "better off", "want to die", "wanna die", "wrists"),
     r"\b(?:i (?:want|wanna|need|am going|'m going|plan|intend|decided|have decided|am thinking about|'m thinking about|keep thinking about|think i should|feel like i (?:should|want to))\s*(?:to\s+)?"
     r"(?:kill myself|end (?:my life|it all|it|things)|die|commit suicide|hang myself|overdose|cut myself|hurt myself|harm myself|jump off|slit my wrists|not (?:be alive|exist|wake up)))|"
     r"\b(?:kill myself|killing myself|end my (?:own )?life|ending my life|commit(?:ting)? suicide|take my own life|taking my own life|slit(?:ting)? my wrists|hang(?:ing)? myself|"
     r"(?:cutting|hurting|harming|burning|starving) myself|self-?harming again|"
     r"i (?:wish|hope) i (?:was|were) dead|i don'?t want to (?:live|be alive|wake up)|no reason to (?:live|go on)|better off (?:dead|without me)|want to die|wanna die)\b"),
    ("self-harm", 0.95, ("pill", "tylenol", "paracetamol", "acetaminophen", "dose", "overdos", "lethal", "painless", "suicid", "method", "die", "kill"),
     r"\b(?:how (?:many|much)\s+(?:\w+\s+){0,3}?(?:to|would it take to|does it take to|until i|before i)\s+(?:die|overdose|kill (?:myself|yourself|a person)|od)|"
     r"(?:lethal|fatal) dose of\s+\w+\s+(?:for|to kill) (?:me|myself|a person|someone|a human)|"
     r"(?:most )?painless (?:way|method)s? to (?:die|kill (?:myself|yourself)|commit suicide|end (?:it|my life))|"
     r"(?:best|easiest|quickest|fastest|surest) (?:way|method)s? (?:to|of) (?:commit(?:ting)? suicide|kill(?:ing)? (?:myself|yourself)|end(?:ing)? (?:my|your) life)|"
     r"{_HOWTO}\s+(?:commit suicide|kill (?:myself|yourself)|cut (?:myself|yourself)|hang (?:myself|yourself)|overdose))".replace("{_HOWTO}", _HOWTO)),
    ("self-harm", 0.9, ("kill yourself", "kill urself", "kys", "commit suicide", "hang yourself", "slit your", "go die", "end your life", "drink bleach", "jump off"),
     r"\b(?:go |just |you should |u should |why don'?t you |pls |please )?(?:kill yourself|kill urself|kys|commit suicide|hang yourself|slit your wrists|go die|end your life|drink bleach|jump off a (?:bridge|cliff|building))\b"
     r"(?![^.\n]{0,20}\b(?:process|command|signal))"),
    ("self-harm", 0.8, ("starv", "purg", "anorex", "bulimi", "thinspo", "eat", "calor", "vomit"),
     r"\b(?:tips (?:to|for) (?:starv\w+|purg\w+|hid\w+ (?:my|an) eating disorder)|how to (?:starve myself|purge|make myself (?:throw up|vomit)|hide (?:my )?(?:eating disorder|self-harm|cuts|scars))|pro-?(?:ana|mia)\b|thinspo\w*|eat (?:less than|under) [1-5]\d\d calories)"),
    # illegal: drugs, fraud, intrusion, theft, weapons trafficking, child exploitation
    ("illegal", 0.9, ("meth", "crack", "cocain", "heroin", "fentanyl", "lsd", "mdma", "ecstasy", "ghb", "dmt", "pcp", "ketamin", "opium", "krokodil", "drug"),
     rf"\b{_HOWTO}\s+(?:\w+\s+){{0,3}}?(?:{_MAKE}|grow|extract|smuggle|sell|deal|traffic)\s+(?:\w+\s+){{0,2}}?(?:{_DRUGS}|(?:illegal )?drugs)\b|"
     rf"\b(?:buy|order|get|score|purchase)\s+(?:some\s+)?{_DRUGS}\s+(?:online|on the dark ?web|without (?:a )?prescription|from a dealer)|\b(?:cook|synthesi[sz]e)\w*\s+(?:\w+\s+)?(?:meth|methamphetamine|fentanyl)\b"),
    ("illegal", 0.85, ("hack", "break into", "get into", "log into", "logging into", "sneak into", "spy on", "crack", "bypass", "get around", "track my", "track her", "track his", "read my", "read her", "read his", "read someone"),
     r"\b(?:hack|break|get|log|sneak)\w*\s+into\s+(?:my\s+(?:ex|wife|husband|girlfriend|boyfriend|partner|boss|neighbou?r|coworker)\w*(?:'s)?|someone(?:'s| else'?s)|another person'?s|his|her|their|a (?:stranger|celebrity)'?s?)\s+(?:\w+\s+)?(?:account|email|phone|instagram|facebook|snapchat|icloud|gmail|whatsapp|computer|bank|wifi|wi-fi|network|router|laptop|camera|webcam|pc|server|house|car)|"
     r"\b(?:spy on|track|read)\s+(?:my\s+(?:wife|husband|girlfriend|boyfriend|partner|ex)|someone(?:'s)?|her|his)\s+(?:\w+\s+){0,2}?(?:texts|messages|phone|location|whatsapp)\s+without (?:them|her|him) (?:knowing|noticing)|"
     r"\b(?:crack|bypass|get around)\s+(?:my\s+\w+'s|someone'?s|her|his)\s+(?:password|passcode|pin|2fa)"),
    ("illegal", 0.85, ("steal", "launder", "counterfeit", "forge", "embezzl", "shoplift", "skim", "scam", "defraud", "evade", "dodge", "brib", "pickpocket", "phishing", "stolen", "cloned", "carding", "fake"),
     rf"\b(?:{_HOWTO}|best way to|easiest way to)\s+(?:\w+\s+){{0,3}}?(?:steal|launder|counterfeit|forge|fake|embezzle|shoplift|skim|scam|defraud|evade|dodge|bribe|pickpocket|commit)\s+"
     r"(?:\w+\s+){0,3}?(?:money|cash|credit cards?|card numbers|identit(?:y|ies)|passports?|ids?|driver'?s licen[cs]es?|documents|bills|currency|taxes|the irs|police|customs|an? (?:official|cop|judge)|insurance|fraud|elderly|old people|people|from|a car|cars|goods|items|stores?|shops?)\b|"
     r"\b(?:write|create|make|draft|design)\s+(?:me\s+)?(?:a|an)\s+(?:convincing\s+)?phishing (?:email|page|site|message|text)\s+(?:to|that)\s+(?:steal|trick|get|harvest|capture)|"
     r"\b(?:sell|buy|use)\s+(?:stolen|cloned)\s+(?:credit cards?|card numbers|identities|accounts|cvv)|\bcarding (?:tutorial|method|guide)"),
    ("illegal", 0.8, ("ransomware", "keylogger", "malware", "virus", "botnet", "ddos", "trojan", "stealer", "worm", "take down", "knock offline", "flood"),
     r"\b(?:write|create|build|make|code|develop|give me|generate)\s+(?:me\s+)?(?:a |an |some |working )?(?:\w+\s+)?(?:ransomware|keylogger|credential stealer|info-?stealer|password stealer|botnet|trojan|remote access trojan|computer virus|worm|malware)\b"
     r"(?![^.\n]{0,60}\b(?:detect|detection|signature|yara|analy[sz]|defen[cs]|classif|sandbox|for (?:our|a) (?:ctf|class|course|lab)))|"
     r"\b(?:ddos|take down|knock offline|flood)\s+(?:my\s+)?(?:competitor|rival|ex|a|an|the|someone)'?s?\s+(?:\w+\s+)?(?:website|site|server|game server|business)"),
    ("illegal", 0.8, ("full auto", "full-auto", "fully auto", "fully-auto", "machine gun", "serial number", "background check", "automatic"),
     r"\b(?:convert|modify|turn)\s+(?:my\s+|an?\s+|the\s+)?(?:ar-?15|glock|semi-?auto\w*|rifle|pistol|gun)\s+(?:\w+\s+)?(?:to|into)\s+(?:full(?:y)?[- ]auto\w*|a machine gun|automatic)|"
     r"\b(?:remove|file off|scratch off|erase)\s+(?:the\s+)?serial numbers?\s+(?:from|off|on)\s+(?:a|my|the)\s+(?:gun|firearm|pistol|rifle)|\bbuy (?:a )?(?:gun|firearm|weapon)s? without (?:a )?(?:background check|license|id)"),
    ("illegal", 1.0, _CHILD_TRIGGERS, _CHILD_SEXUAL),
    ("sexual", 0.95, _CHILD_TRIGGERS, _CHILD_SEXUAL),
    # hate: dehumanising generalisations, calls for exclusion or violence, declared hatred
    ("hate", 0.9, _GROUP_TRIGGERS,
     rf"\b(?:all\s+|most\s+|those\s+|these\s+|the\s+|fucking\s+|filthy\s+|dirty\s+)?{_GROUPS}\s+(?:are|is)\s+(?:all\s+|just\s+|nothing but\s+|like\s+|basically\s+|a bunch of\s+)?(?:an?\s+)?"
     r"(?:animals|vermin|subhuman|sub-human|parasites|cockroaches|rats|savages|apes|monkeys|pigs|dogs|filth|scum|trash|garbage|inferior|genetically inferior|a disease|a cancer|a plague|an infestation|"
     r"evil|dirty|disgusting|criminals|rapists|terrorists|thieves|degenerates|mentally ill|abominations?|less than human|not (?:real )?(?:people|human))\b"),
    ("violence", 0.85, _GROUP_TRIGGERS + ("exterminat", "wipe out", "massacre", "slaughter", "lynch"),
     rf"\b(?:exterminate|wipe out|gas|kill|massacre|slaughter|lynch|shoot|hang|burn)\s+(?:all\s+)?(?:the\s+|those\s+)?{_GROUPS}\b|"
     rf"\b{_GROUPS}\s+(?:should|must|need to|deserve to|ought to)\s+(?:all\s+)?(?:be\s+)?(?:exterminated|wiped out|gassed|killed|die|shot|hanged|lynched|burned)\b"),
    ("hate", 0.9, _GROUP_TRIGGERS,
     rf"\b(?:all\s+|the\s+)?{_GROUPS}\s+(?:should|must|need to|deserve to|ought to|have to)\s+(?:all\s+)?(?:be\s+)?(?:exterminated|wiped out|eradicated|gassed|killed|die|deported|locked up|sterili[sz]ed|banned from|kicked out|shot|hanged|burned|go back to (?:where|their)|not be allowed to (?:vote|work|live|exist|marry))|"
     rf"\b(?:exterminate|wipe out|eradicate|gas|kill|deport|get rid of|purge)\s+(?:all\s+)?(?:the\s+)?{_GROUPS}\b"),
    ("hate", 0.8, ("hate", "despise", "can't stand", "cant stand", "loathe"),
     rf"\bi\s+(?:fucking\s+|really\s+|just\s+)?(?:hate|despise|loathe|can'?t stand)\s+(?:all\s+)?(?:the\s+|those\s+)?{_GROUPS}\b"),
    ("hate", 0.6, ("ruin", "destroy", "invad", "replac", "taking", "infest"),
     rf"\b{_GROUPS}\s+(?:are\s+)?(?:ruining|destroying|invading|infesting|replacing us|taking over|poisoning)\s+(?:our|this|the|everything|america|europe|britain|the country|our country)"),
    ("hate", 0.6, ("belong in the kitchen", "too emotional", "less intelligent", "stupider", "dumber", "inferior", "allowed to vote", "allowed to work", "allowed to lead", "allowed to drive"),
     r"\b(?:women|girls|females)\s+(?:belong in the kitchen|are too emotional to|should(?:n'?t| not) be allowed to (?:vote|work|lead|drive))|\b(?:women|blacks|black people|immigrants|muslims|jews|asians|mexicans)\s+are\s+(?:naturally\s+|genetically\s+)?(?:less intelligent|stupider|dumber|inferior)\b"),
    # harassment: insults aimed at the reader, degradation, intimidation, doxxing
    ("harassment", 0.75, ("worthless", "pathetic", "stupid", "idiot", "moron", "loser", "ugly", "fat", "disgusting", "retard", "piece",
                          "waste", "dumb", "bitch", "cunt", "whore", "slut", "failure", "garbage", "trash", "scum", "freak", "useless"),
     r"\b(?:you(?:'re| are| r)|ur|you fucking|you stupid|you're such|you are such)\s+(?:a |an |such a |such an |so |the most |nothing but a |just a |a fucking |fucking )?(?:fucking\s+|stupid\s+|worthless\s+|pathetic\s+|fat\s+|ugly\s+|dumb\s+)*"
     r"(?:worthless|pathetic|stupid|idiot|moron|loser|ugly|fat|disgusting|retard(?:ed)?|piece of (?:shit|garbage|trash)|waste of (?:space|oxygen|air)|dumb(?:ass)?|bitch|cunt|whore|slut|failure|garbage|trash|scum|freak|useless|subhuman)\b"
     r"(?![^.\n]{0,30}\b(?:if you|when you|for not|unless))"),
    ("harassment", 0.8, ("kill yourself", "kill urself", "kys", "go die", "hang yourself"),
     r"\b(?:go |just |you should |u should |why don'?t you )?(?:kill yourself|kill urself|kys|go die|hang yourself)\b(?![^.\n]{0,20}\b(?:process|command|signal))"),
    ("harassment", 0.6, ("nobody likes", "nobody loves", "nobody wants", "nobody cares", "no one likes", "no one loves", "no one wants", "no one cares", "would miss you", "no-one", "everyone hates", "disgrace to", "embarrassment to", "better without you"),
     r"\b(?:nobody|no one|no-one)\s+(?:likes|loves|wants|cares about|would miss)\s+you\b|\beveryone hates you\b|\byou(?:'re| are) (?:a )?(?:disgrace|embarrassment) to\b|\bthe world would be better without you\b"),
    ("harassment", 0.7, ("dox", "home address", "phone number", "nudes", "naked photos", "naked pics", "private photos", "private pics"),
     r"\b(?:post|leak|publish|share|spread|dox)\w*\s+(?:her|his|their|your|my ex'?s?|someone'?s)\s+(?:home\s+)?(?:address|phone number|nudes|naked (?:photos|pics)|private (?:photos|pics))\b|\bdox(?:x)?(?:ing)?\s+(?:her|him|them|someone|this (?:guy|girl|person))"),
    ("harassment", 0.6, ("shut", "stfu", "fuck"),
     r"\b(?:shut (?:the fuck )?up|stfu|fuck (?:you|off|u))\b[,!. ]+(?:you|u|ur|bitch|idiot|loser|moron|asshole)\b|\bfuck you\b"),
    # sexual: requests for or presence of explicit sexual content
    ("sexual", 0.85, ("explicit", "erotic", "porn", "nsfw", "sexual", "sex", "smut", "lewd", "dirty", "horny", "kinky"),
     r"\b(?:write|describe|generate|create|tell|give me|roleplay|role-play|narrate|draft|continue)\s+(?:me\s+)?(?:an?\s+|the\s+|some\s+)?(?:very\s+|really\s+|more\s+)?(?:explicit|erotic|pornographic|porn|nsfw|smutty|lewd|dirty|horny|kinky|graphic sex(?:ual)?|sexual|sex)\s+"
     r"(?:\w+\s+)?(?:story|stories|scene|scenes|content|roleplay|fanfic|fan fiction|fiction|chat|poem|description|dialogue|text|version|sexting|messages?)\b"),
    ("sexual", 0.75, ("erotic", "nsfw", "pornographic", "x-rated", "smutty", "steamy", "explicit sex", "sexually explicit"),
     r"\b(?:write|describe|make|generate|roleplay|role-play|narrate|keep|continue)\b[^.\n]{0,80}\b(?:erotic|nsfw|pornographic|x-rated|smutty|steamy|explicit sex\w*|sexually explicit)\b"),
    ("sexual", 0.8, ("porn", "hentai", "nudes", "naked", "blowjob", "handjob", "cum", "orgasm", "masturbat", "genital", "penis", "vagina",
                     "cock", "pussy", "dick", "tits", "boobs", "horny", "fuck", "sexting", "onlyfans"),
     r"\b(?:send (?:me )?(?:your )?nudes|naked (?:pics|photos|pictures) of|(?:her|his|your|my) (?:tits|boobs|pussy|cock|dick)\b|blowjobs?|handjobs?|cum(?:ming|shot)?\b|"
     r"(?:i want to|let'?s|wanna) (?:fuck|have sex with|sleep with) (?:you|her|him)|moaned as (?:he|she)|(?:thrust|thrusting) (?:into|inside) (?:her|him)|"
     r"(?:hardcore|free|amateur) porn|hentai|horny (?:for|and)|masturbat\w+ (?:to|while|in front))"),
]

# --- structure: a request or an intent, a harmful act, and a target or an outcome -------------------
# The parts are vocabularies, so unseen combinations match: "what's the best place to stab someone",
# "how do I tamper with my wife's brakes so it looks like an accident".
_ASK = (
    r"(?:how (?:do|can|could|would|should|might) (?:i|we|you|one|someone)|how to|how (?:many|much)|what(?:'s| is| are| would be) (?:the )?(?:best|easiest|quickest|fastest|surest|safest|cheapest|simplest|most effective|right|ideal)\s+(?:\w+\s+)?(?:way|ways|place|spot|method|methods|time|part|amount|dose|route|tool|combination)s?"
    r"|which\s+(?:\w+\s+){0,3}?(?:is|are|would be|works?)\s+(?:the\s+)?(?:best|most effective|easiest|quickest)|(?:the\s+)?(?:best|easiest|quickest|fastest|surest|cheapest|simplest) (?:way|place|method|spot|time)s? to|tips (?:on|for)|steps (?:to|for)|teach me|show me how|explain how|walk me through|help me|give me (?:a |the )?(?:plan|steps|guide|instructions|method|recipe|route)"
    r"|i(?:'m| am) (?:going to|gonna|about to|planning to|ready to)|i(?:'ll| will| want to| wanna| need to| plan to| intend to| have decided to|'ve decided to| decided to)|we(?:'re| are) (?:going to|gonna|planning to)|we(?:'ll| will| want to| need to)|plan (?:an?|the|how to|to)|i swear i(?:'ll| will|'m gonna))"
)
# Words every match of `_ASK` holds whole, one per alternative ("how", "i" of "i'm", "best" of
# "what's the best way"), none at a match's end: a rule needing `_ASK` skips texts without any.
_ASK_WORDS = _whole("how best easiest quickest fastest surest safest cheapest simplest most right ideal "
                    "tips steps teach show explain walk help give i we plan")
_HARM_ACT = (
    r"(?:kill|murder|stab|shoot|poison|strangle|choke|smother|suffocate|drown|beat|bludgeon|hurt|injure|maim|cripple|attack|assault|bomb|blow up|burn|torch|set fire to|run over|tamper with|sabotage|cut the brakes"
    r"|slit|behead|decapitate|kidnap|abduct|torture|massacre|gas (?:him|her|them|the)|knife|punch|break (?:his|her|their|your) (?:legs?|arms?|neck|jaw|knees?|face)|bleed out|take out|get rid of|disfigure|acid attack|throw acid)"
)
# Words one of `_HARM_ACT`'s acts needs, a prefix or a phrase each (`gas (him|her|them|the)` aside).
_HARM_ACT_TRIGGERS = (
    "kill", "murder", "stab", "shoot", "poison", "strangl", "choke", "smother", "suffocat", "drown", "beat",
    "bludgeon", "hurt", "injur", "maim", "crippl", "attack", "assault", "bomb", "blow", "burn", "torch", "fire",
    "run over", "tamper", "sabotag", "brakes", "slit", "behead", "decapitat", "kidnap", "abduct", "tortur",
    "massacr", "knife", "punch", "break", "bleed", "take out", "get rid", "disfigur", "acid",
)
_VICTIM = (
    r"(?:someone|somebody|a person|people|him|her|them|everyone|anybody|anyone|a (?:man|woman|child|kid|guy|girl|cop|officer|stranger|human|baby)|(?:my|his|her|their|our|the|a|that|this) (?:\w+ )?"
    r"(?:neighbou?r|wife|husband|ex|boss|manager|coworker|co-worker|colleague|teacher|roommate|landlord|mom|mum|dad|mother|father|brother|sister|son|daughter|family|kids|classmates?|students?|protesters?|crowd|journalist|politician|president|senator"
    r"|cop|police officer|girlfriend|boyfriend|partner|baby|toddler|uncle|aunt|friend|enemy|rival|tenant|employee|doctor|nurse|judge|mayor|guard|victim|target|dog|cat|pets?|horse)(?:'s (?:\w+ )?(?:dog|cat|car|brakes|house|food|drink|coffee|tea|meds|medication))?"
    r"|(?:the|a|our|their|that|this) (?:\w+ )?(?:school|church|mosque|synagogue|temple|protest|rally|march|mall|concert|office|classroom|hospital|parade|stadium|subway|airport|festival|pride parade|clinic))(?!\s+(?:process|processes|thread|threads|node|nodes|element|elements|task|tasks|pid|component|widget|window|class|job|jobs|container|pod))"
)
_HARM_OUTCOME = (
    r"(?:so (?:it|that it|he|she|they|that|the death) (?:looks?|seems?|appears?|passes?) (?:natural|like an accident|accidental|like a suicide|like natural causes|as (?:an accident|natural))"
    r"|without (?:leaving (?:a |any )?(?:trace|evidence|marks)|getting caught|anyone (?:noticing|knowing|finding out)|being (?:caught|traced|detected|noticed))|before (?:an|the) ambulance (?:arrives|gets there|comes)|bleed(?:s)? out|bleeds? to death"
    r"|(?:injure|hurt|kill|maim) as many|as many (?:of them |people |victims )?as possible|maximum (?:casualties|damage|deaths|carnage|injuries|pain)|most (?:casualties|damage|pain|deaths)|hurts? (?:the )?most|(?:to|so) (?:he|she|they) (?:can'?t|never) (?:walk|talk|see|recover)"
    r"|to death|untraceable|(?:so|and) (?:they|he|she) (?:die|dies|suffer|suffers))"
)
_GROUPS2 = (
    r"(?:jews|jewish people|muslims|christians|catholics|hindus|sikhs|buddhists|atheists|blacks|black people|whites|white people|asians|asian people|chinese people|the chinese|mexicans|latinos|hispanics|arabs|africans|indians"
    r"|pakistanis|nigerians|somalis|syrians|afghans|iranians|turks|romanians|albanians|filipinos|vietnamese|koreans|japanese|russians|ukrainians|palestinians|israelis|irish people|poles|gypsies|roma|travellers"
    r"|immigrants|refugees|migrants|foreigners|asylum seekers|gays|gay people|lesbians|homosexuals|trans people|transgender people|trans women|trans men|bisexuals|queers|women|females|men|disabled people|the disabled|autistic people"
    r"|people (?:from|of) (?:that|this|those|their) (?:country|place|region|part of the world|religion|race|background)|their kind"
    r"|down syndrome (?:kids|people|children)|disabled (?:kids|children)|autistic (?:kids|children)|deaf people|blind people|fat people|poor people|homeless people)"
)
_NEGATIVE_TRAIT = (
    r"(?:thieves|liars|criminals|rapists|terrorists|animals|vermin|savages|parasites|subhuman|sub-human|inferior|disgusting|filthy|dirty|lazy|stupid|dumb|violent|evil|a drain|a burden|a plague|a disease|a cancer|trash|garbage|scum"
    r"|degenerates|pedophiles|paedophiles|groomers|freaks|sick|mentally ill|an infestation|cockroaches|rats|dogs|pigs|apes|monkeys|less than human|not (?:real )?(?:people|human)|genetically inferior|a threat|invaders|worthless|useless|primitive|backwards|barbaric|cheats|cheaters|frauds)"
)
_HATE_FATE = (
    r"(?:be (?:removed|deported|eliminated|purged|expelled|exterminated|banned|kicked out|locked up|sterili[sz]ed|segregated|shot|hanged|gassed|wiped out)|go back (?:to|where)|not (?:be allowed|exist|vote|work|marry)|be allowed near|(?:have|had) never been born"
    r"|(?:weren'?t|were not|had not been|hadn'?t been) born|die|disappear|leave (?:our|this) country|stay out|secretly (?:control|run|own)|control (?:the|our) (?:banks|media|government|world)|can'?t (?:code|work|think|be trusted|drive|lead|learn)|smell|stink)"
)

_STRUCTURE_RULES: list[tuple[str, float, tuple[str, ...], str]] = [
    # violence: ask or intent + harmful act + a person, animal or gathering
    ("violence", 0.85, _HARM_ACT_TRIGGERS,
     rf"\b{_ASK}\s+(?:\w+\s+){{0,4}}?{_HARM_ACT}\w*\s+(?:\w+\s+){{0,2}}?{_VICTIM}\b", (), None, _ASK_WORDS),
    # violence: harmful act + an outcome only a harm-seeker wants ("so it looks natural", "before the ambulance arrives")
    ("violence", 0.85, ("natural$", "accident$", "accidental$", "trace$", "evidence$", "caught$", "noticing$", "knowing$", "detected$", "ambulance$", "bleed$", "bleeds$", "injure$", "maximum$",
                        "casualties$", "damage$", "deaths$", "death$", "untraceable$", "walk$", "suffer$", "suffers$", "die$", "dies$", "pain$", "hurts$"),
     rf"\b{_HARM_ACT}\w*\b[^.?!\n]{{0,80}}?{_HARM_OUTCOME}", (), None, (*_HARM_ACT_TRIGGERS, "gas")),
    # threats: "I'll come to your office and shoot every one of you", "they'll get hurt", "we know where your kids go to school"
    ("violence", 0.85, ("i'll", "i will", "we'll", "we will", "gonna", "going to", "they'll", "you'll"),
     r"\b(?:i(?:'ll| will| am going to|'m going to|'m gonna| gonna)|we(?:'ll| will| are going to|'re going to|'re gonna))\s+(?:\w+\s+){0,6}?"
     r"(?:hurt|shoot|kill|stab|beat|burn|murder|strangle|choke|break|smash|slit|end|come to your (?:house|home|office|work|school)|come for you|find you|hunt you(?: down)?|make you (?:pay|suffer|regret))\s+(?:\w+\s+){0,3}?(?:you|your|every one of you|each of you|all of you|everyone|him|her|them)\b"
     r"|\b(?:or|otherwise|else|unless)\b[^.?!\n]{0,50}\b(?:they|you|he|she|your \w+)(?:'ll| will)\s+(?:get|be)\s+(?:hurt|killed|shot|harmed|stabbed|beaten)"),
    ("violence", 0.8, ("know where", "watch her back", "watch his back", "better watch", "last warning"),
     r"\b(?:we|i) know (?:(?:her|his|your|their) (?:home )?address|where (?:you|your \w+|she|he|they|her|his) (?:\w+ )?(?:live|lives|work|works|go|goes|sleep|sleeps|study|studies|park|parks))|\b(?:she|he|you|they)(?:'d| had)? better watch (?:her|his|your|their) back|\blast warning\b[^.\n]{0,40}\b(?:hurt|pay|regret)"),
    ("violence", 0.85, ("attack", "assault", "raid", "bombing", "shooting", "massacre", "ambush", "burn down", "torch", "firebomb", "set fire"),
     r"\b(?:plan|planning|organi[sz]e|coordinate|carry out|stage|launch)\s+(?:an?|the|our)\s+(?:\w+\s+)?(?:attack|assault|raid|bombing|shooting|massacre|ambush)\s+(?:on|at|against)\b"
     r"|\b(?:burn down|torch|bomb|blow up|firebomb|set fire to)\s+(?:their|the|a|this|that|his|her|my|our|your)\s+(?:\w+\s+)?(?:mosque|church|synagogue|temple|house|home|office|car|shop|store|school|clinic|restaurant)"),
    # self-harm: a decision to die, a method asked for oneself, or distress that names an end
    ("self-harm", 0.9, ("decided", "made up my mind", "going to", "gonna", "plan", "want", "wanna", "need", "ready", "intend"),
     r"\bi(?:'ve| have|'m| am)?\s*(?:been\s+)?(?:decided|made up my mind|going|gonna|planning|plan|want|wanna|need|ready|intend|about)\s+(?:to\s+)?(?:end (?:it|it all|things|my life|everything)|kill myself|not wake up|disappear for good|go to sleep forever|be gone for good|take my (?:own )?life|finally do it|overdose|od|hang myself|jump off)\b"),
    ("self-harm", 0.6, ("wake up", "quickest way to do it", "easiest way to do it", "painless", "tallest", "roof access", "goodbye", "suicide note", "farewell", "notice if i", "care if i", "miss me",
                        "can't do this", "can't take this", "cutting", "cut myself", "deeper", "stitches", "disappear", "without eating", "stop eating", "starve", "unhealthy", "better off without me", "burden to everyone"),
     r"\b(?:make sure|ensure|so that|so) (?:that )?i (?:don'?t|do not|won'?t|never) wake up|\b(?:quickest|easiest|fastest|surest|painless|least painful) (?:way|method) to do it\b|\btallest (?:building|bridge|tower|car park|parking garage)\b[^.?!\n]{0,40}\b(?:roof|access|jump)"
     r"|\b(?:written|wrote|writing|left|leave) (?:my|a) (?:goodbye|suicide|farewell|last) (?:notes?|letters?)|\b(?:nobody|no one) (?:would|will) (?:notice|care|miss me)\b[^.?!\n]{0,20}\bif i (?:was|were|am) gone|\bi can'?t (?:do|take) (?:this|it) any ?more"
     r"|\b(?:been |started )?cutting (?:myself )?again|\b(?:cut|go|going) deeper\b|\bwithout needing stitches|\bi (?:want|need) to disappear|\b(?:days|weeks) without eating|\b(?:stop eating|starve myself)|\bi don'?t care if it'?s unhealthy"
     r"|\b(?:everyone|they|my family) (?:would be|'d be) better off without me|\bi(?:'m| am) a burden to everyone"),
    # illegal: money laundering, stolen data, drug synthesis, prescription fraud, phishing, account intrusion, weapons past security
    ("illegal", 0.85, ("launder", "wash", "clean", "darknet", "dark web", "darkweb", "stolen", "cloned", "skimmed", "hacked", "synthes", "route", "recipe", "cook", "prescription", "phishing", "fake site",
                       "fake login", "fake website", "brute", "crack", "untraceable", "ghost gun", "security", "customs", "metal detector", "counterfeit", "fake id", "fake passport", "evade", "hotwire", "without them knowing",
                       "without her knowing", "without him knowing", "without the bank", "without anyone"),
     r"\b(?:launder|wash|clean)\w*\s+(?:\w+\s+){0,4}?(?:money|cash|proceeds|funds|\$\s?[\d,.]+k?|[\d,.]+k? (?:in )?cash|bitcoin|crypto)\b[^.?!\n]{0,80}\b(?:without|through|via|using)\b"
     r"|\b(?:buy|buying|purchase|order|get|obtain|source|find|sell|selling)\w*\s+(?:\w+\s+){0,3}?(?:stolen|cloned|skimmed|hacked|leaked|dumped)\s+(?:credit cards?|card numbers|cards|cvvs?|identities|ids|accounts|logins|credentials|passports|data|card data)"
     r"|\b(?:darknet|dark web|darkweb|onion) (?:market|marketplace|vendor|shop|site)s?\b[^.?!\n]{0,60}\b(?:buy|buying|best|order|get|purchase)"
     r"|\b(?:synthesis|synthesi[sz]e|synthesizing|cook|cooking|manufactur\w+|extract\w*)\s+(?:route|recipe|procedure|steps|method|process|instructions)?\s*(?:for|of)?\s*(?:mdma|lsd|meth|methamphetamine|fentanyl|heroin|cocaine|crack|ghb|dmt|pcp|ketamine|amphetamine|mephedrone|sarin|ricin|nerve agents?)\b"
     r"|\b(?:get|obtain|buy|score|order)\s+(?:\w+\s+){0,3}?(?:oxycodone|oxy|oxys|xanax|adderall|vicodin|percocet|fentanyl|morphine|codeine|opioids?|benzos?|ketamine|prescription (?:drugs|meds|pills|opioids|painkillers))\s+(?:\w+\s+){0,3}?without (?:a |my |any )?(?:prescription|doctor|script|rx)"
     r"|\b(?:write|create|draft|make|design|build|generate)\s+(?:me\s+)?(?:a|an)\s+(?:\w+\s+){0,2}?phishing\s+(?:email|page|site|message|text|sms|campaign|kit)(?![^.?!\n]{0,80}\b(?:harmless|simulation|simulated|training|test|labell?ed|awareness|drill))"
     r"|\bfake (?:site|login page|website|portal|login)\b[^.?!\n]{0,60}\b(?:enter|type|submit|give|steal|harvest|capture)|\b(?:enter|type|submit|give)\s+(?:their|your)\s+(?:login|password|credentials|card)\b[^.?!\n]{0,40}\bfake (?:site|page|website|portal)"
     r"|\b(?:brute[- ]?forc\w*|crack\w*|guess\w*|bypass\w*|break\w* into|hack\w*|get\w* into|access\w*|log\w* into|take over)\s+(?:the\s+)?(?:\w+\s+){0,2}?(?:my ex'?s?|someone'?s?|someone else'?s|another person'?s|a (?:stranger|coworker|colleague)'?s?|my (?:wife|husband|girlfriend|boyfriend|partner|boss|neighbou?r|coworker|ex)'?s?)\s+(?:\w+\s+)?(?:account|email|inbox|instagram|facebook|snapchat|icloud|gmail|whatsapp|login|password|phone|computer|laptop|messages|texts|tiktok|twitter)"
     r"|\b(?:untraceable|ghost) guns?\b[^.?!\n]{0,80}\b(?:past|through|make|print|build)|\b(?:smuggle|sneak|get|take|carry)\s+(?:\w+\s+){0,3}?(?:gun|knife|weapon|firearm|explosives?|drugs|cocaine|pills)\s+(?:\w+\s+){0,2}?(?:past|through)\s+(?:airport\s+)?(?:security|customs|tsa|metal detectors?|border)"
     r"|\b(?:make|get|buy|print|create)\s+(?:me\s+)?(?:a\s+)?(?:fake|forged|counterfeit)\s+(?:id|ids|passport|passports|driver'?s licen[cs]e|bills|money|currency|banknotes)\b"),
    # hate: a group + a dehumanising trait or a fate; requests to write such text
    ("hate", 0.85, _GROUP_TRIGGERS + ("people", "those", "these", "their kind", "that lot", "pakistanis", "nigerians", "somalis", "syrians", "afghans", "iranians", "turks", "romanians", "albanians",
                                       "filipinos", "vietnamese", "koreans", "japanese", "travellers", "asylum", "queers"),
     rf"\b{_GROUPS2}\s+(?:\w+\s+){{0,2}}?(?:are|is|were)\s+(?:all\s+|just\s+|basically\s+|nothing but\s+|a bunch of\s+|such\s+|so\s+|like\s+|really\s+|literally\s+)*(?:\w+\s+(?:and|or)\s+|\w+,\s+)?{_NEGATIVE_TRAIT}\b"
     rf"|\b{_GROUPS2}\s+(?:\w+\s+){{0,2}}?(?:should(?:n'?t| not)?|must(?:n'?t| not)?|need to|needs to|ought to|deserve to|have to|can'?t|cannot|never|would be better if they|it'?d be better if they)\s+(?:all\s+)?(?:\w+\s+){{0,2}}?{_HATE_FATE}"
     rf"|\b{_GROUPS2}\b[^.?!\n]{{0,60}}\b(?:(?:it'?d|it would) be better if they|they (?:should|shouldn'?t|need to|can'?t)|they(?:'re| are) (?:all )?{_NEGATIVE_TRAIT})\b"),
    ("hate", 0.8, ("joke", "speech", "post", "manifesto", "essay", "article", "poem", "song", "tweet", "slogan", "propaganda", "flyer", "rant", "insult", "meme"),
     rf"\b(?:write|give me|make|create|draft|compose|generate|tell me|come up with)\s+(?:me\s+)?(?:a|an|some|\d+|ten|five|twenty)?\s*(?:\w+\s+){{0,2}}?(?:jokes?|speech|posts?|manifesto|essay|article|poem|song|tweets?|slogans?|propaganda|recruitment post|flyers?|rant|insults?|memes?)\b"
     rf"[^.?!\n]{{0,100}}\b{_GROUPS2}\b[^.?!\n]{{0,80}}\b(?:{_NEGATIVE_TRAIT}|{_HATE_FATE}|for being|make fun of|mock|ridicule|out by any means|removed from|secretly)"
     rf"|\b(?:make fun of|mock|ridicule|humiliate)\s+{_GROUPS2}\s+for being\b"),
    # harassment: messages meant to demean a specific person; stalking and pile-ons
    ("harassment", 0.8, ("worthless", "stupid", "ugly", "feel small", "terrible", "fat", "useless", "insulting", "humiliat", "fake accounts", "quit", "leave", "leaves", "cries", "kills", "life hell",
                         "bully", "harass", "reputation", "whore", "slut"),
     r"\b(?:write|draft|send|compose|help me (?:write|send|draft)|give me|post|come up with)\s+(?:me\s+)?(?:a|an|some|\d+|twenty|ten|five)?\s*(?:\w+\s+){0,3}?(?:messages?|posts?|comments?|texts?|emails?|tweets?|repl(?:y|ies)|notes?|insults?|reviews?|roasts?|dms?)\b"
     r"[^.?!\n]{0,120}\b(?:make (?:her|him|them) feel (?:worthless|stupid|ugly|small|like shit|terrible|fat|useless)|insulting|humiliat\w+|from fake accounts|so (?:she|he|they) (?:quits?|leaves?|cries|kills)|make (?:his|her|their) life (?:a living )?hell"
     r"|bully|harass|destroy (?:her|his|their) reputation|(?:she|he)(?:'s| is) (?:fat|ugly|stupid|worthless|a whore|a slut))"),
    ("harassment", 0.8, ("blocked", "get away from me", "show up", "life hell", "where she lives", "where he lives", "where they live", "lives"),
     r"\bkeep (?:messaging|texting|calling|contacting|following|emailing)\s+(?:someone|her|him|them|my ex)\b[^.?!\n]{0,40}\b(?:blocked|ignored|asked me to stop|told me to stop)|\bnever gets? away from me\b"
     r"|\bshow up at (?:his|her|their) (?:house|home|work|office|door)|\bmake (?:his|her|their) life (?:a living )?hell\b|\b(?:found out|know|find out|track down) where (?:the \w+ )?(?:\w+ )?(?:who \w+ (?:\w+ )?(?:\w+ )?)?(?:lives|she lives|he lives|they live)\b[^.?!\n]{0,120}\b(?:show up|post|encourag|tell everyone|visit)"),
    ("harassment", 0.7, ("dumbest", "stupidest", "worst", "ugliest", "fattest", "laughs at you", "favour", "favor", "crawl in a hole", "nobody likes", "waste of"),
     r"\byou(?:'re| are)\s+(?:the|a|an|such a|so)?\s*(?:\w+\s+)?(?:dumbest|stupidest|worst|ugliest|fattest|most useless|most pathetic|laziest)\b(?![^.\n]{0,20}\b(?:ever|i'?ve)\s+(?:seen|met)\s+at\s+(?:chess|golf))|\beveryone laughs at you\b"
     r"|\bdo (?:us|me|everyone) a favou?r and (?:quit|die|leave|disappear|kill yourself)|\bgo crawl (?:in|into) a hole\b"),
    # sexual: explicit requests; unwanted sexual messages about a real person
    ("sexual", 0.85, ("explicit", "graphic", "steamy", "dirty", "nsfw", "erotic", "x-rated", "pornographic", "raunchy", "sexual", "fade to black"),
     r"\b(?:write|describe|generate|create|tell|narrate|roleplay|role-play|draft|continue|give me)\b[^.?!\n]{0,60}\b(?:explicit|graphic|steamy|dirty|nsfw|erotic|x-rated|pornographic|raunchy|sexual)\b[^.?!\n]{0,50}\b(?:sex|scene|in bed|naked (?:\w+ )?(?:body|bodies|women|woman|girls?|men|man|photos|pics)|nude|intimate|orgasm|what you'?d do to me|fade to black|(?:her|his|their|my|your) bod(?:y|ies))"
     r"|\bno fade to black\b"),
    ("sexual", 0.7, ("body", "bodies"),
     r"\bwhat (?:i'?d|i would|i'll|i will|i want to|i'?m going to) do to (?:my|her|his|your|their)\s+(?:[\w-]+'?s?\s+)?bod(?:y|ies)"),
    ("harassment", 0.7, ("interested", "consent", "agreed", "anyway"),
     r"\b(?:(?:she|he|they) (?:hasn'?t|has not|didn'?t|did not|doesn'?t|does not|haven'?t) (?:said|agreed|consented|say|agree|consent|want|asked)|without (?:her|his|their) consent|send it anyway)\b",
     r"\b(?:body|bodies|bed|sex|sexual|naked|nude|nudes|touch|kiss|fantas\w+)\b"),
]

# --- cues: a harmful act, and around it (same sentence or the one before) whatever makes it a request ---
# Each rule is an anchor (the act) plus cues that must all appear nearby: who asks or intends it,
# whom it targets, or that it must stay hidden. Word lists are open vocabularies, not phrases.
_C_ASK = (
    r"\b(?:how (?:do|can|could|would|should|might|will) (?:i|we)|how to|how (?:many|much)\b[^.?!]{0,40}\b(?:to|would it take|does it take|do i need|should i)|(?:best|easiest|quickest|fastest|surest|safest|cheapest|simplest|least painful|most painless|most effective|right) (?:\w+ )?(?:way|place|spot|method|time|knife|tool|dose|amount|poison|bridge|building|drug|weapon|part)s?"
    r"|(?:where|which|what)\b[^.?!]{0,30}\b(?:should|do|can|could|would) (?:i|we)|which (?:\w+ ){0,3}(?:should|do|can|could|would) (?:i|we)|what (?:\w+ ){0,3}(?:should|do|can|could|would) (?:i|we)|tell me how|give me (?:a |the )?(?:working |detailed |step-by-step )?(?:plan|steps|guide|method|way|recipe|route|list|script|code|instructions)"
    r"|teach me|show me how|explain how to|walk me through|help me|step[- ]by[- ]step|write (?:me )?(?:instructions|a guide|a tutorial|a script|code|a program)|i need (?:a|an|some) (?:script|program|tool|way|method|plan)"
    r"|i(?:'m| am) (?:going to|gonna|about to|planning to|ready to)|i(?:'ll| will| want to| wanna| need to| plan to| intend to|'ve decided to| have decided to| decided to)|i swear|tonight i|we(?:'re| are) (?:going to|gonna)|we(?:'ll| will))\b"
)
# The same for `_C_ASK` ("should" of "where should i", "by" of "step by step"); the nouns that may end
# a match ("write a guide") as prefixes, since a window may cut them.
_C_ASK_WORDS = (*_whole("how best easiest quickest fastest surest safest cheapest simplest least most right "
                        "should do can could would tell give teach show explain walk help by i tonight we"),
                "instructions", "guide", "tutorial", "script", "code", "program")
_C_PERSON = (
    r"\b(?:someone|somebody|a person|people|person|him|her|them|his|he|she|they|everyone|anybody|anyone|man|woman|child|kid|guy|girl|cop|cops|officer|stranger|human|baby|elderly|wife|husband|ex|boss|manager|coworker|co-worker|colleague"
    r"|teacher|roommate|landlord|neighbou?r|(?:step)?(?:dad|mom|mum|father|mother|son|daughter|brother|sister)|family|kids|classmates?|students?|protesters?|crowd|journalist|politician|president|girlfriend|boyfriend|partner|date|uncle|aunt"
    r"|friend|rival|tenant|employee|victim|target|dog|cat|skull|throat|head|neck)\b(?!\s+(?:process|processes|thread|threads|node|nodes|element|elements|task|tasks|pid|component|widget|window|class|job|jobs|container|pod|branch))"
)
_C_HIDDEN = (
    r"\b(?:without (?:(?:him|her|them|anyone|anybody|it|the police|cops|police|my \w+|the \w+) )?(?:tasting|noticing|knowing|finding out|seeing|showing up|getting caught|being (?:caught|traced|detected|seen)|leaving (?:a |any )?(?:trace|evidence|marks))"
    r"|tox(?:icology)? screen|autopsy|untraceable|so (?:it|that it|he|she|they) (?:looks?|seems?|appears?) (?:natural|like an accident|accidental)|for good|passes? out|knock (?:him|her|them|someone) out|before anyone|cover (?:it )?up|alibi|no trace|bleed out|to death|get away with (?:it|murder))\b"
)
_C_SELF_DISTRESS = (
    r"\b(?:done with (?:everything|it all|life)|can'?t (?:go on|do this any ?more|take (?:it|this) any ?more)|(?:no|don'?t see the|there'?s no) point (?:in )?(?:living|going on|anymore)|don'?t want to (?:live|be here|exist|wake up)|want to die|wanna die"
    r"|tonight'?s the night|said my goodbyes|goodbye (?:notes?|letters?)|suicide note|end it all|over for good|better off dead|hate my life|give up on (?:life|everything)|no reason to (?:live|stay)|nobody would (?:notice|care|miss me)|kill myself|end my life|take my (?:own )?life"
    r"|what'?s the point(?: anymore| of (?:living|going on|anything))?|tired of (?:everything|living|it all|being alive)|i'?m (?:so )?done(?: with (?:this|it))?|how long until it'?s over|until it'?s (?:all )?over|i'?m serious)\b"
)
_C_SELF_METHOD = (
    r"\b(?:pills|meds|medication|tablets|rope|noose|bridge|building|roof|ledge|jump|overdose|od|lethal|painless|razor|blade|gun|pistol|rifle|insulin|cleaner|bleach|drank|drink it|stopped taking|high enough|how many|how much|how long|which|carbon monoxide|exhaust|train|tracks|way to die|to die)\b"
)

# Nearby words that make a violent verb technical or playful: processes, games, tests.
_NOT_VIOLENT = (
    r"\b(?:process(?:es)?|pid|threads?|jobs?|tasks?|containers?|pods?|sessions?|connections?|queries|query|server|daemon|tab|window|signal|sigterm|sigkill|zombie|npc|enemy|enemies|boss fight|level|game|gameplay|player"
    r"|the bug|unit test|portrait|photo|photos|camera|lens|interview|exam|presentation|pitch|commits?|branch|git|reflog|repo|build|pipeline|deploy|merge|push"
    r"|weeds?|pests?|bugs|ants|mice|roaches|cockroaches|insects|mold|mould|bacteria|germs|lice|fleas|ticks|slugs|moss|flies|wasps|termites)\b"
)

_CUE_RULES: list[tuple] = [
    # violence: a violent act aimed at a person, asked for or intended, or meant to stay hidden
    ("violence", 0.8, ("kill", "murder", "stab", "poison", "strangl", "smother", "suffocat", "drown", "bludgeon", "maim", "crippl", "behead", "decapitat", "kidnap", "abduct", "tortur",
                        "massacr", "gut", "slit", "bullet", "skull", "ambush", "flamethrower", "acid"),
     r"\b(?:kill|murder|stab|poison|strangle|smother|suffocate|drown|bludgeon|maim|cripple|behead|decapitate|kidnap|abduct|torture|massacre|gut|gutting|slit|ambush|put a bullet|smash (?:his|her|their) (?:skull|head|face)|throw acid|acid attack|flamethrower|set (?:him|her|them) on fire)\w*\b",
     (_C_ASK, _C_PERSON), _NOT_VIOLENT, _C_ASK_WORDS),
    ("violence", 0.8, ("shoot", "hit", "beat", "hurt", "injur", "attack", "assault", "drug", "sick", "knock", "punch", "smash", "choke", "burn", "run over", "tamper", "brakes", "hammer", "bat", "knife"),
     r"\b(?:hit|beat|hurt|injure|attack|assault|shoot|drug|make (?:him|her|them|someone) (?:really |very )?sick|knock (?:him|her|them|someone) out|punch|smash|choke|burn|run (?:him|her|them|someone) over|tamper with|cut (?:the|his|her) brakes|with a (?:hammer|bat|knife|crowbar|brick))\w*\b",
     (_C_ASK, _C_PERSON, _C_HIDDEN), _NOT_VIOLENT, _C_ASK_WORDS),
    ("violence", 0.85, ("bomb", "explosive", "flamethrower", "napalm", "molotov", "grenade", "thermite", "detonator", "ied", "nerve agent", "poison gas", "pipe bomb"),
     r"\b(?:pipe bombs?|bombs?|explosives?|flamethrowers?|napalm|molotovs?|grenades?|thermite|detonators?|ieds?|nerve agents?|poison gas)\b",
     (r"\b(?:how (?:do|can|would) (?:i|we)|how to|instructions for|steps to|teach me|give me|write (?:me )?(?:instructions|a guide|steps)|recipe|make|making|build|building|assemble)\b", r"\b(?:make|making|build|building|assemble|assembling|construct|recipe|from (?:hardware|household)|at home|parts|ingredients|to use on)\b")),
    # self-harm: distress that names an end together with a method, or self-injury to hide or deepen
    ("self-harm", 0.85, ("done with", "go on", "any more", "anymore", "point", "want to", "wanna", "night", "goodbye", "suicide", "end it", "for good", "better off", "hate my life", "give up", "reason to", "nobody would",
                         "kill myself", "end my life", "my own life", "my life", "tired of", "i'm done", "im done", "i'm so done", "it's over", "its over", "i'm serious"),
     _C_SELF_DISTRESS, (_C_SELF_METHOD,)),
    ("self-harm", 0.85, ("least painful", "painless", "quickest way", "easiest way", "surest way", "way to die"),
     r"\b(?:least painful|most painless|painless|quickest|easiest|surest|fastest) (?:way|method)s? (?:to die|of dying|to end it|to kill myself|to go)\b", ()),
    ("self-harm", 0.85, ("burning", "cutting", "scratching", "scratch", "hitting", "burn", "cut", "carving", "hurting"),
     r"\b(?:burning|cutting|scratching|scratch|hitting|carving|hurting|burn|cut) (?:my|myself on the|myself on my) ?(?:arms?|wrists?|legs?|thighs?|skin|stomach|self)?\b",
     (r"\b(?:hide|hiding|cover|marks|scars|again|deeper|when i'?m|whenever i|stitches|relapse|nobody knows|my parents|until it bleeds|hurt more|feel something)\b",)),
    ("self-harm", 0.7, ("calorie", "kg", "starve", "purge", "throw up", "stop eating", "without eating"),
     r"\b(?:\d{2,4} calories (?:a|per) day|under \d{2,3} ?kg|starve myself|purge after|throw up after (?:eating|meals)|stop eating (?:completely|for)|days without eating)\b",
     (r"\b(?:don'?t care|max|fast|quick|risks?|unhealthy|no matter|even if|disappear)\b",)),
    # illegal: an illegal act asked for, or one meant to stay hidden from the people it cheats
    ("illegal", 0.8, ("clon", "leaked", "resell", "launder", "smuggl", "skim", "counterfeit", "forg", "fake", "hotwir", "break into", "shoplift", "steal", "pickpocket", "embezzl", "brib", "sell", "evade", "ransomware", "keylogger",
                      "ddos", "flood", "phishing", "carding", "identity", "social security", "grow weed", "cocaine", "heroin", "meth", "pills", "painkillers", "prescription", "invoice", "stolen"),
     r"\b(?:launder\w*|smuggl\w*|skim\w*|counterfeit\w*|forg(?:e|ed|ing) (?:a |an )?\w+|fake (?:doctor'?s note|prescription|id|ids|invoice|invoices|passport|receipt|reviews?|bank|license|licence|degree|diploma)|hotwir\w*|break(?:ing)? into (?:cars?|houses?|homes?|a car|a house|someone'?s)"
     r"|shoplift\w*|steal\w*|pickpocket\w*|embezzl\w*|brib\w*|evad\w* (?:taxes|tax|customs|the irs)|ransomware|keylogger|ddos|flood\w* (?:[\w'-]+ ){0,2}?(?:website|site|server)|phishing|carding|identity theft|(?:under|using) (?:a |an )?(?:dead|someone else'?s|another person'?s|stolen) (?:\w+'?s? )?(?:social security|ssn|identity|name)"
     r"|clon\w* (?:a |the )?(?:\w+ )?(?:key ?cards?|cards?|sim cards?|sims?|credit cards?)|(?:leaked|stolen|dumped) (?:password|credential|login)s? (?:list|dump|database|file)|(?:resell|sell)\w* (?:\w+ ){0,2}?accounts"
     r"|sell\w* (?:[\w'-]+ ){0,3}?(?:weed|cocaine|heroin|meth|pills|painkillers|oxy\w*|xanax|adderall|drugs|prescription \w+) (?:to|on)|grow\w* weed\b[^.?!]{0,40}\bsell|stolen (?:cards?|credit cards?|identities|data|goods|cars?))\b",
     (r"\b(?:how (?:do|can|could|would|should) (?:i|we)|how to|teach me|give me|help me|i need|write (?:me )?(?:a|an)?|step[- ]by[- ]step|what'?s the (?:best|safest|easiest|quickest|cheapest) \w+|(?:best|easiest|quickest|safest|cheapest) (?:way|method|place)s? to|which (?:\w+ )?(?:don'?t|do not|won'?t|never) check|working method|without (?:getting caught|cops|the police|police|anyone|the bank|my doctor|being (?:caught|detected)|setting off|them knowing|him knowing|her knowing)|finding out|noticing)\b",)),
    # hate: a group and a dehumanising claim, exclusion or conspiracy in the same breath
    ("hate", 0.8, _GROUP_TRIGGERS + ("down syndrome", "deaf", "blind", "fat people", "poor people", "homeless", "pakistanis", "nigerians", "somalis", "syrians", "afghans", "iranians", "turks", "romanians", "albanians", "filipinos", "koreans", "travellers", "asylum", "queers"),
     rf"\b{_GROUPS2}\b",
     (r"\b(?:disease|plague|cancer|vermin|animals|parasites|subhuman|freaks|mentally ill|rapists|drug dealers|criminals|thieves|liars|terrorists|invaders|inferior|less intelligent|genetically|too stupid|stupid|dirty|filthy|disgusting|taking our jobs|behind every|control (?:the|our)|secretly|drive (?:\w+ ){0,2}out|ban them|deport|get rid of|wipe out|don'?t belong|go back|shouldn'?t be allowed|should(?:n'?t)? stay home|not (?:real )?(?:people|human)|can'?t (?:code|work|think|be trusted|drive)|smell|stink|a drain|shouldn'?t be born|weren'?t born|useless|worthless|mocking|mock)\b",
      r"\b(?:are|is|they'?re|should|must|need|behind|write|generate|make|create|prove|drive|ban|arguing|all|every|as)\b")),
    # harassment: a demeaning message or campaign aimed at one person; tracking someone who left
    ("harassment", 0.8, ("cruel", "insult", "fat$", "ugly", "love", "expos", "gay$", "stutter", "drunk", "thief", "fake", "humiliat", "mock", "worthless", "dead$", "whole school", "sees$",
                         "pathetic", "loser", "slut", "whore", "stupid", "watch", "address"),
     r"\b(?:write|draft|send|compose|post|make|create|generate|help me (?:write|send|draft|make))\s+(?:me\s+)?(?:a|an|some|\d+|a bunch of|a list of|a really|a very)?\s*(?:[\w'-]+\s+){0,3}?(?:messages?|posts?|comments?|texts?|emails?|reviews?|insults?|list|threads?|dms?|notes?)\b",
     (r"\b(?:my (?:\w+ )?(?:sister|brother|coworker|co-worker|colleague|classmate|ex|boss|former boss|teacher|neighbou?r|roommate|friend|cousin|mom|dad|wife|husband)|her|him|she|he)\b",
      r"\b(?:cruel|insult\w*|fat|ugly|nobody will (?:ever )?love|expos\w+|as gay|stutter|drunk|thief|fake (?:one-star )?reviews?|humiliat\w+|mock\w*|worthless|wish(?:es)? (?:you|she|he) (?:were|was) dead|so the whole|whole school|everyone sees|pathetic|loser|slut|whore|stupid|watch (?:her|his|your) back|know (?:her|his|your|their) (?:home )?address)\b")),
    ("harassment", 0.8, ("address", "where she", "where he", "location", "blocked", "restraining"),
     r"\b(?:find|track|get|locate|figure out)\s+(?:down\s+)?(?:my\s+)?(?:ex[\w-]*'?s?|her|his|their|(?:[\w-]+'?s\s+)?)\s*(?:new\s+|home\s+|current\s+)?(?:address|location|where (?:she|he|they) (?:lives?|works?|moved))\b",
     (r"\b(?:blocked|moved|restraining order|won'?t (?:talk|answer|reply)|need to see (?:her|him)|doesn'?t want|ignor\w+ me|cut me off)\b",)),
    # sexual: a request for sexual content
    ("sexual", 0.8, ("erotic", "sexy", "steamy", "dirty", "nsfw", "lingerie", "naked", "nudes", "threesome", "orgasm", "horny", "kinky", "clothes", "shirt", "dress", "bra", "panties", "underwear", "having sex", "have sex", "sex scene", "sex story", "in bed"),
     r"\b(?:erotic|sexy|steamy|talk dirty|dirty talk|as dirty as|nsfw|lingerie|naked (?:pics|photos|pictures|body|bodies|woman|women|girls?|man|men|boys?)|nudes|threesome|orgasm\w*|horny|kinky|(?:took|take|taking|pulled|pulls) off (?:her|his|their|your|my) (?:clothes|shirt|dress|bra|panties|underwear)|hav(?:e|ing) sex|sex scene|sex story|(?:do|doing) to me in bed)\b",
     (r"\b(?:write|describe|send|show|roleplay|role-play|continue|talk|tell|generate|make|narrate|give me|pics|photos|pictures|story)\b",)),    # insults aimed at the reader or at a named person, with an open list of insults
    ("harassment", 0.75, tuple(
        "idiot moron imbecile loser clown disgrace embarrassment parasite leech cretin dumbass dipshit asshole bitch cunt twat prick dick$ jerk pig$ cow$ whore slut retard freak nobody$ trash "
        "garbage scum incompetent useless worthless pathetic brainless clueless hopeless spineless gutless waste piece joke failure fraud$".split()),
     r"\b(?:you(?:'re| are| r)|ur|u r|you(?:'ve| have) always been|you(?:'re| are) nothing but|(?:she|he)(?:'s| is)|(?:she|he) (?:is|was) (?:just )?)\s+(?:a|an|such an?|the|so|just an?|nothing but an?|a complete|a total|an absolute|the biggest)?\s*(?:[\w-]+\s+){0,2}?"
     r"(?:idiot|moron|imbecile|loser|clown|disgrace|embarrassment|parasite|leech|cretin|dumbass|dipshit|asshole|bitch|cunt|twat|prick|dick|jerk|pig|cow|whore|slut|retard|freak|nobody|trash|garbage|scum|incompetent|useless|worthless|pathetic|brainless|clueless|hopeless|spineless|gutless|waste of (?:space|oxygen|air|skin|time)|piece of (?:shit|crap|garbage|trash)|joke of a|failure|fraud|slob|brain-dead \w+)\b"
     r"(?![^.\n]{0,30}\b(?:if you|when you|for not|unless|at chess|in the game))",
     (), r"\b(?:character|villain|npc|lyrics?|song|line:|dialogue|the (?:code|function|compiler|linter|build) is)\b"),
    ("harassment", 0.7, ("hates", "hate", "likes", "wants", "respects", "asked", "shut up", "get lost", "go to hell", "drop dead", "fired", "sick", "ruin", "dead to me", "watch yourself", "laughing at you"),
     r"\b(?:everyone|everybody|nobody|no one|the whole (?:team|office|class|school))\s+(?:\w+\s+)?(?:hates|likes|wants|respects|can stand|is laughing at)\s+(?:you|working with you|having you)\b|\bno one asked (?:you|for your)\b|\b(?:shut (?:the fuck )?up|get lost|go to hell|drop dead)\b[,!. ]+(?:you|u|loser|idiot|moron|bitch|nobody)"
     r"|\byou (?:should|deserve to) be fired\b|\byou make me (?:sick|want to puke)\b|\bi(?:'ll| will) (?:ruin|destroy) (?:you|your (?:career|life|reputation|marriage))\b|\byou(?:'re| are) dead to me\b|\bwatch yourself\b"),
    # threats in any register
    ("violence", 0.8, ("dead", "end you", "find you", "one eye", "coming", "break your", "burn your", "hospital", "bullet", "cut you", "days are numbered", "warned", "pay for this", "get what's coming", "hurt you"),
     r"\byou(?:'re| are) (?:so |fucking )?dead\b(?! to me)|\bi(?:'ll| will) (?:end|find|cut|gut|kill|hurt|shoot|stab|strangle) you\b|\bsleep with one eye open\b|\byou won'?t see it coming\b|\bi(?:'ll| will) (?:break|snap) your (?:legs|arms|neck|face|jaw|knees|fingers)\b"
     r"|\bi(?:'ll| will) burn (?:your|his|her) (?:house|home|car|shop|office)(?: down)?\b|\b(?:put|send) you (?:in|to) (?:the )?(?:hospital|morgue|grave|icu)\b|\bput a bullet in\b|\byour days are numbered\b|\byou(?:'ve| have) been warned\b[^.\n]{0,40}\b(?:hurt|pay|regret|die)"
     r"|\byou(?:'ll| will) (?:pay for this|get what'?s coming|regret (?:this|it|the day))\b[^.\n]{0,60}\b(?:hurt|bleed|die|kill|find you|come for|your (?:family|kids|house))|\bi(?:'m| am) (?:coming|gonna come) (?:for|after) (?:you|your)\b"),
    # third round: weapons in someone's hands, threats of what will be left, covert tracking, impersonation
    ("violence", 0.8, ("knife", "knives", "gun", "guns", "bat", "crowbar", "machete", "axe", "hammer", "crossbow", "rifle", "pistol", "poison", "acid", "explosive", "taser", "brass knuckles"),
     r"\b(?:knife|knives|gun|guns|baseball bat|bat|crowbar|machete|axe|hammer|crossbow|rifle|pistol|rat poison|poison|acid|explosives?|taser|brass knuckles)\b",
     (r"\b(?:him|her|them|his|he|she|someone|somebody|a man|a woman|guy|girl|kid|my ex|ex|neighbou?r|landlord|boss|manager|coworker|wife|husband|people|crowd|person|\d+ ?kg (?:man|woman|person|adult)|school|class|office|church|mosque|synagogue|mall|concert|work)\b",
      r"\b(?:i(?:'ll| will|'m going to|'m gonna| want to| need (?:it|this|one)? ?for|'m bringing| am bringing|'m taking| am taking)|we(?:'ll| will)|how (?:do|can|would|should) i|what (?:dose|amount|size|kind)|which|would kill|to (?:kill|hurt|stab|shoot|use on)|wait (?:outside|for)|need it for|for the guy|make (?:him|her|them) pay|busiest|most crowded|most people)\b"),
     _NOT_VIOLENT + r"|\b(?:chapter|scene|novel|film|movie|museum|collector|hunting season|licensed|range|recipe|kitchen|chef|cooking)\b"),
    ("violence", 0.8, ("body bag", "break his", "break her", "break your", "bash", "no witnesses", "get him alone", "get her alone", "drop", "drops", "jump"),
     r"\b(?:(?:leave|end up|go home|be carried out) in a body bag|(?:break|smash|snap) (?:his|her|their|your) (?:legs?|arms?|neck|jaw|knees?|face|nose|ribs|fingers|skull)|bash (?:his|her|their|your) (?:head|face|skull)(?: in)?"
     r"|no witnesses|get (?:him|her|them) alone|drops? (?:something|a \w+|things|objects)? ?(?:heavy )?(?:on|onto) (?:them|people|the crowd|a crowd|the protesters|him|her)|jump (?:the|that|this|a) (?:kid|guy|man|woman|girl|boy)\b)",
     (r"\b(?:i|we|my|our|you|he|she|they|if|or|plan|how|script|write|give me)\b",), r"\b(?:game|level|npc|unity|unreal|physics engine|simulation of|parachute)\b"),
    ("harassment", 0.75, ("scared", "afraid", "careful", "know what", "watch out"),
     r"\b(?:she|he|they|you)\s+(?:should|better|had better|'d better|ought to)\s+be\s+(?:very\s+)?(?:scared|afraid|careful|worried|frightened)\b|\bwe (?:all )?know what (?:you|she|he|they) did\b"),
    ("harassment", 0.8, ("track", "monitor", "spy", "follow", "read", "location", "gps", "tracker", "airtag"),
     r"\b(?:track|monitor|spy on|follow|read|check|see|access|get into|put (?:a )?(?:tracker|gps|airtag) on)\s+(?:my\s+)?(?:ex[\w-]*|wife|husband|girlfriend|boyfriend|partner|spouse|daughter'?s? boyfriend|her|him|his|someone)(?:'s)?\s+(?:\w+\s+){0,3}?(?:location|phone|messages|texts|whatsapp|emails?|car|movements|browsing|calls)\b",
     (r"\bwithout (?:her|him|them|anyone) (?:knowing|noticing|finding out|knowledge)|secretly|covertly|hidden|so (?:she|he|they) (?:won'?t|doesn'?t|don'?t|can'?t) (?:know|notice|find out)\b",), None,
     ("ex", *_whole("wife husband girlfriend boyfriend partner spouse her him his someone"))),
    ("harassment", 0.75, ("fake", "impersonat", "pretend to be", "pretending to be", "posing as"),
     r"\b(?:fake|sock ?puppet|burner)\s+(?:\w+\s+)?(?:account|profile|page)\s+(?:using|with|of|in the name of|pretending to be|as|to impersonate)\b[^.\n]{0,60}\b(?:my|her|his|their)\b|\bimpersonat\w+ (?:my|her|him|his|a) (?:\w+ )?(?:classmate|coworker|ex|colleague|teacher|boss|sister|brother|friend|neighbou?r)"),
    ("harassment", 0.75, ("look incompetent", "look stupid", "look bad", "look like an idiot", "fires her", "fires him", "fired", "gets fired"),
     r"\bmake (?:him|her|them|\w+) look (?:incompetent|stupid|bad|like an idiot|like a fool|unprofessional|crazy)\b[^.\n]{0,60}\b(?:so|until|fire[sd]?|quit|leave|dump|hate)"),
    ("harassment", 0.75, ("spam", "flood", "bombard", "messages about", "about how"),
     r"\b(?:spam|spams|flood|floods|bombard|bombards|message|messages|post|posts)\b[^.\n]{0,60}\babout how (?:ugly|worthless|fat|stupid|pathetic|disgusting|useless|dumb) (?:she|he|they) (?:is|are)\b"),
    ("harassment", 0.7, ("slob", "moron", "idiot", "loser", "lazy", "fat"),
     r"[:'\"“]\s*[a-z]+ is (?:a|an|such an?|the)?\s*(?:(?:lazy|fat|stupid|useless|ugly|dumb|worthless|pathetic|incompetent|disgusting)[,]?\s+){1,3}(?:slob|moron|idiot|loser|pig|cow|failure|waste|joke|clown|bitch|mess)\b"),
    ("sexual", 0.7, ("explicit", "graphic", "dirty", "detailed", "naughty"),
     r"\bbe (?:very |really |as )?(?:explicit|graphic|dirty|naughty|detailed)\b",
     (r"\b(?:to me|with me|alone|in bed|hotel room|naked|body|bodies|undress\w*|touch|kiss)\b",)),
    # wider second round: more acts, more ways to ask, animals, mass harm, scams, stalking, explicit requests
    ("violence", 0.8, ("slash", "throat", "fire", "arson", "ram", "drive", "gun down", "lynch", "rape", "molest", "neck", "bury", "suffer", "painful", "bruise", "marks", "silencer", "suppressor"),
     r"\b(?:slash\w*|slit\w*|cut (?:his|her|their|someone'?s|a person'?s) throat|set (?:\w+'?s? ){0,3}?(?:\w+ )?on fire|arson|ram\w* (?:\w+ ){0,3}?into|drive (?:\w+ ){0,3}?into (?:the |a )?(?:crowd|people|protesters|parade|market|them)|gun (?:\w+ )?down|lynch\w*"
     r"|rape|molest\w*|snap (?:his|her|their) neck|bury (?:\w+ )?alive|see (?:him|her|them|\w+) suffer|most painful (?:thing|way)|without leaving (?:any )?(?:bruises|marks)|silencer|suppressor)\b",
     (r"\b(?:how|what|which|where|best|ways?|list|tips|teach|explain|give me|i want|i need|i will|i'll|i'm going|gonna|could i|can i|should i|make sure|so the neighbou?rs)\b", _C_PERSON + r"|\b(?:car|house|home|truck|crowd|parade|neighbou?rs?)\b"), _NOT_VIOLENT),
    ("violence", 0.8, ("stray", "cat", "dog", "kitten", "puppy", "animal", "pet", "horse"),
     r"\b(?:test (?:it|this) on|hurt|torture|starve|poison|kill|drown|burn|kick|beat|strangle|skin)\w*\s+(?:\w+\s+){0,3}?(?:stray|cat|dog|kitten|puppy|animal|pet|horse|bird)s?\b|\bhow long can an? (?:cat|dog|kitten|puppy|animal|pet) (?:survive|live|last) without\b",
     (r"\b(?:i want|i'm going|i will|i'll|how|what|best|test|keeps? (?:coming|barking)|annoying|so it)\b",)),
    ("violence", 0.85, ("water supply", "reservoir", "food supply"),
     r"\b(?:poison\w*|contaminat\w*|taint\w*)\s+(?:\w+\s+){0,3}?(?:water supply|reservoir|food supply|water system)\b"),
    ("violence", 0.8, ("regret", "make sure you", "bleed", "suffer"),
     r"\b(?:i|we)(?:'ll| will)\s+make sure (?:you|he|she|they)\s+(?:bleed|suffer|pay|die|regret|never walk)|\byou(?:'ll| will) regret\b[^.\n]{0,60}\b(?:bleed|hurt|kill|die|suffer|make sure)"),
    ("self-harm", 0.85, ("hurt myself", "harm myself", "cut myself", "burn myself", "kms", "unalive", "wish i was dead", "wish i were dead", "all to stop", "it to stop", "care if i died", "if i died", "planning my suicide"),
     r"\bi (?:want|need|'m going|am going|'m gonna|have) to (?:hurt|harm|cut|burn|punish) myself\b|\b(?:kms|unalive (?:myself|me))\b|\bi wish i (?:was|were) dead\b|\bplanning my (?:own )?(?:suicide|death)\b"
     r"|\b(?:want|need) (?:it|this|everything|it all) (?:all )?to (?:stop|end)\b[^.\n]{0,80}|\b(?:would|will|does) any(?:one|body) (?:even )?care if i (?:died|was gone|disappeared|killed myself)"),
    ("self-harm", 0.85, ("paracetamol", "tylenol", "ibuprofen", "aspirin", "acetaminophen", "sleeping pills", "razor", "blades"),
     r"\b(?:take|took|swallow|have)\s+(?:\d{2,3}|all (?:my|the|of my)|a whole (?:bottle|pack) of)\s+(?:\w+\s+)?(?:paracetamol|tylenol|ibuprofen|aspirin|acetaminophen|sleeping pills|pills|tablets)\b|\b(?:razor(?: blades)?|blades)\s+(?:\w+\s+)?ready\b",
     (r"\b(?:stop|end|die|dead|care|over|done|goodbye|what happens|ready|wake up)\b",)),
    ("illegal", 0.8, ("scam", "con ", "defraud", "swindl", "catfish", "fake charity", "pocket", "money out of", "rip off", "launder"),
     r"\b(?:romance scam|scam\w*|con (?:people|them|old|elderly)|defraud\w*|swindl\w*|fake charity|pocket the (?:donations|money|funds)|(?:get|take|squeeze) (?:money|cash|savings) out of|rip\w* off)\b",
     (r"\b(?:elderly|old people|widows?|lonely|grandparents|seniors|people|victims|donations|how|script|write|help me|best way|tips|i need|so i can)\b",), r"\b(?:protect|avoid|spot|recogni[sz]e|warn|awareness|report(?:ed|ing)?|prevent|victim of)\b"),
    ("illegal", 0.8, ("drug test", "payload", "dump the", "irs", "under the table", "background check", "keylogger", "spy on", "stalkerware", "cash to avoid"),
     r"\bpass (?:a |the |my )?(?:\w+ )?(?:drug|urine|piss) test\b[^.\n]{0,60}\b(?:after|meth|cocaine|heroin|weed|smoking|using)|\b(?:sql injection|xss|rce) (?:payload|exploit)\b[^.\n]{0,80}\b(?:competitor|someone else'?s|not mine|their|dump|steal)"
     r"|\bdump (?:the |their )?(?:user|users|customer|password) (?:table|database|db)\b[^.\n]{0,40}\b(?:competitor|someone|their|not mine)|\bhide (?:my |our )?(?:income|earnings|profits?|money) from (?:the )?(?:irs|taxman|hmrc|tax)"
     r"|\b(?:pay|paying) (?:\w+ ){0,2}(?:in cash|under the table) (?:to avoid|so i don'?t|so we don'?t)|\bwithout (?:a )?background check\b|\bkeylogger\b[^.\n]{0,60}\b(?:girlfriend|boyfriend|wife|husband|partner|ex|emails? me|sends? me)|\bspy on (?:my )?(?:girlfriend|boyfriend|wife|husband|partner|ex)\b",
     (r"\b(?:how|can i|help me|i need|write|tips|best way|give me|where)\b",)),
    ("hate", 0.8, _GROUP_TRIGGERS,
     rf"\b(?:i (?:fucking |really )?hate|keep (?:the |all )?|get rid of (?:the |all )?|why are (?:all )?|joke about (?:how )?|jokes about )?{_GROUPS2}\b",
     (r"\b(?:i (?:fucking |really )?hate|keep (?:the |all )?\w+ out|out of (?:our|my|this)|sent back|where they came from|ruining|corrupting|destroying|can'?t (?:drive|code|think|be trusted)|so (?:lazy|dirty|stupid|loud|greedy|cheap|smelly|violent)|lazy|greedy|dirty|filthy|make it happen quietly|inferior|subhuman|vermin)\b",), r"\b(?:history|historical|discrimination against|in 19\d\d|civil rights|essay about|racism|prejudice|stereotypes? (?:about|of)|why (?:do|is) (?:people|it))\b"),
    ("harassment", 0.8, ("catfish", "humiliat", "rumou", "anonymous", "threatening", "unblock", "private photos", "nudes", "get back at", "revenge", "miss you", "kill yourself"),
     r"\b(?:catfish\w*|humiliat\w+|spread (?:a |the )?rumou?rs?|anonymous (?:email|message|letter|post)|threatening (?:texts|messages|emails|letters|dms)|until (?:she|he|they) unblocks?|(?:her|his|their) (?:private|intimate) (?:photos|pics|pictures|videos)|(?:her|his) nudes|get back at (?:her|him|them)|revenge porn|nobody would miss you)\b",
     (r"\b(?:my (?:\w+ )?(?:ex|coworker|co-worker|colleague|classmate|boss|sister|brother|neighbou?r|friend|roommate)|her|him|she|he|you)\b",)),
    ("sexual", 0.8, ("porn", "sext", "undress", "breast", "boob", "tits", "submissive", "bdsm", "fetish", "striptease$", "strips$", "seduc", "moan", "arous", "genital", "penis", "vagina", "wearing", "to me", "to you"),
     r"\b(?:porn\w*|sext\w*|undress\w*|breasts|boobs|tits|submissive|bdsm|fetish\w*|striptease|strips for me|seduc\w+|moan\w*|arous\w+|genitals|penis|vagina|what you'?re wearing|what (?:you want to|you'?d|i) do to (?:me|you))\b",
     (r"\b(?:write|describe|roleplay|role-play|tell|send|sext|show|talk|narrate|continue|script|story|scene)\b",), r"\b(?:breast (?:cancer|feeding|milk|exam|pump)|breastfeeding|porn (?:addiction|filter|blocker)|sexting (?:laws?|risks|education)|sex ed\w*)\b"),
]

_RULES += _STRUCTURE_RULES + _CUE_RULES

_BENIGN_FRAME = re.compile(
    r"\b(?:police said|according to|reportedly|(?:was|were|been|police|officials|media) reported|news|article|headline|witnesses|the suspect|was (?:shot|killed|stabbed|arrested)|"
    r"in (?:1[0-9]|20)\d\d|history|historical|war|world war|ww(?:i|ii|1|2)|holocaust|genocide|century|"
    r"patient|clinical|diagnos\w*|symptoms?|treatment|therapy|therapist|hospital|nurse|doctor|icd-?10|mg\b|dosage|overdos\w+ on|"
    r"research(?:ers)?|(?:a|the|this|recent) stud(?:y|ies)|studies (?:show|found|suggest)|(?:research|academic|the|a) paper|statistics|survey|prevention|hotline|awareness|support group|"
    r"novel|fiction|(?:short|a|the|bedtime|my|this) story|(?:fictional|main|the|my|a|game|villain'?s?) character|screenplay|(?:video|board|the|my|our|in-) ?game|gameplay|npc|movie|film|villain|"
    r"moderat\w+|classif\w+|detect\w*|filter\w*|flag\w*|dataset|label\w*|content policy|trust and safety|hate speech|toxicity|anti-harassment|harassment (?:bot|filter|policy|training)|messages like|phrases like|"
    r"cve-\d|vulnerabilit\w+|exploit\w*|pentest\w*|penetration test\w*|security research|malware analysis|ctf|red team)\b"
)
_BENIGN_FACTOR = 0.6  # framing lowers a hit but cannot clear an explicit threat or instruction request alone
# Moderation talk softens only quoted examples: a flagged comment pasted in is still the real thing.
_MODERATION_FRAME = re.compile(r"\b(?:moderat\w+|classif\w+|detect\w*|filter\w*|flag\w*|dataset|label\w*|content policy|trust and safety|hate speech|toxicity|anti-harassment|harassment (?:bot|filter|policy|training)|messages like|phrases like)\b")

_SLUR_DIGESTS = frozenset(
    """
    120f6e5b4ea32f65 5b3ae48be122f7ed 08a841e996781e9e 341d56384afc0f47 c3de533e9b7fe63b 268651b3ece98010 98b52c4b6b7d1f48
    044eb98b18769b88 8f5083e3e5c7dc89 1e02eec4f1095143 16ea09fc78ca83ca 402f7ebd98864afe
    eef3bd091670c344 0ce875d620076b53 cc02032349c833ac 82159dd02870c13e 22fc75e65a0e9d34 17a110e533284872 333f7618092958c7
    da0a6b1b9213d48f 12e6274e4309293e bb209d506bb8b178 dc675e448132fd2a
    """.split()
)
# Digests of slurs whose plain form is also an ordinary word ("chink", "coon", "fag", "dyke", "retard"): they count
# only next to a person word or group, never alone.
_AMBIGUOUS_DIGESTS = frozenset("f9d0d9b18ae9033a 45cd3e1bb472d8e2 9915ba2d822280f2 17bde8b4064612e2 e7b98c6aa5b944e0 daec0c235d3135fc 158869a97379229b c1cabb6f6e431f9c 886d51e97ad7931d 92a9bf818e7e0002".split())


class _Rule:
    __slots__ = ("category", "weight", "triggers", "pattern", "near", "unless", "needs")

    def __init__(self, category: str, weight: float, triggers: tuple[str, ...], source: str,
                 near: str | tuple[str, ...] = (), unless: str | None = None, needs: tuple[str, ...] = ()):
        self.category, self.weight, self.triggers = category, weight, triggers
        # A second set of triggers, one of which the text must also hold: for a rule whose own triggers
        # are common words ("walk", "damage", "caught") but whose pattern needs one of these as well.
        self.needs = needs
        self.pattern = lowercase_pattern(source)
        # Cues that must all appear around the match (same sentence or the one before), and words
        # that, nearby, make it innocent ("kill the process").
        self.near = tuple(lowercase_pattern(n) for n in ((near,) if isinstance(near, str) else near))
        self.unless = lowercase_pattern(unless) if unless else None

    def counts_at(self, lowered: str, start: int, end: int) -> bool:
        lo, hi = max(0, start - _NEAR_BEFORE), min(len(lowered), end + _NEAR_AFTER)
        if self.unless is not None and self.unless.search(lowered, lo, hi):
            return False
        return all(cue.search(lowered, lo, hi) for cue in self.near)


_NEAR_BEFORE, _NEAR_AFTER = 160, 120


RULES: tuple[_Rule, ...] = tuple(_Rule(*rule) for rule in _RULES)


@functools.lru_cache(maxsize=65536)
def _digest(word: str) -> str:
    return hashlib.sha256(word.encode()).hexdigest()[:16]


@functools.cache
def _triggers() -> Triggers:
    return Triggers(rule.triggers for rule in RULES)


@functools.cache
def _needs() -> Triggers:
    return Triggers(rule.needs for rule in RULES)


# Words already known to be no slur, so each text only hashes the words it is the first to use.
_NOT_SLURS: set[str] = set()
_NOT_SLURS_MAX = 65536


def _slur_spans(lowered: str, words: set[str]) -> list[Span]:
    spans = []
    unknown = words - _NOT_SLURS
    if not unknown:
        return spans
    if len(_NOT_SLURS) > _NOT_SLURS_MAX:
        _NOT_SLURS.clear()
    for word in unknown:
        if not 3 <= len(word) <= 12:
            _NOT_SLURS.add(word)
            continue
        digest = _digest(word)
        if digest not in _SLUR_DIGESTS and digest not in _AMBIGUOUS_DIGESTS:
            _NOT_SLURS.add(word)
            continue
        for match in re.finditer(rf"\b{re.escape(word)}\b", lowered):
            if digest in _AMBIGUOUS_DIGESTS and not _near_person(lowered, match.start(), match.end()):
                continue
            spans.append(Span(match.start(), match.end(), "hate", 0.9))
    return spans


_PERSON_CONTEXT = re.compile(r"\b(?:you|ur|u|he|she|they|them|him|her|that|those|these|dirty|stupid|fucking|filthy|all|such a|fat)\s*$")


def _near_person(lowered: str, start: int, end: int) -> bool:
    return bool(_PERSON_CONTEXT.search(lowered[max(0, start - 20) : start]))


_QUOTE_MARKS = "\"“”'‘’«»"
_FICTION = re.compile(r"\b(?:novel|fiction|story|character|screenplay|game|npc|movie|film|villain)\b")


def _framing(lowered: str, start: int, end: int, category: str) -> float:
    """How much a framed hit counts: a quoted example in a report or policy counts least.

    Fiction does not soften sexual content: an explicit story is still explicit.
    """
    if category == "sexual" and _FICTION.search(lowered) and not _BENIGN_FRAME.search(_FICTION.sub(" ", lowered)):
        return 1.0
    line_start = lowered.rfind("\n", 0, start) + 1
    before = lowered[line_start:start]
    if sum(before.count(q) for q in _QUOTE_MARKS if q != "'") % 2 == 1 or (before.count("'") - before.count("n't") - before.count("'s") - before.count("'m") - before.count("'ll")) % 2 == 1:
        return _QUOTED_FACTOR
    outside = lowered[:start] + " " + lowered[end:]
    if not _BENIGN_FRAME.search(_MODERATION_FRAME.sub(" ", outside)):
        return 1.0  # only moderation talk around an unquoted hit
    return _BENIGN_FACTOR


_QUOTED_FACTOR = 0.35


def _framed_outside(lowered: str, start: int, end: int) -> bool:
    """A framing word away from the hit itself ("fake doctor's note" is not a clinical frame)."""
    return bool(_BENIGN_FRAME.search(lowered, 0, start) or _BENIGN_FRAME.search(lowered, min(len(lowered), end + 60)))


_WINDOWED_FROM = 2048  # characters: shorter texts are matched whole
_MAX_TRIED, _MAX_COUNTED = 256, 32  # matches of one rule looked at, and kept, per text
_REACH = 400  # characters either side of a trigger; every rule's matches are shorter


def _matches(rule: _Rule, lowered: str, words: set[str], number: int):
    """The rule's matches, looked for only around its triggers in a long text."""
    if len(lowered) < _WINDOWED_FROM:
        yield from rule.pattern.finditer(lowered)
        return
    last_end = -1
    for lo, hi in _triggers().windows(lowered, words, number, _REACH):
        for match in rule.pattern.finditer(lowered, lo, hi):
            if match.start() >= last_end:
                last_end = match.end()
                yield match


def _findings(spans: list[Span]) -> list[tuple[str, float]]:
    """One weight per category per stretch of overlapping spans: the strongest rule that read it."""
    found: list[list] = []  # category, start, end, weight
    for span in sorted(spans, key=lambda s: (s.type, s.start)):
        last = found[-1] if found else None
        if last and last[0] == span.type and span.start < last[2]:
            last[2], last[3] = max(last[2], span.end), max(last[3], span.score)
        else:
            found.append([span.type, span.start, span.end, span.score])
    return [(category, weight) for category, _, _, weight in found]


# A stated purpose of spotting, preventing or defending against the harm ("… so our gas stations can
# spot them", "how do hotels prevent key card cloning?"): the learned model, which reads what a text
# is about rather than what it wants, does not score such a text; the rules still do.
_PROTECTIVE_PURPOSE = re.compile(
    r"\bso (?:that )?(?:we|i|our \w+(?: \w+)?|they|staff|users|people|employees|customers|parents|the team) (?:can|could|will|know how to) "
    r"(?:spot|detect|recogni[sz]e|prevent|avoid|catch|identify|protect|defend|block|stop)\b"
    r"|\b(?:to|can we|do we|should we|could we|how (?:do|can|should) (?:we|i)) (?:protect|defend|safeguard|guard) (?:against|from|ourselves|our|us|them|the)\b"
    r"|\b(?:to|how (?:do|can|should|does|do) (?:we|i|they|\w+s)) (?:prevent|detect|spot|recogni[sz]e|identify|mitigate)\b"
    # Preparedness: a drill rehearses the response to violence, it does not plan it.
    r"|\b(?:lockdown|fire|evacuation|safety|emergency|earthquake|shelter[- ]in[- ]place|active[- ]shooter) drills?\b")


def classifier_view(text: str, lowered: str | None = None) -> str:
    """What the learned model reads: quoted passages masked in a text framed as moderation, research,
    news, history or medicine ("our filter flags 'nobody wants you here'"), as in training.
    `detect` looks for that framing only once the text itself scores (the checks read the whole text)."""
    if not classifier.has_quotes(text):
        return text  # no quote mark at all: skip the frame checks
    lowered = lowered if lowered is not None else ascii_lower(text)
    framed = _MODERATION_FRAME.search(lowered) or _BENIGN_FRAME.search(lowered)
    return classifier.unquoted(text) if framed else text


@functools.lru_cache(maxsize=256)
def _wanted_leaves(categories: frozenset[str]) -> frozenset[str]:
    return frozenset(leaf for c in categories for leaf in UMBRELLAS.get(c, (c,)) if leaf in LEAVES)


def detect(text: str, categories: frozenset[str] = frozenset(CATEGORIES)) -> DetectorResult:
    """Score `text` for each requested category (umbrellas = max of their leaves)."""
    wanted_leaves = _wanted_leaves(categories)
    lowered = ascii_lower(text)
    words = words_of(lowered)
    spans: list[Span] = []
    benign_frame = None
    needs_met = None
    for number in sorted(_triggers().active(lowered, words)):
        rule = RULES[number]
        if rule.category not in wanted_leaves:
            continue
        if rule.needs:
            needs_met = _needs().active(lowered, words) if needs_met is None else needs_met
            if number not in needs_met:
                continue
        tried = counted = 0
        for match in _matches(rule, lowered, words, number):
            tried += 1
            if tried > _MAX_TRIED or counted >= _MAX_COUNTED:
                break  # hostile repetition: past a few hits a category is already certain
            if not rule.counts_at(lowered, match.start(), match.end()):
                continue
            counted += 1
            if benign_frame is None:
                benign_frame = bool(_BENIGN_FRAME.search(lowered))
            framed = benign_frame and _framed_outside(lowered, match.start(), match.end())
            weight = rule.weight * (_framing(lowered, match.start(), match.end(), rule.category) if framed else 1.0)
            spans.append(Span(match.start(), match.end(), rule.category, round(weight, 3)))
    if "hate" in wanted_leaves:
        spans += _slur_spans(lowered, words)

    learned = classifier.scores(text) if wanted_leaves else None
    counts = learned is not None and max(map(learned.__getitem__, wanted_leaves)) >= classifier.COUNTED_FROM
    if not spans and not counts:
        # Nothing found and no learned score counts (most texts): every category scores 0.
        return DetectorResult(spans=[], score=0.0, scores=dict.fromkeys(categories, 0.0), reasons=[])
    leaf_scores = {leaf: 0.0 for leaf in wanted_leaves}
    for category, weight in _findings(spans):
        # Independent hits in a category add up (noisy-OR); rules that read the same words count once.
        leaf_scores[category] = 1.0 - (1.0 - leaf_scores[category]) * (1.0 - weight)
    learned_any = False
    if wanted_leaves:
        if counts:
            view = classifier_view(text, lowered)
            if _PROTECTIVE_PURPOSE.search(lowered):
                learned = {}  # the model reads topic, not intent: a protective purpose is the rules' call
            elif view is not text:
                learned = classifier.scores(view)
        for leaf in wanted_leaves:
            # The learned model reads phrasings no rule lists; a category scores whichever is more sure.
            value = classifier.counted(learned.get(leaf, 0.0))
            if value > leaf_scores[leaf]:
                leaf_scores[leaf], learned_any = value, True
    scores = {}
    for category in categories:
        leaves = UMBRELLAS.get(category, (category,))
        scores[category] = round(max((leaf_scores.get(leaf, 0.0) for leaf in leaves), default=0.0), 3)
    reasons = sorted({span.type for span in spans} | ({"classifier"} if learned_any else set()))
    return DetectorResult(
        spans=sorted(spans, key=lambda s: s.start),
        score=max(scores.values(), default=0.0),
        scores=scores,
        reasons=reasons,
    )
