"""Crisis language: does a story, reply, title or search sound like someone in danger?

``detect(text)`` gives a level — ``none``; ``concern`` (the poster sees a caring page with
resources); ``urgent`` (also the top of the moderators' queue and the webhook) — with a score
and the phrases that counted. ``detect_many(title, body)`` takes the highest of several. The
levels follow docs/crisis-labelling.md; `make eval-crisis` scores them on the labelled corpus.

- ``PHRASES`` is the maintained list: id, weight, pattern — intent, plans, means at hand, acts
  in progress, places, finality, lethality questions, self-harm and its escalation, danger
  from another person, someone else in danger now, burden and hopelessness, a little Spanish
  and Portuguese. 1.0 is urgent on its own; concern phrases (0.4–0.7) add up; weak ones
  (0.2–0.3: "killing me", "relapsed") only tip a sum. A phrase inside a stronger one ("kill
  myself" in "tried to kill myself") adds nothing.
- A post is read **sentence by sentence**: a phrase counts once per sentence, and matches
  add up only within ``WINDOW_SENTENCES`` neighbouring sentences. One risky sentence anywhere
  in a long post is caught; mentions spread through a long story do not add up to urgent.
- A pattern is a regex over folded text matching whole words: no letter or digit may touch
  either end ("skill myself up" is not "kill myself"). A space in a pattern is any run of
  spaces, hyphens and underscores, or none ("self-harm", "selfharm", "kill my self").
- Folding, linear: zero-width characters and soft hyphens go; NFKD, combining marks dropped,
  casefold ("ＳＵÍＣＩＤＥ" → "suicide"); Cyrillic and Greek look-alikes become Latin; curly
  apostrophes straight; letters spaced out ("s u i c i d e", "k.i.l.l") joined; in a word with
  letters, digits and @ $ read as letters ("k1ll", "d13"), while "988" stays a number; starred
  out words read as the one listed word that fits ("k*ll", "s*icide"); common misspellings
  read as meant ("sucidal", "kil myself").
- Weighing down. A match keeps ``NEGATED_FACTOR`` of its weight when a negation ("not",
  "never", "don't", "no longer"…) is among the few words before it in its clause, and
  ``CONTEXT_FACTOR`` when its sentence tells a past ("two years ago", "back in college",
  "used to") with nothing about now ("tonight", "again", "still"…), or its clause reads as
  an idiom ("dying to know", "this commute is killing me"), an accident ("cut myself while
  cooking"), a report ("my friend said she…"), support ("if you're thinking about suicide,
  please call 988") or news. **Bounded**: a direct statement (``DIRECT``: intent, plan,
  means, an act, finality, danger from others) by the writer keeps at least ``DIRECT_FLOOR``
  (a concern) in an idiom, report, support or news clause, and its full weight when the
  sentence speaks of now; danger told by the one in danger ("he said he'll kill me") is
  never weighed down as a report. An ordinary word beside a direct statement (an exam, a
  meal, a day) weighs nothing; a joke marked as one ("lol", "jaja", "kkkk", 😂) with no time
  for it, hyperbole ("about it") or an "if" does, and "not even joking" undoes the joke. Words
  talked about rather than said ("what 'kms' means", "'ctb' stands for") weigh little; a
  direct statement said of a habit ("every time my boss emails") keeps a concern. An act is
  told in the past tense by nature: followed by how the body is now ("took 40. i can't feel
  my hands") it is not weighed down as a story. A
  clause ends at punctuation and at "and", "but", "so"…:
  "I'm not okay and I want to die" is not negated. ``matched`` names each phrase, strongest
  first, with why it was weighed down: ``("want_to_die", "suicide (supportive)")``.

Speed: at each word start only the phrases that can begin with its first letter are tried
(one regex per letter, read from the phrases' own patterns), with no nested unbounded
quantifiers; each match looks at a bounded window, and a phrase is weighed at most
``EVALUATIONS_PER_PHRASE`` times a sentence (``EVALUATIONS_PER_SIGNAL`` a text for the weaker
ones). bench/crisis.py measures it: under 30 ms per 20 KB, worst cases included.

Known limits — a screen that errs towards care, not a judge:
- English, with a few Spanish and Portuguese phrases; Cyrillic and Greek are read as Latin
  look-alikes. Only the listed digit swaps ("ki11" is not read).
- Negation looks back a few words in the clause only: "suicidal? no." counts. "Not sure",
  "don't know" are not negations. Hyperbole outside the idiom list ("I could kill myself for
  forgetting") counts as meant; a hotline or report word in the clause weighs a real cry down.
- Phrases are mostly about the writer: "my son says he wants to die" is a concern (the
  report keeps the floor), not urgent, unless it says he is doing it now.
"""

from __future__ import annotations

import bisect
import functools
import importlib
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from forum.safety.crisis_model import Reading, evidence, shipped

URGENT_THRESHOLD = 1.0  # score at or above which a text is urgent
MODEL = "model"  # names the learned model in ``matched`` when it moved the level
CONCERN_THRESHOLD = 0.4  # score at or above which a text is a concern
NEGATED_FACTOR = 0.1  # weight kept by a negated match ("I'm not suicidal")
CONTEXT_FACTOR = 0.2  # weight kept by a match in an idiom, report, recovery, support or news
NEGATION_WINDOW_WORDS = 4  # words before a match that a negation may be in
CONTEXT_WINDOW_CHARS = 80  # characters either side of a match that its clause may span
FOLD_CACHE_CHARACTERS = 50_000  # distinct characters the folding table remembers
DIRECT_FLOOR = 0.45  # the least a direct present statement keeps in a weighing context
WINDOW_SENTENCES = 3  # matches add up within this many neighbouring sentences, never beyond
EVALUATIONS_PER_PHRASE = 8  # weighings of one phrase in one sentence (bounds the worst case)
EVALUATIONS_PER_SIGNAL = 32  # weighings of one weaker phrase in one text


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
    "pills": r"(?:pills|tablets|meds|paracetamol|tylenol|ibuprofen|aspirin|sertraline|quetiapine"
        r"|lithium|zopiclone|insulin|codeine|co codamol|oxycodone|oxys|xanax|diazepam|valium"
        r"|amitriptyline|citalopram|fluoxetine|propranolol|sleeping (?:pills|tablets)"
        r"|painkillers|antidepressants|benzos|opioids|morphine|tramadol|fentanyl)",
    "not_a_thing": r"(?! (?:of|in) (?:the|a|an|this|that|these|those|having|using|doing|your)\b)",
    # someone else who may be a danger to the writer
    "abuser": r"(?:he|she|they|my (?:ex|ex husband|ex wife|partner|husband|wife|boyfriend"
        r"|girlfriend|bf|gf|fiance|dad|father|stepdad|step dad|mum|mom|mother|brother|son"
        r"|landlord|flatmate|roommate)|him|her)",
    "victim": r"(?:me|us|my (?:kids?|children|son|daughter|baby|mum|mom)|the (?:kids?|baby"
        r"|children))",
    # what a threat says will be done to the one threatened
    "harm": r"(?:kill|hurt|finish|end|strangle|stab|shoot|burn|drown|smother|bury"
        r"|break (?:(?:my|every bone in my|your|every bone in your) )?(?:neck|legs?|arms?|jaw"
        r"|body|face)|slit (?:my|your) throat|cut (?:my|your) throat|put (?:me|you|us) in the"
        r" ground|make (?:me|you) (?:regret it|disappear|pay))",
    "other_person": r"(?:he|she|they|my (?:\w+ ){0,2}?(?:friend|sister|brother|son|daughter"
        r"|mum|mom|dad|husband|wife|partner|boyfriend|girlfriend|cousin|flatmate|roommate))",
    "selfish": r"(?:himself|herself|themselves|themself)",
    "lots": r"(?:everything|(?:my|the) (?:whole|entire) (?:prescription|supply|bottle|box|pack"
        r"|packet|strip|stash)|all (?:of )?(?:my|the|them|it)|a (?:whole |full )?(?:bottle|box|pack"
        r"|packet|strip|handful|bunch|load)|the (?:whole|rest of the) (?:bottle|box|pack|packet)"
        r"|(?:\d+|twenty|thirty|forty|fifty) (?:of )?(?:my |the |them)?)",
    "place": r"(?:railway bridge|road bridge|foot bridge|bridge|ledge|edge|roof|rooftop|railway"
             r"|rail line|railway line|train tracks"
        r"|tracks|train line|cliff|cliffs|platform|overpass|balcony|top floor|car park roof"
        r"|windowsill"
        r"|window ledge|hard shoulder)",
}

