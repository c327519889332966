"""What a post is about, as far as help goes: which helplines to put first.

Two readings, joined: the crisis detector's phrase ids (`forum.safety.crisis`, read only
through `detect_many`) and a few topic words of our own. Nothing here decides whether a post
is a crisis; it only orders help that is shown anyway. `order_by_need` puts lines for what was
noticed first, suicide and crisis lines first of all when the words sounded urgent for the
writer themself, and keeps every line (only the order changes).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import TypeVar

from forum.safety.crisis import WEIGHTS, CrisisLevel, detect_many

CRISIS = "crisis"
BEREAVEMENT = "bereavement"  # no directory topic of its own: emotional-support lines serve it

# Topics the directory files lines under, for each topic noticed.
SERVED_BY: dict[str, tuple[str, ...]] = {
    BEREAVEMENT: (CRISIS,),
    "substance": ("substance",),
    "violence": ("violence",),
    "maternal": ("maternal",),
    "youth": ("youth",),
    "lgbtq": ("lgbtq",),
    "sexual_violence": ("sexual_violence", "violence"),
}

# The detector's phrases that name a topic (ids as in forum.safety.crisis).
_PHRASE_TOPICS: dict[str, str] = {
    "harm_child_thoughts": "maternal", "better_parent": "maternal", "regret_baby": "maternal",
    "relapse_now": "substance", "relapsed": "substance",
}
_PHRASE_PREFIX_TOPICS = (("others_", "violence"),)


def _words(*alternatives: str) -> re.Pattern[str]:
    return re.compile(r"\b(?:" + "|".join(alternatives) + r")\b", re.IGNORECASE)


_PEOPLE = (r"(?:mum|mom|mother|dad|father|parents?|husband|wife|partner|son|daughter|child|"
           r"baby|brother|sister|grandma|grandmother|grandad|grandpa|grandfather|friend|"
           r"best friend|fianc[eé]e?|boyfriend|girlfriend|twin|nan|nana)")

_TOPIC_WORDS: dict[str, re.Pattern[str]] = {
    BEREAVEMENT: _words(
        r"grie(?:f|ving|ve|ved)", r"bereave(?:d|ment)", r"passed away", r"funerals?",
        r"mourning", r"widow(?:ed|er)?", rf"(?:lost|losing) my {_PEOPLE}",
        rf"my {_PEOPLE} (?:died|passed|was killed)", rf"death of my {_PEOPLE}",
        r"since (?:he|she|they) died"),
    "substance": _words(
        r"drinking", r"drunk", r"alcohol(?:ic|ism)?", r"booze", r"hungover", r"hangover",
        r"sober(?:ity)?", r"relaps(?:e|ed|ing)", r"addict(?:ed|ion)?", r"drugs?",
        r"cocaine", r"heroin", r"meth", r"opioids?", r"fentanyl", r"smoking weed",
        r"getting high", r"using again", r"withdrawals?", r"bottle of (?:wine|vodka|whiskey)"),
    "violence": _words(
        r"domestic (?:abuse|violence)", r"abusive (?:partner|husband|wife|boyfriend|girlfriend|"
        r"relationship|home|ex)", r"(?:he|she|they|who) (?:hits?|beats?|beat|chokes?|choked|"
        r"hurts?|hurt|threatens?|threatened) (?:me|you)",
        r"(?:afraid|scared|terrified) of my (?:husband|wife|partner|boyfriend|girlfriend|dad|"
        r"father|mum|mom|ex)", r"controlling (?:partner|husband|wife|boyfriend|"
        r"girlfriend)", r"coercive control", r"not safe at home"),
    "maternal": _words(
        r"pregnan(?:t|cy)", r"postpartum", r"post-partum", r"postnatal", r"perinatal",
        r"new ?born", r"(?:my|the) new baby", r"breastfeeding", r"miscarr(?:y|ied|iage)",
        r"stillbirth", r"gave birth", r"since the baby", r"ppd", r"new (?:mum|mom|mother|parent)",
        r"(?:hurt|hurting|harm|harming|shake|shaking) (?:my|the) (?:baby|newborn)"),
    "youth": _words(
        r"i'?m (?:1[0-7]|[89])(?: years old| yo| y/o)?(?! (?:years|months|weeks|days) "
        r"(?:sober|clean))", r"i am (?:1[0-7]|[89])(?! (?:years|months|weeks|days))",
        r"(?:1[0-7]) (?:years old|yo|y/o)", r"high school", r"middle school",
        r"secondary school", r"year (?:7|8|9|10|11)", r"grade (?:[6-9]|1[0-2])", r"my teachers?",
        r"(?:at|in|after) school", r"my parents (?:won'?t|don'?t|found out|are)",
        r"grounded"),
    "lgbtq": _words(
        r"gay", r"lesbian", r"bisexual", r"bi(?:sexual)? and", r"queer", r"trans",
        r"transgender", r"non-?binary", r"lgbt\w*", r"came out", r"coming out",
        r"homophob\w*", r"transphob\w*", r"my sexuality", r"gender identity", r"dysphoria"),
    "sexual_violence": _words(
        r"raped?", r"rapist", r"sexual(?:ly)? assault(?:ed)?", r"molest(?:ed|ation)?",
        r"groped", r"non-?consensual", r"without (?:my )?consent", r"sexually abused",
        r"made me have sex", r"forced me to have sex"),
}


def _phrase_topic(phrase: str) -> str | None:
    name = phrase.split(" ")[0]  # "id (reason)" when the detector weighed it down
    if name in _PHRASE_TOPICS:
        return _PHRASE_TOPICS[name]
    for prefix, topic in _PHRASE_PREFIX_TOPICS:
        if name.startswith(prefix):
            return topic
    return None


def topics_noticed(*texts: str) -> list[str]:
    """The topics these words touch, the detector's strongest phrases first, then topic
    words in the order they come; `crisis` first of all when the words sounded urgent for
    the writer themself (a plan, an intent), whatever else they touch."""
    detection = detect_many(*texts)
    from_phrases = [t for t in map(_phrase_topic, detection.matched) if t]
    joined = "\n".join(texts)
    found: list[tuple[int, str]] = []
    for topic, pattern in _TOPIC_WORDS.items():
        if hit := pattern.search(joined):
            found.append((hit.start(), topic))
    topics = list(dict.fromkeys([*from_phrases, *(t for _, t in sorted(found))]))
    # The strongest of the detector's own phrases says whose danger it is; anything else it
    # reports (a score, a model's verdict) names no topic, so it is passed over here.
    phrases = [p for p in detection.matched if p.split(" ")[0] in WEIGHTS]
    self_urgent = detection.level == CrisisLevel.URGENT and (
        not phrases or _phrase_topic(phrases[0]) is None)
    return [CRISIS, *topics] if self_urgent else topics


T = TypeVar("T")


def order_by_need(entries: Sequence[T], noticed: Sequence[str],
                  topics_of: Callable[[T], Sequence[str]]) -> list[T]:
    """Every entry, those serving the first topic noticed first, then the next, then crisis
    lines, then the rest, each group in its own order."""
    wanted = [served for topic in noticed for served in SERVED_BY.get(topic, (topic,))]
    rank = {topic: n for n, topic in enumerate(dict.fromkeys([*wanted, CRISIS]))}

    def place(pair: tuple[int, T]) -> tuple[int, int]:
        n, entry = pair
        return (min((rank[t] for t in topics_of(entry) if t in rank), default=len(rank)), n)

    return [entry for _, entry in sorted(enumerate(entries), key=place)]
