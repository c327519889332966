"""What the crisis detector noticed, in plain words for the moderators who read it.

The detector names its phrases by short ids (``dont_want_to_live``) and a system report's
note keeps them ("Crisis language noticed: dont_want_to_live, plan"). Moderators read the
note on the queue, on a post's page and through the API; each of those shows it through
`plain_note`, so no internal id reaches a moderator. A test checks that every phrase the
detector knows has its words here.
"""

from __future__ import annotations

# The detector's phrase id -> what it means, said as a moderator would say it.
PLAIN: dict[str, str] = {
    "act_swallowed": "says they have swallowed something",
    "at_the_place": "says they are at a place to end their life",
    "better_off_without_me": "says others would be better off without them",
    "better_parent": "says their child would have a better parent without them",
    "burden": "feels like a burden",
    "cant_cope": "says they can't cope",
    "cant_go_on": "says they can't go on",
    "cant_take_it": "says they can't take it any more",
    "coping_now": "talks about how they are coping right now",
    "dark_place": "says they are in a dark place",
    "disappear": "wants to disappear",
    "do_it_soon": "says they will do it soon",
    "dont_care_if_i_die": "says they don't care if they die",
    "dont_care_what_happens": "says they don't care what happens to them",
    "dont_see_the_point": "doesn't see the point any more",
    "dont_want_to_live": "says they don't want to live",
    "easier_if_gone": "says things would be easier if they were gone",
    "end_it": "talks about ending it",
    "end_my_life": "talks about ending their life",
    "es_pt_concern": "words of despair (Spanish or Portuguese)",
    "es_pt_intent": "says they mean to end their life (Spanish or Portuguese)",
    "finality": "sounds final, like a last message",
    "finality_plain": "speaks of a last time or of not coming back",
    "giving_up": "says they are giving up",
    "goodbye": "says goodbye",
    "goodbye_everyone": "says goodbye to everyone",
    "harm_child_thoughts": "has thoughts of harming their child",
    "harm_child_images": "has frightening pictures of harming their child",
    "hopeless": "feels hopeless",
    "how_much_how_high": "asks how much of something, or how high, would be enough to die",
    "im_dying": "says they are dying",
    "intrusive_thoughts": "talks about intrusive thoughts",
    "kill_me": "wants something to kill them",
    "kill_myself": "talks about killing themself",
    "killing_me": "says something is killing them",
    "kms": "says “kms” (kill myself)",
    "last_one": "says this is their last one",
    "last_post": "says this is their last post",
    "lethality": "asks what would be lethal",
    "lethality_for_me": "asks what would be lethal for them",
    "life_not_worth_living": "says life isn't worth living",
    "means": "talks about a way to end their life",
    "means_at_hand": "has a way to end their life with them now",
    "method_now": "talks about a method, now",
    "never_born": "wishes they had never been born",
    "never_wake_up": "wishes they wouldn't wake up",
    "no_reason_to_live": "says they have no reason to live",
    "no_way_out": "sees no way out",
    "nobody_would_care": "says nobody would care",
    "not_safe": "says they aren't safe",
    "nothing_matters": "says nothing matters",
    "numb": "feels numb",
    "others_threat": "says someone threatened them",
    "others_threat_words": "quotes someone threatening them",
    "others_violence": "says someone is hurting them",
    "others_violence_past": "says someone hurt them before",
    "overdose": "talks about an overdose",
    "overdose_intent": "talks about taking an overdose",
    "past_wish_to_die": "says they wanted to die before",
    "plan": "says they have a plan",
    "regret_baby": "regrets having their baby",
    "relapse_now": "says they are relapsing now",
    "relapsed": "says they relapsed",
    "said_my_goodbyes": "says they have said their goodbyes",
    "self_harm": "talks about self-harm",
    "self_harm_act": "says they have hurt themself",
    "self_harm_again": "says they hurt themself again",
    "self_harm_urge": "has an urge to hurt themself",
    "self_harm_worse": "says their self-harm is getting worse",
    "self_hatred": "talks about hating themself",
    "someone_else_now": "says someone else is in danger now",
    "sorry_for_everything": "says sorry for everything",
    "suicidal": "talks about being suicidal",
    "suicidal_me": "says they are suicidal",
    "suicidal_thoughts": "has suicidal thoughts",
    "suicide": "mentions suicide",
    "take_care_of_them": "asks someone to take care of the people they leave",
    "tell_them_i_loved_them": "asks someone to tell others they loved them",
    "thinking_of_death": "thinks about death",
    "tired_of_everything": "is tired of everything",
    "tired_of_living": "is tired of living",
    "tried_to_die": "says they tried to die",
    "unalive_myself": "talks about “unaliving” themself",
    "want_to_die": "says they want to die",
    "what_is_the_point": "asks what the point is",
    "when_they_find_me": "talks about when they are found",
    "wont_be_here": "says they won't be here",
}

NOTICED = "Crisis language noticed: "


def plain_id(phrase_id: str) -> str:
    """One id in plain words; one the list lacks still reads as words, never as an id."""
    return PLAIN.get(phrase_id, phrase_id.replace("_", " "))


def plain_note(note: str) -> str:
    """A report's note with the detector's ids in plain words (a member's note untouched)."""
    if not note.startswith(NOTICED):
        return note
    named = note[len(NOTICED):].split(", ")
    return "Crisis language noticed — the writer " + "; ".join(
        plain_id(name) for name in named) + "."