# (id, weight, pattern); patterns are written folded (lower case, straight apostrophes).
PHRASES: tuple[tuple[str, float, str], ...] = (
    # Intent, said outright
    ("kill_myself", 1.0, r"kill(?:ing)? <myself>"),
    ("end_my_life", 1.0, r"(?:end|ending|take|taking) my (?:own )?life(?! back| in| into)"),
    ("end_it", 1.0, r"end(?:ing)? it (?:all|tonight|today|tomorrow|now|soon|this weekend)"
        r"|end(?:ing)? (?:things|everything) (?:tonight|today|tomorrow|this weekend|on (?:monday"
        r"|tuesday|wednesday|thursday|friday|saturday|sunday))"
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
    ("kms", 1.0, r"(?<!\d)(?<!\d\s)kms|ctb|catch(?:ing)? the bus(?! (?:to|home|into|in|from"
        r" |back|at|in the|tomorrow|every|today|this morning)\b)|unalive|kys(?! (?:is|was)\b)"),
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
        r"|by (?:morning|tomorrow)|(?:on |by |for |at |this |next |come )?(?:monday|tuesday"
        r"|wednesday|thursday|friday|saturday|sunday|the weekend|next week|christmas|my birthday"
        r"|then))|i'?ll (?:be )?(?:gone|dead) (?:by|before|after|when)(?= \w)|by the time (?:you"
        r"|anyone|someone) reads? this"
        r"|(?:not going to|not gonna|<wont>) (?:make it|survive) (?:through )?(?:the night"
        r"|tonight|this week|much longer)"),
    ("finality_plain", 0.7, r"(?:one|a) (?:last|final)"
        r" (?:walk|look|hug|drive|swim|cuddle|goodbye|time)(?! (?:before|of|at|to|for|in|around)"
        r"\b)|(?:(?:my|a|your|our) )?last (?:night|day|weekend|saturday|sunday|christmas)"
        r" (?:with me|alive|on earth|here)|(?:won'?t|will not|wont) need (?:a return|me (?:after"
        r"|anymore|any more|much longer)|(?:it|them|my \w+) (?:after|where i'?m going))"
        r"|(?:if|in case) (?:you|anyone) (?:<dont>|never) hear from me"
        r"|(?:<dont>|do not) know if i'?ll (?:come|be) back|(?:it'?s|this is) (?:the|my) last"
        r" (?:\w+ )?i'?ll (?:ever )?(?:take|see|write|eat|post|have)|then i'?m done(?! with\b)"),
    ("said_my_goodbyes", 0.8, r"(?:said|saying) (?:all )?my goodbyes(?! to)"),
    ("goodbye_everyone", 0.5, r"(?:goodbye|bye) (?:everyone|all of you|friends|forum)"
        r"|(?:logging|signing) off for good|me despido"),
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
        r"|harm(?:ing)?|shak(?:e|ing)) <child>"
        r"|<dont> trust <myself> (?:with|around|near) (?:<child>|him|her|them)"),
    ("harm_child_images", 0.7, r"(?:urges?|thoughts?|pictures|images|visions|flashes"
        r"|can'?t stop thinking|keep thinking|scared|afraid|terrified) (?:in my head )?"
        r"(?:of |about |to |that )?(?:i (?:might|will|'?ll|could) )?"
        r"(?:throw(?:ing)?|drown(?:ing)?|smother(?:ing)?|suffocat(?:e|ing)|drop(?:ping)?"
        r"|shak(?:e|ing)|hurt(?:ing)?|harm(?:ing)?) (?:<child>|him|her|them)(?! (?:out|off"
        r"|away|a party)\b)|(?:pillow|blanket|hand) over (?:her|his|the baby'?s|my baby'?s)"
        r" (?:face|mouth)"),
    ("better_parent", 0.5, r"(?:deserves?|needs?) (?:a )?(?:better|different|real) (?:mom|mum"
        r"|mother|dad|father|parent)|better off with (?:someone else|a (?:different|better"
        r"|new) (?:mom|mum|mother|dad|father|parent))"),
    ("intrusive_thoughts", 0.4, r"intrusive thoughts?"),
    ("regret_baby", 0.4, r"regret (?:having|had) <child>"),
    # Acts in progress or just done, places, means at hand
    ("act_swallowed", 1.0, r"(?:i'?ve|i have|i just|just|i) (?:just )?(?:swallowed|downed"
        r"|necked|chugged) <lots>|(?:i'?ve|i have|i just|just) (?:just )?(?:taken|took|had) <lots>"
        r"(?: (?:<pills>|pills|tablets|paracetamol|tylenol|painkillers|sleeping pills|insulin"
        r"|antidepressants)| of (?:my|the|his|her) \w+)"
        r"|(?:swallowed|downed|took) (?:all|every|the whole)(?: \w+){0,3}? (?:<pills>|pills"
        r"|tablets|paracetamol|tylenol|painkillers|sleeping pills|antidepressants|insulin)"),
    ("at_the_place", 1.0, r"(?:<im>|i'?m|am|been|sitting|standing|i'?m sat) (?:sitting |standing "
        r"|sat |stood |on |at |up )*(?:on|at|by) (?:the |a |top of (?:the |a )?)?(?><place>)"
        r"(?! (?:for|in|with|at|to|and|from)\b)"),
    ("means_at_hand", 1.0, r"(?:the|a|my) (?:cord|rope|noose|belt|gun|shotgun|blade|razor"
        r"|knife|pills|tablets|bag) (?:is|are|'?s) (?:already )?(?:(?:in|on) my (?:\w+ )?(?:bag"
        r"|pocket|hand|hands|lap|room|car|truck|boot)|ready|tied|loaded|up|next to me"
        r"|in front of me|on the (?:bed|table|desk))"
        r"|(?:<ive>|i'?ve got|i have got|got|holding) (?:a|the|my) (?:knife|razor|blade|rope"
        r"|noose|gun|shotgun|pills|tablets) (?:in|on) my (?:lap|hand|hands)"
        r"|(?:bought|got|have|found|loaded|tied) (?:a|the|my dad'?s|the) (?:rope|noose|gun|shotgun"
        r"|pistol)(?! (?:licen[cs]e|safe|range|course)\b)|(?:engine|car) running in the garage"
        r"|(?:car|garage) with the (?:engine|car) running|charcoal in the (?:car|room)"),
    ("finality", 1.0, r"(?:my|her|his|their|your|the|everyone'?s) (?:\w+'?s )?last memor(?:y"
        r"|ies) of me"
        r"|(?:regale|di|dei) (?:mi|meu|minha) (?:perro|gato|cachorro|gata|perra)"
        r"|(?:my|the) (?:letters|notes|goodbye letters) (?:are|is) (?:written|done"
        r"|finished|ready)|(?:wrote|written|finished|left) (?:my|the) (?:letters|notes) (?:to|for)"
        r" (?:everyone|my|the)|(?:gave|giving|given) away (?:my|all my) (?:things|stuff|cat|dog"
        r"|pets?|belongings)|(?:after|once|when) (?:the|this|my|his|her|their) (?:\w+ ){1,3}?"
        r"i (?:won'?t|will not|wo not) be (?:around|here|alive)|i (?:won'?t|will not) be "
        r"(?:around|here|alive) (?:after|for|to see|past|much|by|when)|put my affairs in order"
        r"|(?:sorted|sorting) out my (?:will|affairs|accounts) so"),
    ("lethality", 1.0, r"how (?:many|much)(?: \w+){0,3}? (?:would it take|does it take|to (?:die"
        r"|overdose|od|kill|end it|not wake up)|is (?:a )?(?:lethal|fatal|enough to))"
        r"|(?:lethal|fatal) (?:dose|amount)|(?:what|which) (?:dose|amount|quantity|number)"
        r"(?: of [\w']+){0,2} (?:is|would be|would) (?:fatal|lethal|enough to)"
        r"|does (?:dying|death|drowning|hanging|bleeding out|an overdose|it)(?: from \w+)? hurt"
        r"|how (?:high|tall|far) (?:does|do|would|should) (?:a|the"
        r"|you|i) (?:\w+ ){0,3}?(?:have to|need to|to) (?:be|fall|jump)|how long (?:does it|would"
        r"|will it|until) (?:take )?(?:to )?(?:die|bleed out|drown|lose consciousness)"
        r"|(?:painless|quick|quickest|easiest|surest) (?:way|ways|method|methods) to (?:die|go|end"
        r"|kill)|is \d+ (?:mg |milligrams )?(?:of )?(?:\w+ )?(?:enough to|going to) (?:kill|die)"),
    ("self_harm_worse", 1.0, r"cut(?:ting)? (?:so |way |much |a lot )?deeper|(?:needs?|needed"
        r"|might need|should have had|probably need) stitches|(?:won'?t|can'?t|wouldn'?t) stop "
        r"bleeding|(?:cut|burned|burnt) (?:my|an?) (?:artery|vein)|relapsed on sh"
        r"|(?:did|doing|want to|wanna|urge to|urges to) sh (?:again|tonight|today)"),
    ("method_now", 1.0, r"(?:<going>|i'?ll|i will|gonna|i'?m going to) (?:jump|throw myself)"
        r" (?:off|from|in front of|into|under)(?! (?:the |a |my )?(?:high |diving |top )?(?:board"
        r"|plane|boat|stage|pool|deep end|rope swing|sofa|bed|bandwagon|ship|grid)\b)"
        r"|(?:<going>|i'?ll|gonna) (?:step|walk|drive|run)"
        r" (?:out )?(?:in front of|into|off) (?:a |the )?(?:train|bus|lorry|truck|traffic|sea"
        r"|river|cliff|wall|bridge|motorway)|(?:<going>|i'?ll|gonna) crash (?:my|the) car"
        r"|(?:hang|drown|shoot|gas|poison|electrocute) <myself>|overdose (?:tonight|today"
        r"|this weekend)|(?:tested|tied|testing|tying) (?:the )?(?:knot|noose)"
        r"|(?:drank|drunk|swallowed|downed) (?:the |some |a (?:bottle|cup) of )?(?:bleach"
        r"|antifreeze|weed killer|drain cleaner|poison)"
        r"|hose (?:for|on|to|into) the (?:car )?exhaust|(?:started|running) the car in the "
        r"(?:garage|closed garage)|(?:took|taken|swallowed|downed|had|saving|saved|hoarding"
        r"|stockpiling|collected|counted out) (?:about |like |maybe |over |nearly |all |around )?"
        r"(?:\d+|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|a hundred)(?: of)?"
        r"(?: my| the| his| her| mums?| moms?)? (?:[\w']+ ){0,3}?<pills>"),
    ("do_it_soon", 0.6, r"(?:doing|do) it (?:tonight|tomorrow|this weekend|on (?:friday|saturday"
        r"|sunday|monday|tuesday|wednesday|thursday)|after (?:christmas|dinner|the funeral))"
        r"|tonight'?s the night|(?:i'?ve|i have) decided(?:\.|,)? (?:tonight|tomorrow|friday"
        r"|saturday|sunday|it'?s)|(?:<im>|i am) (?:finally |definitely )?(?:going to do it"
        r"|doing it)(?: tonight| tomorrow| for real| this time)"),
    ("lethality_for_me", 0.6, r"(?:asking|ask|question|need to know|want to know|pregunto|pergunto"
        r"|es|e) (?:for|about|por|pra|para) (?:myself|me|mi|mim)(?! (?:friend|mum|mom|son"
        r"|daughter|dad|kid|child|sister|brother)\b)|(?:for|about) myself|serious question"),
    ("how_much_how_high", 0.5, r"how (?:many|much|long|high|cold|deep|far|tall|fast)"
        r"(?: \w+){0,4}? (?:would|does|do|will|to|is|are|before|until|enough|it takes?)"
        r"(?: \w+){0,3}? (?:it take|take|die|work|do it|kill|enough|survive|not survive|lethal"
        r"|fatal|liver damage|fall|drown)"
        r"|(?:cuantos|cuantas|quantos|quantas) (?:metros|andares|pisos|comprimidos|pastillas"
        r"|mg|gramos|gramas)|(?:quanto tempo|cuanto tiempo) (?:demora|tarda)"),
    ("last_one", 0.6, r"(?:my|the) last (?:night|day|meal|one|birthday|post|time|weekend|sunrise"
        r"|cigarette|drink|tweet|message|text)(?! (?:of|at|in|on|before|with|for|was|i|we)\b)"
        r"|today'?s the day"
        r"|(?:friday|saturday|sunday|monday|tuesday|wednesday|thursday|tomorrow|tonight)'?s the day"
        r"|(?:sexta|sabado|domingo|amanha) e o dia|not coming back(?! (?:to|until|till|for)\b)"
        r"|(?:stopped|not) eating (?:or|and) drinking"),
    ("when_they_find_me", 1.0, r"(?:when|after|once) (?:they|someone|somebody|my \w+) finds? me"
        r"|(?:whoever|the person who|the one who) finds? me|(?:off|s word|unalive) <myself>"
        r"|(?:on|rang|rung|called|calling|ringing|phoning) (?:999|911|000|112|an ambulance"
        r"|the police)(?! (?:yesterday|last|before|once)\b)|ambulance (?:is |'?s )?(?:on "
        r"(?:the|its) way|coming)|(?:he|she|they)(?:'?s| is| are|'?re)? (?:not breathing"
        r"|unconscious|unresponsive|going grey|turning blue|won'?t wake up)"
        r"|(?:mensagem|mensaje) de despedida"
        r"|(?:vias del tren|linha do trem|alto do viaduto|(?:to|estou|estoy) (?:na|en el|no|en la)"
        r" (?:ponte|puente|viaduto|azotea))|(?:ja tomei|ya tome)|me corto|ponerme puntos"),
    # Danger from another person, now
    ("others_threat_words", 1.0, r"finish what (?:he|she|they) started|if i can'?t have you "
        r"(?:nobody|no one|noone) (?:can|will)|(?:going to|gonna|will) have an accident soon"
        r"|on (?:his|her|their) way with something for (?:you|me)"
        r"|(?:disse|dijo|falou|ameacou|amenazo) (?:que )?(?:me )?(?:vai|va a|iba a"
        r"|ia) (?:me )?matar"
        r""),
    ("others_threat", 1.0, r"<abuser> (?:is |'?s |was |keeps |kept )?(?:said|says|saying"
        r"|threaten(?:ed|ing|s)?|swore|swears|told me|texted|screamed|yelled|promised)"
        r" (?:that )?(?:if (?:[\w']++ ){1,8}?)?['\"]?(?:he'?ll|she'?ll|they'?ll|he would"
        r"|she would|he'?d|she'?d|he is going to"
        r"|she is going to|he'?s going to|she'?s going to|to|it'?s|i'?ll|i will|i'?m going to"
        r"|i'?m gonna)? <harm>(?: (?:<victim>|it|you|all of us|the lot of us))?"
        r"|(?:threaten(?:ed|ing|s)?|coming back) to (?:<harm>|take) (?:<victim>|him|her|them)"
        r"|(?:death threats|you'?re (?:dead|next)|you next|dead (?:wo)?man walking)(?! (?:to me"
        r"|inside|tired|on your feet)\b)"
        r"|<abuser>(?:(?:'?s| is| was|'?re| are) (?:going to|gonna)|'?ll| will) (?:kill|hurt"
        r"|finish|shoot|stab) <victim>(?! off)|<abuser>(?:(?:'?s| is|'?re| are) (?:going to"
        r"|gonna)|'?ll| will) finish (?:me|us|it) (?:off|tonight)|(?:said|says|swore) (?:he|she) "
        r"(?:will|would|'?ll|'?d) (?:end|finish) it (?:tonight|today|when)"),
    ("others_violence", 1.0, r"(?:pinned|held|pushed|slammed|shoved|choked|strangled|throttled)"
        r" me (?:against|to|up|down|by|until|till|on|into)|(?:choked|strangled|throttled) me"
        r"|(?:hands|arm|arms) (?:around|round|on) my (?:neck|throat)|couldn'?t breathe"
        r"|<abuser> (?:is |'?s )?(?:hammering|banging|pounding|kicking|smashing|breaking) "
        r"(?:on |at |down |in )?(?:the |my )?(?:door|window|windows)|locked (?:me|us) in"
        r"|(?:hiding|locked myself) (?:in|from) (?:the|my) (?:bathroom|bedroom|room|car|closet)"
        r"|<abuser> (?:has|'?s got|got|is holding|pulled|(?:is |'?s )?(?:holding|waving"
        r"|sharpening|pointing|loading)|pointed|grabbed|picked up|loaded|showed (?:me|us|him|her"
        r"|my \w+)) (?:a|the|his|her|my|our) (?:kitchen )?(?:gun|knife|knives|blade|poker|bat"
        r"|hammer|machete|axe|shotgun|rifle|pistol)|<abuser>(?: is|'?s|'?re| are)? (?:[\w']++ )"
        r"{0,5}?(?:waving|pointing|brandishing) (?:a|the|his|her|my|our) (?:kitchen )?(?:gun"
        r"|knife|knives|blade|machete|axe|shotgun|rifle|pistol)|(?:gun|knife|blade) (?:at|to)"
        r" my (?:head|throat|chest|neck)|(?:pointed|pointing|held|holding) (?:a|the|his|her)"
        r" (?:gun|knife) at (?:me|us|my|the kids|the baby)"
        r"|(?:pouring|poured) petrol|by (?:the|my|her|his) (?:throat|neck)"
        r"|(?:hand|hands|arm|arms) (?:on|around|round) (?:her|his) (?:neck|throat)"
        r"|(?:scared|afraid|terrified) (?:that )?<abuser> (?:will|'?ll|is going to|'?s going to"
        r"|gonna|might) (?:kill|hurt) <victim>"),
    ("others_violence_past", 0.6, r"(?:he|she|my (?:ex|partner|husband|wife|boyfriend"
        r"|girlfriend)) (?:hit|hits|beat|beats|punched|punches|kicked|kicks|hurt|hurts) me"),
    # Someone else in danger now
    ("someone_else_now", 1.0, r"<other_person> (?:just )?(?:texted|sent|messaged|wrote|called)"
        r" (?:me )?(?:a )?(?:goodbye|saying goodbye|to say goodbye|a suicide note|a note)"
        r"|<other_person> (?:said|says|told me|is saying|keeps saying|texted) (?:that )?"
        r"(?:he|she|they)(?:'?s| is| are| was|'?re)? (?:going to |gonna |about to |will |'?ll )"
        r"(?:kill|end|hurt) (?:<selfish>|it|his life|her life|their life)"
        r"|<other_person> (?:took|has taken|'?s taken|swallowed) (?:a (?:bunch|load|handful) of"
        r"|all (?:his|her|their|the)|an overdose|too many)"
        r"|<other_person> (?:is|'?s) (?:on|at) (?:the |a )?<place>"),
    # Spanish and Portuguese (folded: accents dropped)
    ("es_pt_intent", 1.0, r"(?:me )?quiero (?:morir(?:me)?|matarme|suicidarme)|me quiero matar"
        r"|(?:voy|vou) a (?:matarme|suicidarme)|me voy a (?:matar|suicidar)|no quiero (?:seguir )?"
        r"vivir|quitarme la vida|pensando en (?:matarme|suicidarme|quitarme la vida)"
        r"|quero morrer|vou me matar|(?:quero|vou) (?:me )?(?:matar|suicidar)"
        r"|nao quero (?:mais )?viver|tirar (?:a )?minha (?:propria )?vida|me matar hoje"
        r"|(?:voy a|vou) (?:acabar|terminar) con (?:todo|mi vida)|acabar com (?:tudo|a minha vida)"
        r"|ja nao quero (?:mais )?viver|ya no quiero vivir"
        r"|me mato(?! de (?:risa|la risa|hambre|calor|sueno))|me (?:voy a |vou )?(?:tirar"
        r"|jogar) (?:de|da|del|do) (?:puente|ponte|edificio|predio|viaduto)|vou me jogar"
        r"|(?:manana|amanha) (?:ya )?(?:no|nao) (?:voy a|vou) estar|(?:no|nao) (?:voy a|vou)"
        r" estar (?:mais |mas )?aqui|(?:escribi|escrevi) (?:las|as) cartas|me corte (?:muy|muito"
        r"|fundo|profundo)|me cortei|(?:no|nao) para de sangrar|pastillas para no despertar"
        r"|(?:me )?(?:tome|tomei) (?:todos? (?:os|as|mis|las|los|seus|meus)|todas? (?:os|as|mis|las"
        r"|los|minhas)|una caja|un frasco|uma caixa|um frasco|uma cartela|toda (?:la|a) (?:caja"
        r"|caixa))|(?:vou|voy a) tomar (?:todos?|todas?) (?:os|as|mis|las|los|meus|minhas)"
        r"|(?:compre|comprei) (?:la|a) (?:cuerda|corda|soga)|(?:tengo|tenho) (?:la|a) (?:pistola"
        r"|arma)"),
    ("es_pt_concern", 0.5, r"no (?:aguanto|puedo) mas|ya no puedo mas|nao aguento mais"
        r"|nao consigo mais|estoy cansad[oa] de (?:vivir|todo)|estou cansad[oa] de (?:viver|tudo)"
        r"|(?:me siento|me sinto|siento que soy|sinto que sou) (?:una |um |uma )?(?:carga|fardo"
        r"|peso)|sin esperanza|sem esperanca|estarian mejor sin mi|seriam mais felizes sem mim"
        r"|(?:estariam|ficariam) melhor sem mim"),
    ("coping_now", 0.4, r"<cant> (?:cope|do this|take (?:it|this)|handle (?:it|this)|keep going)"
        r"(?: anymore| any more| much longer| right now| today| tonight)?"
        r"(?! (?:with|without|if|when|until)\b)"),
    ("relapse_now", 0.4, r"(?:relapsed|drank|drinking|used|using|picked up|started drinking"
        r"|started using) (?:again )?(?:last night|tonight|today|this morning|this week|right now"
        r"|again)(?! (?:years?|months?) ago)|(?:i'?m|i am) (?:drunk|high) (?:again|right now|now)"),
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
_PARSER: Any = importlib.import_module("re._parser")  # to read which character a phrase starts
_CONSTANTS: Any = importlib.import_module("re._constants")


