"""Reference data every fresh forum needs, loaded by `forum migrate` (idempotent)."""

from __future__ import annotations

from forum.models.content import Category, Premoderation

DEFAULT_CATEGORIES = [
    ("parenting-mom-guilt", "Parenting & Mom Guilt",
     "The weight of raising children — the guilt, the doubt, the love and the repair."),
    ("recovery-sobriety", "Recovery & Sobriety",
     "Getting sober, staying sober, starting again. Every day counts."),
    ("depression-anxiety", "Depression & Anxiety",
     "For the heavy days and the racing mind. You are not the only one."),
    ("grief-loss", "Grief & Loss",
     "For the people and the futures we have lost, and for carrying on."),
    ("relationships-family", "Relationships & Family",
     "Partners, parents, siblings, friends: the ties that hold us and hurt us."),
    ("small-wins", "Small Wins",
     "Got out of bed? Made the call? Tell us. Small steps are real steps."),
]


# Guests may post (always held for a moderator) where the stakes are lowest.
GUEST_CATEGORIES = frozenset({"small-wins"})


async def ensure_reference_data() -> int:
    """Seed the default categories into an empty forum, and load the shipped crisis
    resources (new ones added, admins' edits kept); returns how many categories were added."""
    from forum.actions.resources import import_resources
    from forum.safety.resources import SHIPPED

    await import_resources(SHIPPED)
    if await Category.exists():
        return 0
    await Category.bulk_create(
        [
            Category(
                slug=slug,
                name=name,
                description=description,
                position=position,
                premoderation=Premoderation.NEW_MEMBERS,
                allow_guests=slug in GUEST_CATEGORIES,
            )
            for position, (slug, name, description) in enumerate(DEFAULT_CATEGORIES)
        ]
    )
    return len(DEFAULT_CATEGORIES)
