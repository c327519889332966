"""Crisis language: does a story, reply, title or search sound like someone in danger?

``detect(text)`` gives a level — ``none``; ``concern`` (the poster sees a caring page with
resources); ``urgent`` (also the top of the moderators' queue and the webhook) — with a score
and the phrases that counted. ``detect_many(title, body)`` takes the highest of several.

- ``PHRASES`` is the maintained list: id, weight, pattern. The score is the sum of the weights
  of the distinct phrases found, each at its strongest match; a phrase inside a stronger one
  ("kill myself" in "tried to kill myself") adds nothing. 1.0 is urgent on its own; concern
  phrases (0.4–0.7) add up; weak ones (0.2–0.3: "killing me", "relapsed") only tip a sum.
- A pattern is a regex over folded text matching whole words: no letter or digit may touch
  either end ("skill myself up" is not "kill myself"). A space in a pattern is any run of
  spaces, hyphens and underscores, or none ("self-harm", "selfharm", "kill my self").
- Folding, linear: zero-width characters and soft hyphens go; NFKD, combining marks dropped,
  casefold ("ＳＵÍＣＩＤＥ" → "suicide"); Cyrillic and Greek look-alikes become Latin; curly
  apostrophes straight; letters spaced out ("s u i c i d e", "k.i.l.l") joined; in a word with
  letters, digits and @ $ read as letters ("k1ll", "d13"), while "988" stays a number.
- A match keeps ``NEGATED_FACTOR`` of its weight when a negation ("not", "never", "don't", "no
  longer"…) is among the few words before it in its clause, and ``CONTEXT_FACTOR`` when its
  clause reads as an idiom ("dying to know", "this commute is killing me"), a report ("my
  friend said she…"), recovery ("two years ago", "used to"), support ("if you're thinking about
  suicide, please call 988") or news. A clause ends at punctuation and at "and", "but", "so"…:
  "I'm not okay and I want to die" is not negated. ``matched`` names each phrase, strongest
  first, with why it was weighed down: ``("want_to_die", "suicide (supportive)")``.

Speed: one regex finds where phrases start, at word starts only, with no nested unbounded
quantifiers; each match looks at a bounded window. bench/crisis.py measures it.

Known limits — a screen that errs towards care, not a judge:
- English only; Cyrillic and Greek are read as Latin look-alikes. Only the listed digit swaps
  ("ki11" is not read).
- Negation looks back a few words in the clause only: "suicidal? no." counts. "Not sure",
  "don't know" are not negations. Hyperbole outside the idiom list ("I could kill myself for
  forgetting") counts as meant; a hotline or report word in the clause weighs a real cry down.
- Phrases are about the writer: "my son says he wants to die" is not detected.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum

URGENT_THRESHOLD = 1.0  # score at or above which a text is urgent
CONCERN_THRESHOLD = 0.4  # score at or above which a text is a concern
NEGATED_FACTOR = 0.1  # weight kept by a negated match ("I'm not suicidal")
CONTEXT_FACTOR = 0.2  # weight kept by a match in an idiom, report, recovery, support or news
NEGATION_WINDOW_WORDS = 4  # words before a match that a negation may be in
CONTEXT_WINDOW_CHARS = 80  # characters either side of a match that its clause may span
FOLD_CACHE_CHARACTERS = 50_000  # distinct characters the folding table remembers


class CrisisLevel(StrEnum):
    NONE = "none"
    CONCERN = "concern"
    URGENT = "urgent"


_RANK = {CrisisLevel.NONE: 0, CrisisLevel.CONCERN: 1, CrisisLevel.URGENT: 2}


@dataclass(frozen=True)
class Detection:
    level: CrisisLevel
    score: float
    matched: tuple[str, ...]  # phrase ids, strongest first; "id (reason)" if weighed down


_MACROS = {
    "im": r"(?:i'?m|i am)", "ive": r"(?:i'?ve|i have)", "dont": r"(?:don'?t|do not)",
    "cant": r"(?:can'?t|cannot|can not)", "wont": r"(?:won'?t|will not)", "myself": "my self",
    "going": r"(?:going to|gonna|about to|planning to|plan to|want to|wanna|ready to|i'?ll)",
    "kin": r"(?:kids?|children|son|daughter|baby|family|wife|husband|partner|mum|mom|parents)",
    "child": r"(?:my|the|our) (?:baby|babies|newborn|son|daughter|kids?|child|children|twins)",
    "adv": r"(?:(?:just|really|so|honestly|seriously|still|actually|kind of|kinda|very) ){0,2}",
    "pills": r"(?:pills|tablets|meds)",
    "not_a_thing": r"(?! (?:of|in) (?:the|a|an|this|that|these|those|having|using|doing|your)\b)",
}

# (id, weight, pattern); patterns are written folded (lower case, straight apostrophes).
PHRASES: tuple[tuple[str, float, str], ...] = (
    # Intent, said outright
    ("kill_myself", 1.0, r"kill(?:ing)? <myself>"),
    ("end_my_life", 1.0, r"(?:end|ending|take|taking) my (?:own )?life(?! back| in| into)"),
    ("end_it", 1.0, r"end(?:ing)? it (?:all|tonight|today|tomorrow|now|soon|this weekend)"
        r"|<going> end it(?! with| between| off| for (?:him|her|them|us))"),
    ("want_to_die", 1.0, r"want(?:ing)? to die|wanna die|(?:ready|deserve) to die|let me die"
        r"|should (?:just )?die|might as well (?:just )?die|wish i (?:was|were) dead"
        r"|better off dead|want to be dead"),
    ("suicidal_me", 1.0, r"(?:<im>|<ive> been|i feel|feeling|i was|been) <adv>suicidal"),
    ("suicidal_thoughts", 1.0, r"suicidal (?:thoughts|ideation|feelings|urges)"
        r"|(?:considering|contemplating|commit(?:ting)?) suicide"
        r"|(?:thinking|think|thought|thoughts) (?:about|of) (?:suicide"
        r"|killing <myself>|ending (?:it(?! with)|my life)|taking my (?:own )?life"
        r"|not waking up)"),
    ("unalive_myself", 1.0, r"unaliv(?:e|ing) <myself>|commit(?:ting)? (?:sewer slide|sudoku)"),
    ("kms", 1.0, r"(?<!\d)(?<!\d\s)kms"),
    ("dont_want_to_live", 1.0, r"(?:<dont>|no longer|never) (?:want|wanna) (?:to )?(?:live"
        r"|be alive|exist|be here(?! (?:at|in|for|with|on|today)\b))"
        r"|<dont> deserve to (?:live|be alive|be here|exist)"),
    ("not_safe", 1.0, r"not safe (?:with|from|around|by) <myself>"
        r"|<dont> trust <myself> (?:tonight|right now|anymore)"),
    ("tried_to_die", 1.0, r"(?:attempted|tried) (?:suicide|to (?:kill|end|take) (?:<myself>"
        r"|my (?:own )?life|it all))|i (?:just )?overdosed"),
    # Plans and means, named without detail
    ("plan", 1.0, r"(?:have|made|got|making) (?:a|the) plan to (?:die|end|kill|take my)"
        r"|(?:decided|know|figured out|worked out|planned) (?:how|when) (?:i'?ll|i'?m going to"
        r"|i will|to) (?:do it|end it|die)"),
    ("means", 1.0, r"(?:saving|saved|stockpil(?:e|ed|ing)|hoard(?:ed|ing)) (?:up )?(?:my |the "
        r"|enough |all my )?<pills>|took (?:too many|all (?:my|the)|a handful of) <pills>"
        r"|(?:have|got) (?:the|my|enough) <pills> (?:ready|in front of me|lined up|counted)"),
    ("overdose_intent", 1.0, r"(?:<going>|thinking (?:about|of)) (?:overdos(?:e|ing)"
        r"|tak(?:e|ing) all (?:my|the|of my) <pills>)"),
    # Goodbyes
    ("goodbye", 1.0, r"(?:suicide|goodbye) (?:note|letter)s?|goodbye (?:forever|world)"),
    ("last_post", 1.0, r"this (?:is|will be) my (?:last|final) (?:post|message|words)"
        r"(?! (?:before|until|for|of the|on|about|here for|in)\b)"),
    ("tell_them_i_loved_them", 1.0, r"tell (?:my <kin>|them|him|her) (?:that )?i loved "
        r"(?:them|him|her|you)|please tell my <kin> (?:that )?i love (?:them|him|her)"),
    ("wont_be_here", 1.0, r"<wont> be (?:here|around|alive) (?:tomorrow|much longer|for long"
        r"|by (?:morning|tomorrow))|by the time (?:you|anyone|someone) reads? this"
        r"|(?:not going to|not gonna|<wont>) (?:make it|survive) (?:through )?(?:the night"
        r"|tonight|this week|much longer)"),
    ("said_my_goodbyes", 0.8, r"(?:said|saying) (?:all )?my goodbyes(?! to)"),
    ("goodbye_everyone", 0.5, r"(?:goodbye|bye) (?:everyone|all of you|friends)"),
    ("take_care_of_them", 0.3, r"(?:take care of|look after) my (?:<kin>|cat|dog|pets?)"),
    ("sorry_for_everything", 0.3, r"sorry for everything"),
    # Burden and hopelessness
    ("better_off_without_me", 1.0, r"better off (?:without me|with me gone|if i (?:(?:was|were)"
        r" (?:gone|dead)|(?:wasn'?t|weren'?t|was not|were not) (?:here|around|alive)|died"
        r"|disappeared|didn'?t exist))"),
    ("easier_if_gone", 1.0, r"(?:easier|better|happier)(?: for (?:everyone|them|my <kin>))? "
        r"(?:if|when|once) i(?:'?m| was| were)? (?:just )?(?:gone|dead|(?:wasn'?t|weren'?t"
        r"|not) (?:here|around|alive))"),
    ("cant_go_on", 1.0, r"<cant> (?:go on|carry on)(?! (?:a|an|the|that|this|my|our|holiday"
        r"|vacation|trips?|rides?|dates?|stage|tour|leave|about)\b)|<dont> think i can "
        r"(?:go on|keep going|do this anymore|survive|make it|keep living)"),
    ("no_reason_to_live", 1.0, r"(?:(?:<dont>|<cant>) (?:see|find|have|think of) )?(?:no|any|a"
        r"|one) (?:good )?(?:reason|point|purpose) (?:left )?(?:to|in|of) (?:live|living"
        r"|be(?:ing)? alive|go(?:ing)? on|keep(?:ing)? (?:going|living)|be(?:ing)? here"
        r"|exist(?:ing)?)|nothing (?:left )?to live for|what(?:'?s| is) the point (?:of|in) "
        r"(?:living|life|going on|being alive|being here)"),
    ("life_not_worth_living", 1.0, r"not worth living|life (?:isn'?t|is not|'?s not|is no "
        r"longer|doesn'?t feel|no longer feels) worth (?:living|it)"),
    ("tired_of_living", 1.0, r"(?:tired|sick|exhausted|done) (?:of|with) (?:living|life"
        r"|being alive|existing)|giv(?:e|ing|en) up on (?:life|living)"),
    ("never_wake_up", 1.0, r"(?:sleep|go to sleep|fall asleep) (?:forever|and (?:never|not) "
        r"wake up)|(?:hope|wish) i (?:<dont>|never|<wont>) wake up"
        r"|<dont> (?:want|wanna) (?:to )?wake up"),
    ("dont_care_if_i_die", 1.0, r"<dont> care (?:if|whether) i (?:live|die|wake up|make it)"),
    ("nobody_would_care", 0.7, r"(?:nobody|no one|noone)(?: would| will|'?d)?(?: even| really)?"
        r" (?:miss me|care if i|notice if i|care when i|notice when i)"),
    ("dont_see_the_point", 0.7, r"<dont> see (?:the|any) point<not_a_thing>"),
    ("burden", 0.6, r"(?:<im>|i feel like|feel like|i feel|become|being) (?:such |just |only "
        r"|nothing but |)a (?:huge |big |total |complete )?burden"),
    ("cant_take_it", 0.6, r"<cant> (?:do this|do it|take (?:it|this)|handle (?:it|this)|cope"
        r"|deal with (?:it|this)) (?:anymore|any more|much longer)|<cant> take much more"),
    ("never_born", 0.6, r"wish i(?:'?d| had)? never been born"),
    ("past_wish_to_die", 0.6, r"wanted to (?:die|kill <myself>|end (?:it all|my life))"
        r"|felt like dying"),
    ("no_way_out", 0.5, r"no way out|(?:feel|feeling|<im>) (?:so )?trapped"),
    ("dont_care_what_happens", 0.5, r"<dont> care (?:what happens to me|about anything)"),
    ("disappear", 0.45, r"(?:wish i could|want to|wanna|i'?d like to|could just) (?:just )?"
        r"(?:disappear|vanish)|(?:run|go|walk) away and (?:disappear|never come back)"),
    ("tired_of_everything", 0.45, r"(?:tired|sick|exhausted) of (?:everything|it all"
        r"|all of it|fighting|trying|pretending)"),
    ("thinking_of_death", 0.45, r"(?:think|thinking|thought|thoughts) (?:about|of) (?:death"
        r"|dying)(?! (?:of|from)\b)"),
    ("what_is_the_point", 0.4, r"what(?:'?s| is) the point<not_a_thing>"),
    ("hopeless", 0.4, r"hopeless(?:ness)?(?! (?:at|with|romantic)\b)|(?:lost|losing) all hope"
        r"|giv(?:e|en|ing) up (?:all )?hope|no hope left|there'?s no hope"),
    ("nothing_matters", 0.4, r"nothing (?:matters|means anything)|(?:everything|life) "
        r"(?:feels|seems|is) (?:pointless|meaningless)"),
    ("numb", 0.4, r"(?:feel|feeling|felt|<im>|gone|so|completely|totally|emotionally) numb"
        r"|(?:feel|feeling) nothing(?! (?:but|except|for|about)\b)|(?:<cant>|<dont>) feel "
        r"anything|(?:empty|dead|dying) inside|(?:feel|feeling) (?:so )?empty(?! nest)"),
    ("self_hatred", 0.4, r"hate (?:<myself>|my life|being alive)"
        r"|(?:<im>|feel|feeling|so|completely|totally) worthless"),
    ("dark_place", 0.4, r"(?:dark|scary) (?:place|thoughts)"),
    ("giving_up", 0.4, r"(?:feel like|want to|ready to|thinking about) giv(?:e|ing) up"
        r"(?! on (?:the|this|that|my (?:diet|job|degree|course))\b)"),
    ("suicidal", 0.6, r"suicidal"),
    ("suicide", 0.5, r"suicides?|sewer slide|unaliv(?:e|ed|ing)"),
    ("cant_cope", 0.3, r"<cant> cope"),
    # Self-harm
    ("self_harm_act", 1.0, r"(?:cut|cutting|burn(?:ed|t|ing)?|hurt(?:ing)?|harm(?:ed|ing)?"
        r"|hit(?:ting)?) <myself>(?! (?:off|short|some slack|a (?:break|slice|piece))\b)"),
    ("self_harm_again", 1.0, r"(?:i|i'?ve) (?:cut|self harmed) again|relaps(?:e|ed) (?:on"
        r"|into) (?:self harm|cutting)|(?:been|started|keep|kept|am) (?:self harming"
        r"|cutting)(?! (?:back|down|out|corners|ties)\b)"),
    ("self_harm_urge", 0.7, r"urges? to (?:cut|self harm|hurt <myself>|harm <myself>)"),
    ("self_harm", 0.5, r"self (?:harm(?:ing|ed)?|injury|injuring)"),
    # Postpartum and parents
    ("harm_child_thoughts", 1.0, r"(?:thoughts?|urges?|images?|afraid|scared|terrified) "
        r"(?:of |about |to |that )?(?:i (?:might|will|'?ll|could) )?(?:hurt(?:ing)?"
        r"|harm(?:ing)?|shak(?:e|ing)) <child>"),
    ("better_parent", 0.5, r"(?:deserves?|needs?) (?:a )?(?:better|different|real) (?:mom|mum"
        r"|mother|dad|father|parent)|better off with (?:someone else|a (?:different|better"
        r"|new) (?:mom|mum|mother|dad|father|parent))"),
    ("intrusive_thoughts", 0.4, r"intrusive thoughts?"),
    ("regret_baby", 0.4, r"regret (?:having|had) <child>"),
    # Relapse, and weak signals that only tip a sum
    ("relapsed", 0.3, r"relaps(?:e|ed|ing)|(?:i|i'?ve) (?:used|drank|picked up) again"),
    ("kill_me", 0.3, r"kill me"),
    ("overdose", 0.25, r"overdos(?:e|es|ed|ing)"),
    ("im_dying", 0.25, r"<im> dying"),
    ("killing_me", 0.2, r"killing me|killed me|kills me"),
)
WEIGHTS = {phrase_id: weight for phrase_id, weight, _ in PHRASES}
_GAP = r"[\s\-_]*+"  # what a space in a pattern matches
_END = r"(?!\w|'\w)"  # a phrase ends a word ("'" then a letter is inside one: "life's")


def _source(pattern: str) -> str:
    return re.sub(r"<(\w+)>", lambda macro: _MACROS[macro[1]], pattern).replace(" ", _GAP)


# At one place the first alternative that fits wins: stronger, then longer patterns first.
_ALTERNATIVES = [(phrase_id, _source(pattern)) for phrase_id, _, pattern in
                 sorted(PHRASES, key=lambda phrase: (-phrase[1], -len(phrase[2])))]
# _SCAN finds each word start where a phrase begins (in a lookahead, so phrases may overlap:
# "intrusive thoughts about hurting my baby"); _WHICH, tried there, names it. (A named group
# per phrase makes a scan twice as slow.)
_SCAN = re.compile(r"\b(?=\w)(?<!\w')(?=(" + "|".join(
    f"(?:{source})" for _, source in _ALTERNATIVES) + f"){_END})")
_WHICH = re.compile("|".join(f"(?P<{phrase_id}>{source})" for phrase_id, source in _ALTERNATIVES)
                    + _END)


def _words(*alternatives: str) -> re.Pattern[str]:
    return re.compile(r"(?<!\w)(?:" + "|".join(alternatives) + r")(?!\w)")


_CLAUSE_BREAK = re.compile(r"[.!?;:,()\"\n—–]|\s-\s|\b(?:and|but|so|yet|because|though"
                           r"|although|however|anyway|now)\b")
_NEGATION = re.compile(r"\b(?:not|never|no longer|don'?t|do not|doesn'?t|didn'?t|won'?t"
                       r"|wouldn'?t|isn'?t|aren'?t|wasn'?t|haven'?t|hasn'?t|nor)\b(?! (?:sure"
                       r"|okay|ok|fine|even|just|only|going to lie|gonna lie|know|coping|well"
                       r"|good|great|able|sleeping|eating|(?:felt|been) (?:so|this|more|as))\b)")
_IDIOM_AFTER = re.compile(r"\s*(?:to (?:know|see|try|hear|meet|go|get|read|watch|tell|find out"
                          r"|have|eat|visit)|of (?:laughter|laughing|embarrassment|boredom"
                          r"|cringe|curiosity|thirst|hunger|cuteness)|laughing)\b")
_CONTEXTS = {  # words that, in a match's clause (before or after it), weigh the match down
    "idiom": _words(
        r"commute|traffic|coffee|pizza|chocolate|cake|tacos?|snacks?|feet|shoes|heels|jokes?",
        r"laugh\w*|lmao|lmfao|rofl|haha\w*|embarrass\w*|cringe|boredom|bored|hangover|homework",
        r"exams?|meetings?|spreadsheets?|deadlines?|heat|this weather|karaoke|killing it",
        r"killed it|cooking|kitchen|shaving|stove|oven|chopping|slicing|paper cut|gardening",
        r"gym|workout|lifting|accident\w*|tripped|ankle|knee|sprain\w*|😂|🤣|💀"),
    "report": _words(
        r"(?:he|she|they|someone|somebody|(?:my|our|his|her|their) \w+(?: \w+)?) (?:\w+ )?"
        r"(?:said|says|told|tells|wrote|writes|texted|texts|posted|mentioned|admitted|confided"
        r"|keeps saying|died|threatened|talks|talked)",
        r"lost (?:my|our|a|her|his|their) (?:\w+ ){1,2}?to"),
    "recovery": _words(
        r"(?:\d+|a|one|two|three|four|five|six|seven|eight|nine|ten|many|several|few) (?:years?"
        r"|months?|decades?) (?:ago|out|since|later)|(?<!so )(?<!'m )(?<!am )(?<!get )used to",
        r"back (?:then|when|in)|in the past|as a (?:kid|teen|teenager|child|student)",
        r"when i was (?:younger|little|a (?:kid|teen|teenager|child))|surviv(?:ed|or|ors)",
        r"recover(?:y|ed)|celebrat\w*|anniversary|(?:clean|sober|free) (?:for|since)",
        r"(?:glad|grateful|thankful) (?:i'?m|i am|to be) (?:still )?(?:here|alive)"),
    "supportive": _words(
        r"if (?:you|u|someone|somebody|your (?:friend|child|kid|teen))|are you|you'?re not alone",
        r"please (?:call|text|reach out|contact|talk|get help)|(?:call|text|dial|ring|contact)"
        r"(?:ing)? (?:the |a |your )?(?:988|741741|911|999|112|116 ?123|samaritans|lifeline"
        r"|hotline|helpline|crisis)|(?:hot|help|life|crisis )lines?|samaritans|prevention",
        r"awareness|warning signs|risk factors|saves? lives",
        r"how (?:do|can|should|could) (?:i|we) (?:help|support|talk|respond)"),
    "news": _words(
        r"news|article|study|studies|research\w*|report(?:s|ed)?|statistics|stats|rates?|survey",
        r"documentary|podcast|film|movie|novel|book|poem|poet|author|episode|history|historical",
        r"century|famous|according to|percent|leading cause|among|people who|vigil|memorial",
        r"epidemic|in (?:1[5-9]\d\d|20\d\d)"),
}

_ERASED = "\u200b\u200c\u200d\u200e\u200f\u2060\u2061\u2062\u2063\u2064\ufeff\u00ad\u180e"
_SPECIAL = {**dict.fromkeys(_ERASED, ""), "’": "'", "‘": "'", "ʼ": "'", "`": "'", "´": "'"}
_LOOKALIKES = str.maketrans("авеһіјкмнорстуххѕԁԛԝьαβεηικνορτυχϲıłøđ",  # Cyrillic, Greek, …
                            "abehijkmhopctyxxsdqwbabenikvoptuxcilod")
_LEET = str.maketrans("1304575@$", "ieoasstas")
_LEET_WORD = re.compile(r"(?<![a-z0-9@$])(?=[a-z]*+[0-9@$])[a-z0-9@$]++")  # has a digit, @ or $
_SPACED = re.compile(r"(?<![\w@$'])[a-z0-9@$](?:[ .\-_*][a-z0-9@$](?![\w@$])){2,}")
_SPACED_GAPS = str.maketrans("", "", " .-_*")


def _fold_char(char: str) -> str:
    if char in _SPECIAL:
        return _SPECIAL[char]
    decomposed = unicodedata.normalize("NFKD", unicodedata.normalize("NFKD", char).casefold())
    kept = "".join(part for part in decomposed if not unicodedata.combining(part))
    return kept.translate(_LOOKALIKES)


class _FoldTable(dict[int, str]):
    """A ``str.translate`` table that folds each character on first sight (bounded memory)."""

    def __missing__(self, code: int) -> str:
        folded = _fold_char(chr(code))
        if len(self) < FOLD_CACHE_CHARACTERS:
            self[code] = folded
        return folded


_FOLD_TABLE = _FoldTable()


def _read_leet(word: re.Match[str]) -> str:
    text = word[0]
    return text.translate(_LEET) if text.strip("0123456789@$") else text  # any letter in it?


def fold_text(text: str) -> str:
    """The text as the phrases see it (see the module docstring); linear in its length."""
    folded = text.lower() if text.isascii() else text.translate(_FOLD_TABLE)
    folded = _SPACED.sub(lambda run: run[0].translate(_SPACED_GAPS), folded)
    return _LEET_WORD.sub(_read_leet, folded)


def _found(folded: str) -> Iterator[tuple[str, int, int]]:
    """(phrase id, start, end) of each match, leaving out those inside a match as strong."""
    cover_end, cover_weight = 0, 0.0
    for found in _SCAN.finditer(folded):
        start, end = found.span(1)
        which = _WHICH.match(folded, start)
        phrase_id = which.lastgroup if which else None
        if phrase_id is None or (start < cover_end and WEIGHTS[phrase_id] <= cover_weight):
            continue
        if end >= cover_end:
            cover_end, cover_weight = end, WEIGHTS[phrase_id]
        yield phrase_id, start, end


def _damping(folded: str, start: int, end: int) -> tuple[float, str]:
    """How much of its weight a match at ``start:end`` keeps, and why it lost some."""
    before = _CLAUSE_BREAK.split(folded[max(0, start - CONTEXT_WINDOW_CHARS):start])[-1]
    after = _CLAUSE_BREAK.split(folded[end:end + CONTEXT_WINDOW_CHARS], maxsplit=1)[0]
    if _NEGATION.search(" ".join(before.split()[-NEGATION_WINDOW_WORDS:])):
        return NEGATED_FACTOR, "negated"
    if _IDIOM_AFTER.match(after):
        return CONTEXT_FACTOR, "idiom"
    for name, regex in _CONTEXTS.items():
        if regex.search(before) or regex.search(after):
            return CONTEXT_FACTOR, name
    return 1.0, ""


def _level(score: float) -> CrisisLevel:
    if score >= URGENT_THRESHOLD:
        return CrisisLevel.URGENT
    return CrisisLevel.CONCERN if score >= CONCERN_THRESHOLD else CrisisLevel.NONE


def detect(text: str) -> Detection:
    """The crisis level of one text, its score and the phrases that counted."""
    folded = fold_text(text)
    best: dict[str, tuple[float, str]] = {}  # phrase id → (weight kept, reason)
    for phrase_id, start, end in _found(folded):
        if phrase_id in best and best[phrase_id][0] >= WEIGHTS[phrase_id]:
            continue  # already counted at full weight
        factor, reason = _damping(folded, start, end)
        weight = round(WEIGHTS[phrase_id] * factor, 3)
        if weight > best.get(phrase_id, (-1.0, ""))[0]:
            best[phrase_id] = (weight, reason)
    score = round(sum((weight for weight, _ in best.values()), 0.0), 2)
    ranked = sorted(best.items(), key=lambda item: (-item[1][0], item[0]))
    matched = tuple(f"{name} ({reason})" if reason else name for name, (_, reason) in ranked)
    return Detection(_level(score), score, matched)


def detect_many(*texts: str) -> Detection:
    """Several texts of one post (title, body): the highest level; all the matches, those that
    counted in full first, stronger first."""
    detections = [detect(text) for text in texts]
    if not detections:
        return Detection(CrisisLevel.NONE, 0.0, ())
    top = max(detections, key=lambda detection: (_RANK[detection.level], detection.score))
    matched = dict.fromkeys(name for detection in detections for name in detection.matched)
    ranked = sorted(matched, key=lambda name: ("(" in name, -WEIGHTS[name.split(" ")[0]]))
    return Detection(top.level, top.score, tuple(ranked))