def _source(pattern: str) -> str:
    return re.sub(r"<(\w+)>", lambda macro: _MACROS[macro[1]], pattern).replace(" ", _GAP)


# At one place the first alternative that fits wins: stronger, then longer patterns first.
_ALTERNATIVES = [(phrase_id, _source(pattern)) for phrase_id, _, pattern in
                 sorted(PHRASES, key=lambda phrase: (-phrase[1], -len(phrase[2])))]


def _first_characters(items: Any) -> tuple[frozenset[str] | None, bool]:
    """The characters a parsed pattern can start with (None: it cannot be told) and whether it
    can match nothing at all."""
    found: set[str] = set()
    for op, value in items:
        if op in (_CONSTANTS.AT, _CONSTANTS.ASSERT, _CONSTANTS.ASSERT_NOT):
            continue  # zero width
        if op is _CONSTANTS.LITERAL:
            return frozenset(found | {chr(value)}), False
        if op is _CONSTANTS.IN:
            for kind, member in value:
                if kind is _CONSTANTS.LITERAL:
                    found.add(chr(member))
                elif kind is _CONSTANTS.RANGE and member[1] - member[0] < 256:
                    found.update(chr(code) for code in range(member[0], member[1] + 1))
                else:
                    return None, False  # a category or a negated set: any character
            return frozenset(found), False
        if op in (_CONSTANTS.BRANCH, _CONSTANTS.SUBPATTERN, _CONSTANTS.ATOMIC_GROUP,
                  _CONSTANTS.MAX_REPEAT, _CONSTANTS.MIN_REPEAT, _CONSTANTS.POSSESSIVE_REPEAT):
            if op is _CONSTANTS.BRANCH:
                parts, least = value[1], 1
            elif op is _CONSTANTS.SUBPATTERN:
                parts, least = [value[-1]], 1
            elif op is _CONSTANTS.ATOMIC_GROUP:
                parts, least = [value], 1
            else:
                parts, least = [value[2]], value[0]
            empty = least == 0
            for part in parts:
                firsts, part_empty = _first_characters(part)
                if firsts is None:
                    return None, False
                found |= firsts
                empty = empty or part_empty
            if not empty:
                return frozenset(found), False
            continue
        return None, False  # anything else: cannot be told
    return frozenset(found), True


