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

Slurs are matched by SHA-256 digest, so the source holds no slur list in clear text.
"""

from __future__ import annotations

import functools
import hashlib
import re

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
     r"\b(?:sexual|sexy|nude|naked|explicit|erotic|porn\w*|nsfw|lewd|sex)\s+(?:\w+\s+){0,3}?(?:child(?:ren)?|minors?|underage|preteens?|kids?|loli|(?:1[0-5]|[5-9])[- ]?(?:year[- ]old|yo)s?)\b|"
     r"\b(?:child(?:ren)?|minors?|underage|preteens?|kids?|(?:1[0-5]|[5-9])[- ]?(?:year[- ]old|yo))\s+(?:\w+\s+){0,2}?(?:porn\w*|nudes?|naked (?:pics|photos|pictures)|sex (?:videos?|pics|photos)|erotica)\b|\bcp (?:links?|videos?|trading)\b"
)

# (category, weight, trigger word prefixes, pattern source). Patterns run on lowercased text.
_RULES: list[tuple[str, float, tuple[str, ...], str]] = [
    # violence: instructions for weapons, plans and threats against people
    ("violence", 0.9, ("bomb", "explos", "ied", "molotov", "grenade", "napalm", "thermite", "detonat", "nerve", "sarin", "vx", "ricin",
                       "anthrax", "gas", "weapon", "gun", "silencer", "suppressor"),
     rf"\b{_HOWTO}\s+(?:\w+\s+){{0,3}}?{_MAKE}\s+(?:\w+\s+){{0,2}}?{_WEAPONS}\b"),
    ("violence", 0.9, ("kill", "murder", "poison", "strangl", "stab", "shoot", "hurt", "attack", "torture", "kidnap", "drown", "suffocat", "beat"),
     rf"\b(?:{_HOWTO}|best way to|easiest way to|quickest way to|fastest way to|i want to|i need to|i'm going to|i am going to|i'm gonna|i will|i'll|going to)\s+"
     rf"(?:\w+\s+){{0,2}}?(?:kill|murder|poison|strangle|stab|shoot|hurt|attack|torture|kidnap|drown|suffocate|beat up|run over)\s+{_PEOPLE}\b"),
    ("violence", 0.85, ("kill", "murder", "shoot", "stab", "bomb", "blow", "burn", "hurt", "strangl", "slit", "rape", "behead"),
     r"\b(?:i(?:'m| am)? (?:going to|gonna|will|'ll|want to|wanna)|we(?:'re| are)? (?:going to|gonna|will)|i'll)\s+(?:\w+\s+){0,2}?"
     r"(?:kill|murder|shoot|stab|bomb|blow up|burn down|hurt|strangle|slit|rape|behead|end)\s+(?:you|him|her|them|your\b|his\b|their\b|everyone|all of you|the whole|that (?:bitch|bastard)|my (?:\w+ )?(?:wife|husband|boss|teacher|family|neighbou?r|ex|mom|dad|coworker|classmates?|landlord))"),
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

_BENIGN_FRAME = re.compile(
    r"\b(?:police said|according to|reported(?:ly)?|news|journalist|article|headline|witnesses|the suspect|was (?:shot|killed|stabbed|arrested)|"
    r"in (?:1[0-9]|20)\d\d|history|historical|war|world war|ww(?:i|ii|1|2)|holocaust|genocide|century|"
    r"patient|clinical|diagnos\w*|symptoms?|treatment|therapy|therapist|hospital|nurse|doctor|icd-?10|mg\b|dosage|overdos\w+ on|"
    r"research(?:ers)?|study|studies|paper|statistics|survey|prevention|hotline|awareness|support group|"
    r"novel|fiction|story|character|screenplay|game|npc|movie|film|villain|"
    r"moderat\w+|classif\w+|detect\w*|filter\w*|flag\w*|dataset|label\w*|content policy|trust and safety|"
    r"cve-\d|vulnerabilit\w+|exploit\w*|pentest\w*|penetration test\w*|security research|malware analysis|ctf|red team)\b"
)
_BENIGN_FACTOR = 0.6  # framing lowers a hit but cannot clear an explicit threat or instruction request alone

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
    __slots__ = ("category", "weight", "triggers", "pattern")

    def __init__(self, category: str, weight: float, triggers: tuple[str, ...], source: str):
        self.category, self.weight, self.triggers = category, weight, triggers
        self.pattern = lowercase_pattern(source)


RULES: tuple[_Rule, ...] = tuple(_Rule(*rule) for rule in _RULES)


@functools.lru_cache(maxsize=65536)
def _digest(word: str) -> str:
    return hashlib.sha256(word.encode()).hexdigest()[:16]


@functools.cache
def _triggers() -> Triggers:
    return Triggers(rule.triggers for rule in RULES)


def _slur_spans(lowered: str, words: set[str]) -> list[Span]:
    spans = []
    for word in words:
        if 3 <= len(word) <= 12:
            digest = _digest(word)
            if digest in _SLUR_DIGESTS or digest in _AMBIGUOUS_DIGESTS:
                for match in re.finditer(rf"\b{re.escape(word)}\b", lowered):
                    if digest in _AMBIGUOUS_DIGESTS and not _near_person(lowered, match.start(), match.end()):
                        continue
                    spans.append(Span(match.start(), match.end(), "hate", 0.9))
    return spans


_PERSON_CONTEXT = re.compile(r"\b(?:you|ur|u|he|she|they|them|him|her|that|those|these|dirty|stupid|fucking|filthy|all|such a|fat)\s*$")


def _near_person(lowered: str, start: int, end: int) -> bool:
    return bool(_PERSON_CONTEXT.search(lowered[max(0, start - 20) : start]))


def detect(text: str, categories: frozenset[str] = frozenset(CATEGORIES)) -> DetectorResult:
    """Score `text` for each requested category (umbrellas = max of their leaves)."""
    wanted_leaves = {leaf for c in categories for leaf in UMBRELLAS.get(c, (c,)) if leaf in LEAVES}
    lowered = ascii_lower(text)
    words = words_of(lowered)
    spans: list[Span] = []
    benign_frame = None
    for number in sorted(_triggers().active(lowered, words)):
        rule = RULES[number]
        if rule.category not in wanted_leaves:
            continue
        for match in rule.pattern.finditer(lowered):
            if benign_frame is None:
                benign_frame = bool(_BENIGN_FRAME.search(lowered))
            weight = rule.weight * (_BENIGN_FACTOR if benign_frame else 1.0)
            spans.append(Span(match.start(), match.end(), rule.category, round(weight, 3)))
    if "hate" in wanted_leaves:
        spans += _slur_spans(lowered, words)

    leaf_scores = {leaf: 0.0 for leaf in wanted_leaves}
    for span in spans:
        # Independent hits in a category add up (noisy-OR); one hit is its own weight.
        leaf_scores[span.type] = 1.0 - (1.0 - leaf_scores[span.type]) * (1.0 - span.score)
    scores = {}
    for category in categories:
        leaves = UMBRELLAS.get(category, (category,))
        scores[category] = round(max((leaf_scores.get(leaf, 0.0) for leaf in leaves), default=0.0), 3)
    reasons = sorted({span.type for span in spans})
    return DetectorResult(
        spans=sorted(spans, key=lambda s: s.start),
        score=max(scores.values(), default=0.0),
        scores=scores,
        reasons=reasons,
    )