def _starting_with() -> dict[str, tuple[re.Pattern[str], re.Pattern[str]]]:
    """For each character a phrase may start with, the scan (one unnamed alternation) and the
    namer (one named group per phrase) of only the phrases that may start with it, in the
    order of _ALTERNATIVES: at a word start only those are tried, so the first that fits is
    the one the whole alternation would find."""
    firsts = []
    for phrase_id, source in _ALTERNATIVES:
        characters, empty = _first_characters(_PARSER.parse(source))
        firsts.append((phrase_id, source, None if empty else characters))
    alphabet = set().union(*(chars for _, _, chars in firsts if chars is not None))
    by_character: dict[str, tuple[re.Pattern[str], re.Pattern[str]]] = {}
    compiled: dict[tuple[str, ...], tuple[re.Pattern[str], re.Pattern[str]]] = {}
    for character in [*sorted(alphabet), ""]:  # "": what no listed character starts
        chosen = [(phrase_id, source) for phrase_id, source, chars in firsts
                  if chars is None or character in chars]
        if not chosen:
            continue
        key = tuple(phrase_id for phrase_id, _ in chosen)
        if key not in compiled:
            compiled[key] = (
                re.compile("(" + "|".join(f"(?:{source})" for _, source in chosen) + f"){_END}"),
                re.compile("|".join(f"(?P<{phrase_id}>{source})" for phrase_id, source in chosen)
                           + _END))
        by_character[character] = compiled[key]
    return by_character


# _found tries, at each word start, the phrases that may begin with its first character (a
# scan, then a namer: a named group per phrase makes a scan twice as slow); phrases may
# overlap ("intrusive thoughts about hurting my baby").
_WORD_START = re.compile(r"\b(?=\w)(?<!\w')")
_STARTING_WITH = _starting_with()


def _words(*alternatives: str) -> re.Pattern[str]:
    return re.compile(r"(?<!\w)(?:" + "|".join(alternatives) + r")(?!\w)")


_CLAUSE_BREAK = re.compile(r"[.!?;:,()\"\n—–]|\s-\s|\b(?:and|but|so|yet|because|though"
                           r"|although|however|anyway|now)\b")
_NEGATION = re.compile(r"\b(?:not|never|no longer|don'?t|do not|doesn'?t|didn'?t|won'?t"
                       r"|wouldn'?t|isn'?t|aren'?t|wasn'?t|haven'?t|hasn'?t|nor)\b(?! (?:sure"
                       r"|okay|ok|fine|even|just|only|going to lie|gonna lie|know|coping|well"
                       r"|good|great|able|sleeping|eating|(?:felt|been) (?:so|this|more|as))\b)")
_IDIOM_AFTER = re.compile(r"\s*(?:about (?:it|this|that)\b|to (?:know|see|try|hear|meet|go|get"
                          r"|read|watch|tell|find out"
                          r"|have|eat|visit)|of (?:laughter|laughing|embarrassment|boredom"
                          r"|cringe|curiosity|thirst|hunger|cuteness)|laughing)\b")
_CONTEXTS = {  # words that, in a match's clause (before or after it), weigh the match down
    "idiom": _words(
        r"commute|traffic|coffee|pizza|chocolate|cake|tacos?|snacks?|feet|shoes|heels|jokes?",
        r"laugh\w*|lmao|lmfao|rofl|haha\w*|embarrass\w*|cringe|boredom|bored|hangover|homework",
        r"exams?|meetings?|spreadsheets?|deadlines?|heat|this weather|karaoke|killing it",
        r"killed it",
        r"gym|workout|lifting|😂|🤣|💀|😅|🙄|lo+l|lmf?a+o+|ja(?:ja)+|je(?:je)+|k{4,}|rs(?:rs)+",
        r"jk|j/k|/s|(?<!not )(?<!not just )(?:just )?(?:kidding|joking)"),
    "accident": _words(
        r"cooking|kitchen|shaving|stove|oven|chopping|slicing|paper cut|gardening|accident\w*",
        r"tripped|ankle|knee|sprain\w*|by mistake|fell off|dropped a|opening a (?:can|tin|box)"),
    "report": _words(
        r"(?:he|she|they|someone|somebody|(?:my|our|his|her|their) \w+(?: \w+)?) (?:\w+ )?"
        r"(?:said|says|told|tells|wrote|writes|texted|texts|posted|mentioned|admitted|confided"
        r"|keeps saying|died|threatened|talks|talked)",
        r"lost (?:my|our|a|her|his|their) (?:\w+ ){1,2}?to"),
    "recovery": _words(
        # a year gone by (written as years before the corpus was: 2023 and earlier)
        r"(?:in|of|during|(?:january|february|march|april|may|june|july|august|september"
        r"|october|november|december)) (?:19\d\d|20[01]\d|202[0-3])(?!\d)"
        r"|this time last year",
        r"(?:\d+|a|one|two|three|four|five|six|seven|eight|nine|ten|many|several|few) (?:years?"
        r"|months?|decades?) (?:ago|out|since|later)|(?<!so )(?<!'m )(?<!am )(?<!get )used to",
        r"(?:years|months|decades|long|ages|a while|some time|a long time) ago|back in (?:high "
        r"school|school|college|uni|university|(?:19|20)\d\d)|when i was (?:\d+|in (?:high )?"
        r"school|at (?:uni|university|college))|(?:got|am|i'?m|been) (?:through|past|out of) "
        r"(?:it|that|the worst)|i (?:made it|came through|got through|pulled through)",
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


_MISSPELT = {  # common misspellings, read as the word meant
    "suicidal": "sucidal|suicidel|suisidal|suacidal|suicdal|sucicidal|suicidial|suicidle"
                "|suicidall|suicidual|sucidial|suiciadal|suciidal|suicideal",
    "suicide": "sucide|suiside|suicde|suicid|suacide|sucicide|suicidee|suiscide",
    "myself": "myslef|mysef|myslf|mself",
    "kill": "kil",
    "killing": "killin|kiling",
}
_MISSPELLING = re.compile(r"(?<![\w'])(?:" + "|".join(_MISSPELT.values()) + r")(?!\w)")
_MEANT = {variant: word for word, variants in _MISSPELT.items()
          for variant in variants.split("|")}
_CENSORED_WORDS = ("kill", "killing", "suicide", "suicidal", "myself", "die", "dead", "death",
                   "overdose", "hang", "cut", "cutting", "self", "harm", "unalive", "end")
_CENSORED = re.compile(r"(?<![\w*#])[a-z]*(?:[*#]|(?<=[a-z])!(?=[a-z]))[a-z*#!]*")


def _uncensor(word: re.Match[str]) -> str:
    """"k*ll" → "kill": the one listed word that fits where letters are starred out."""
    return _uncensored(word[0])


@functools.lru_cache(maxsize=4096)
def _uncensored(text: str) -> str:
    fits = [w for w in _CENSORED_WORDS if len(w) == len(text) and all(
        c == t or c in "*#!" for c, t in zip(text, w, strict=True))]
    return fits[0] if len(fits) == 1 else text


_QUOTED = re.compile(r"(?m)^[ \t]*>.*$")  # a quoted line (Markdown "> …"): another's words


def fold_text(text: str) -> str:
    """The text as the phrases see it (see the module docstring); linear in its length.
    Quoted lines are left out: a reply that quotes a cry for help is not one."""
    if ">" in text:
        text = _QUOTED.sub("", text)
    folded = text.lower() if text.isascii() else text.translate(_FOLD_TABLE)
    folded = _SPACED.sub(lambda run: run[0].translate(_SPACED_GAPS), folded)
    folded = _CENSORED.sub(_uncensor, folded)
    folded = _LEET_WORD.sub(_read_leet, folded)
    return _MISSPELLING.sub(lambda word: _MEANT[word[0]], folded)


def _found(folded: str) -> Iterator[tuple[str, int, int]]:
    """(phrase id, start, end) of each match, leaving out those inside a match as strong."""
    cover_end, cover_weight = 0, 0.0
    named: dict[str, str | None] = {}  # the same words (and what follows them): the same phrase
    nothing = _STARTING_WITH.get("")
    for word in _WORD_START.finditer(folded):
        tried = _STARTING_WITH.get(folded[word.start()], nothing)
        if tried is None:
            continue
        scan, namer = tried
        found = scan.match(folded, word.start())
        if found is None:
            continue
        start, end = found.span(1)
        seen = folded[max(0, start - 3):end + 24]  # lookbehinds and lookaheads see the same
        if seen in named:
            phrase_id = named[seen]
        else:
            which = namer.match(folded, start)
            phrase_id = named[seen] = which.lastgroup if which else None
        if phrase_id is None or (start < cover_end and WEIGHTS[phrase_id] <= cover_weight):
            continue
        if end >= cover_end:
            cover_end, cover_weight = end, WEIGHTS[phrase_id]
        yield phrase_id, start, end


# A direct statement about now, said outright: weighing contexts leave it at least a concern.
DIRECT = frozenset({
    "kill_myself", "end_my_life", "end_it", "want_to_die", "suicidal_me", "suicidal_thoughts",
    "unalive_myself", "kms", "dont_want_to_live", "not_safe", "plan", "means", "overdose_intent",
    "goodbye", "last_post", "tell_them_i_loved_them", "finality_plain", "wont_be_here",
    "better_off_without_me",
    "easier_if_gone", "cant_go_on", "no_reason_to_live", "life_not_worth_living",
    "tired_of_living", "dont_care_if_i_die", "self_harm_act", "self_harm_again",
    "harm_child_thoughts", "act_swallowed", "at_the_place", "means_at_hand", "finality",
    "lethality", "self_harm_worse", "others_threat", "others_violence", "someone_else_now",
    "es_pt_intent", "method_now", "when_they_find_me", "others_threat_words"})
# Acts in progress or just done: told in the past tense by nature ("i swallowed them all"),
# so a past tense alone does not make them a story when what follows tells of now.
ACTS = frozenset({"act_swallowed", "method_now", "self_harm_worse", "means_at_hand"})
# How a body or mind is doing now, said after an act ("my heart is racing", "i feel weird").
_NOW_STATE = _words(r"my (?:heart|chest|head|hands|legs|lips|stomach|vision|arm|wrist)"
                    r" (?:is|are|feels?|keeps?|won'?t)|i feel (?:so )?(?:weird|sick|dizzy|strange"
                    r"|heavy|funny|numb|faint|drowsy|wrong)|(?:i'?m|i am) (?:so )?(?:dizzy"
                    r"|shaking|bleeding|numb|panicking|drowsy|throwing up)|(?:i )?can'?t (?:feel"
                    r"|breathe|stop shaking|see straight|stay awake)|it'?s been \d+|right now"
                    r"|(?:\d+|a few|ten|twenty) (?:minutes?|mins?|hours?) ago|an hour ago")
# Danger told by the one in danger is reported speech by nature: "he said he'd kill me".
REPORTED_BY_NATURE = frozenset({"others_threat", "others_violence", "someone_else_now",
                                "others_threat_words"})
_PRESENT = _words(r"tonight|right now|now|this (?:time|weekend|week|morning|evening"
                  r"|afternoon)|for real|not (?:even )?(?:joking|kidding)|no joke|no es broma"
                  r"|en serio|serio"
                  r"|(?:nao e|nao to|nao estou) (?:zoeira|brincadeira|brincando)|de verdade"
                  r"|i'?m serious|i mean it|ready"
                  r"|again|already|still|anymore|any more")
# A sentence told in the past by the writer ("i was", "i took"…) with nothing about now or
# the last hours in it: what it says is weighed down like a recovery story.
_PAST_TELLING = _words(r"i (?:was|were|had|took|tried|wanted|felt|thought|used to|spent|went"
                       r"|got|did|attempted|swallowed|cut|remember|survived|nearly|almost"
                       r"|would|couldn'?t|didn'?t)|i'?d (?:been|had|tried)|back then"
                       r"|at (?:my|the) (?:worst|lowest)|those (?:days|years|nights)")
_RECENT = _words(r"i'?m|i am|i'?ve|i have|am|now|tonight|today|just|right now|an hour|hours?"
                 r"|minutes?|mins?|earlier|last night|this (?:morning|evening|afternoon)"
                 r"|at \d+|again|still|anymore|any more|currently|keep|keeps")
# A post that says it is looking back ("all in the past", "i'm safe now", "ten years out"):
# its sentences about the worst times, with nothing of now in them, are told as past.
_RETROSPECTIVE = _words(r"(?:all )?in the past|i'?m (?:safe|okay|ok|fine|alive|doing (?:well"
                        r"|better|okay)) (?:now|today|these days)|(?:this|it) isn'?t a crisis"
                        r"|not a crisis post|(?:\d+|ten|five|two|three|four|six|seven|eight"
                        r"|nine|many|a) years? (?:out|on|later|sober|clean|free)|in recovery"
                        r"|recovery (?:story|post)|my story(?: so far)?|looking back"
                        r"|what (?:got|helped) (?:me|you) through|i made it|still here"
                        r"|came out the other side|(?:sober|clean) (?:for|since)|anniversary")
_MADE_ME = re.compile(r"(?:makes?|made|making|make) me (?:\w+ ){0,2}?$")
_ANY_CONTEXT = re.compile("|".join(f"(?:{regex.pattern})" for regex in _CONTEXTS.values()))
_FIRST_PERSON = _words(r"i|i'?m|im|i'?ve|i'?ll|i'?d|me|my|myself|mine|eu|yo|mi|mim|meu|minha"
                       r"|vou|voy|quiero|quero")
_SERIOUS = _words(r"not (?:even )?(?:joking|kidding)|no joke|for real|i mean it|i'?m serious"
                  r"|no es broma|en serio|(?:nao e|nao to|nao estou) (?:zoeira|brincadeira"
                  r"|brincando)")
_JOKE = _words(r"laugh\w*|lo+l|lmf?a+o+|rofl|haha\w*|ja(?:ja)+|je(?:je)+|k{4,}|rs(?:rs)+|jk|j/k",
               r"(?<!not )(?<!not even )(?:kidding|joking)|killing it|killed it|😂|🤣|💀|😅|🙄")
_IF = _words(r"if|whenever|every time")
_HABIT = _words(r"whenever|every ?time|each time")
_QUOTE = re.compile(r"['\"“”]")
_MENTION_BEFORE = re.compile(r"(?:the (?:words?|phrases?|terms?|acronyms?|expressions?|line)|what"
                             r"|saying|says|say|said|called|like|means?|word) ?['\"“”]$")
_MENTION_AFTER = re.compile(r"['\"“”]? ?(?:= ?\w|means\b|stands for\b|is (?:a|an|the) (?:word"
                            r"|phrase|acronym|term|euphemism)\b|as a (?:word|phrase)\b)")
_WHEN = _words(r"tonight|tomorrow|(?:on |this |next |by )(?:monday|tuesday|wednesday|thursday"
               r"|friday|saturday"
               r"|sunday)|this (?:weekend|week)|on my birthday|for real")
_NOT_IDIOM = [regex for name, regex in _CONTEXTS.items() if name != "idiom"]
_HYPERBOLE = _words(r"(?:makes?|made|making) me|i could|literally|i'?d rather")
_SENTENCE_END = re.compile(r"[.!?\n]+")


def _told_after(folded: str, sentence_end: re.Match[str] | None) -> bool:
    """Whether the sentence after an act tells of now ("…took them all. i'm dizzy"): an act
    is told in the past tense by nature, and what follows says whether it is over."""
    if sentence_end is None:
        return False
    following = folded[sentence_end.end():sentence_end.end() + CONTEXT_WINDOW_CHARS]
    following = _SENTENCE_END.split(following, maxsplit=1)[0]
    return bool(_NOW_STATE.search(following))


def _damping(folded: str, start: int, end: int, phrase_id: str,
             retrospective: bool = False) -> tuple[float, str]:
    """How much of its weight a match at ``start:end`` keeps, and why it lost some."""
    before = _CLAUSE_BREAK.split(folded[max(0, start - CONTEXT_WINDOW_CHARS):start])[-1]
    after = _CLAUSE_BREAK.split(folded[end:end + CONTEXT_WINDOW_CHARS], maxsplit=1)[0]
    if _NEGATION.search(" ".join(before.split()[-NEGATION_WINDOW_WORDS:])):
        return NEGATED_FACTOR, "negated"
    if _MENTION_AFTER.match(folded, end) or (
            _MENTION_BEFORE.search(folded[max(0, start - 40):start]) and _QUOTE.match(folded, end)):
        return CONTEXT_FACTOR, "news"  # the words talked about ("what 'kms' means"), not said
    if _IDIOM_AFTER.match(after):
        return CONTEXT_FACTOR, "idiom"
    direct = phrase_id in DIRECT
    sentence_start = max(folded.rfind(".", 0, start), folded.rfind("\n", 0, start),
                         start - CONTEXT_WINDOW_CHARS)
    after_sentence = _SENTENCE_END.search(folded, end, end + CONTEXT_WINDOW_CHARS)
    around = folded[max(0, sentence_start):after_sentence.start() if after_sentence
                    else end + CONTEXT_WINDOW_CHARS]
    if retrospective and not _RECENT.search(around) and not _PRESENT.search(around):
        return CONTEXT_FACTOR, "recovery"  # a post looking back, this sentence with it
    if direct and _HABIT.search(after) and not _PRESENT.search(around):
        # "i want to throw myself off a cliff every time it rings": said of a habit, still
        # said — bounded: a concern
        return min(1.0, DIRECT_FLOOR / WEIGHTS[phrase_id]), "idiom"
    if not _ANY_CONTEXT.search(around) and not _PAST_TELLING.search(around) \
            and not _MADE_ME.search(before):
        return 1.0, ""  # the common case: nothing around it weighs it down
    present = bool(_PRESENT.search(around))
    if not present and (_CONTEXTS["recovery"].search(around) or (
            _PAST_TELLING.search(around) and not _RECENT.search(around)
            and not (phrase_id in ACTS and (_NOW_STATE.search(around)
                                            or _told_after(folded, after_sentence))))):
        return CONTEXT_FACTOR, "recovery"  # told as past, anywhere in its sentence
    if not present and _MADE_ME.search(before):
        return CONTEXT_FACTOR, "idiom"  # "the way she drives makes me want to die"
    for name, regex in _CONTEXTS.items():
        if not (regex.search(before) or regex.search(after)) or (
                name == "idiom" and _SERIOUS.search(around)):
            continue
        if not direct:
            return CONTEXT_FACTOR, name
        if name in ("report", "supportive") and phrase_id in REPORTED_BY_NATURE:
            return 1.0, ""  # danger told by the one in it: never weighed down as a report
        if name == "idiom" and not _HYPERBOLE.search(before) and not _IF.search(before) and (
                not _JOKE.search(around) or _WHEN.search(around)) and not any(
                other.search(around) for other in _NOT_IDIOM):
            return 1.0, ""  # an ordinary word beside it (an exam, coffee, a day): as meant
        if not _FIRST_PERSON.search(f"{before} {folded[start:end]}"):
            return CONTEXT_FACTOR, name  # not about the writer ("if you are thinking of…")
        if present:
            return 1.0, ""  # the writer, about now: never weighed down
        if name in ("recovery", "accident") or (name == "idiom" and _HYPERBOLE.search(before)):
            return CONTEXT_FACTOR, name  # told as past, an accident, hyperbole
        return DIRECT_FLOOR / WEIGHTS[phrase_id], name  # bounded: still a concern
    return 1.0, ""


def _level(score: float) -> CrisisLevel:
    if score >= URGENT_THRESHOLD:
        return CrisisLevel.URGENT
    return CrisisLevel.CONCERN if score >= CONCERN_THRESHOLD else CrisisLevel.NONE


@dataclass(frozen=True)
class Findings:
    """What the rules found in one text: its best window's score and phrases (weight and why
    it was weighed down, if it was), and whether a direct statement counted in full there."""

    score: float
    window: dict[str, tuple[float, str]]

    @property
    def level(self) -> CrisisLevel:
        return _level(self.score)

    @property
    def outright(self) -> bool:
        return any(phrase_id in DIRECT and weight >= WEIGHTS[phrase_id]
                   for phrase_id, (weight, _) in self.window.items())

    @property
    def matched(self) -> tuple[str, ...]:
        ranked = sorted(self.window.items(), key=lambda item: (-item[1][0], item[0]))
        return tuple(f"{name} ({reason})" if reason else name for name, (_, reason) in ranked)

    def evidence(self, reading: Reading) -> list[float]:
        """The second stage's inputs: these findings and the model's reading of the text."""
        in_full = sum(weight >= WEIGHTS[name] for name, (weight, _) in self.window.items())
        weighed = frozenset(reason for _, reason in self.window.values() if reason)
        return evidence(self.score, self.level.value, self.outright, in_full, weighed, reading)


def find(folded: str) -> Findings:
    """The rules' findings in a folded text (fold_text).

    Read sentence by sentence: each phrase counts at most once per sentence, and matches add
    up only within ``WINDOW_SENTENCES`` neighbouring sentences. So one risky sentence is
    caught anywhere in a long post, while mentions spread through a long story (a healing
    story's past) do not add up to urgent."""
    ends = [m.end() for m in _SENTENCE_END.finditer(folded)]
    sentences: dict[int, dict[str, tuple[float, str]]] = {}
    weighed: dict[tuple[int, str], int] = {}
    decisive: set[str] = set()  # phrases urgent on their own, already counted in full
    retrospective = bool(_RETROSPECTIVE.search(folded))
    for phrase_id, start, end in _found(folded):
        if phrase_id in decisive:
            continue  # the level is settled; more of the same changes nothing
        index = bisect.bisect_right(ends, start)
        best = sentences.setdefault(index, {})
        if phrase_id in best and best[phrase_id][0] >= WEIGHTS[phrase_id]:
            continue  # already counted at full weight in this sentence
        tries = weighed.get((index, phrase_id), 0)
        total = weighed.get((-1, phrase_id), 0)
        if tries >= EVALUATIONS_PER_PHRASE or (
                total >= EVALUATIONS_PER_SIGNAL and phrase_id not in DIRECT):
            continue  # a signal weighed this often already says what it can
        weighed[index, phrase_id] = tries + 1
        weighed[-1, phrase_id] = total + 1
        factor, reason = _damping(folded, start, end, phrase_id, retrospective)
        weight = round(WEIGHTS[phrase_id] * factor, 3)
        if weight > best.get(phrase_id, (-1.0, ""))[0]:
            best[phrase_id] = (weight, reason)
        if weight >= URGENT_THRESHOLD:
            decisive.add(phrase_id)
    window: dict[str, tuple[float, str]] = {}
    best_score = 0.0
    order = sorted(sentences)
    for position, index in enumerate(order):
        merged: dict[str, tuple[float, str]] = {}
        for other in order[position:]:
            if other >= index + WINDOW_SENTENCES:
                break
            for phrase_id, found in sentences[other].items():
                if found[0] > merged.get(phrase_id, (-1.0, ""))[0]:
                    merged[phrase_id] = found
        score = round(sum((weight for weight, _ in merged.values()), 0.0), 2)
        if score > best_score or not window:
            best_score, window = score, merged
    return Findings(best_score, window)


def detect(text: str, *, use_model: bool = True) -> Detection:
    """The crisis level of one text, its score and the phrases that counted: the rules'
    findings (find), then — when the learned model ships and the text has a few words — its
    second stage, which reads those findings with the model's reading of the text. It may
    raise the level; it lowers only a rules urgent it reads as no danger now, and only to a
    concern (``veto_at``; a direct statement counted in full needs the stricter
    ``veto_outright_at``)."""
    folded = fold_text(text)
    findings = find(folded)
    level, best_score, matched = findings.level, findings.score, findings.matched
    settled = level is CrisisLevel.URGENT and findings.outright  # the model changes nothing
    model = shipped() if use_model and folded.strip() and not settled else None
    reading = model.read(folded) if model is not None else None
    if model is None or reading is None:
        return Detection(level, best_score, matched)
    _none, concern, urgent = model.decide(findings.evidence(reading))
    by_model = CrisisLevel.URGENT if urgent >= model.urgent_at else (
        CrisisLevel.CONCERN if concern + urgent >= model.concern_at else CrisisLevel.NONE)
    if by_model is CrisisLevel.URGENT and matched and all(
            name.endswith(("(idiom)", "(accident)", "(negated)")) for name in matched):
        by_model = CrisisLevel.CONCERN  # the rules read these very words as an idiom or a "not"
    if level is CrisisLevel.URGENT and urgent < (
            model.veto_outright_at if findings.outright else model.veto_at):
        # Read as no danger now (a joke, a past told as past, a reply, an idea without intent):
        # bounded — it stays a concern, never less.
        level = CrisisLevel.CONCERN
        matched = (f"{MODEL} (reads as calm {1 - urgent:.2f})", *matched)
    if _RANK[by_model] > _RANK[level]:
        level = by_model
        best_score = max(best_score, URGENT_THRESHOLD if level is CrisisLevel.URGENT
                         else CONCERN_THRESHOLD)
        matched = (f"{MODEL} ({urgent:.2f})", *matched)
    return Detection(level, best_score, matched)


def detect_many(*texts: str, use_model: bool = True) -> Detection:
    """Several texts of one post (title, body): the highest level; all the matches, those that
    counted in full first, stronger first."""
    detections = [detect(text, use_model=use_model) for text in texts]
    if not detections:
        return Detection(CrisisLevel.NONE, 0.0, ())
    top = max(detections, key=lambda detection: (_RANK[detection.level], detection.score))
    matched = dict.fromkeys(name for detection in detections for name in detection.matched)
    ranked = sorted(matched, key=lambda name: ("(" in name and not name.startswith(MODEL),
                                               -WEIGHTS.get(name.split(" ")[0], 1.0)))
    return Detection(top.level, top.score, tuple(ranked))


def noticed(detection: Detection, limit: int = 5) -> str:
    """What was noticed, for the moderators' Urgent tab: the phrases that counted in full,
    or that the learned model read it so."""
    names = [name for name in detection.matched if "(" not in name][:limit]
    if names:
        return "Crisis language noticed: " + ", ".join(names)
    if any(name.startswith(MODEL) for name in detection.matched):
        return "Crisis language noticed by the learned model (no listed phrase)"
    return "Crisis language noticed"
