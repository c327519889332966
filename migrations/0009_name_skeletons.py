"""Look-alike skeletons recomputed with the Unicode TR39 skeleton (forum.usernames.skeleton).

Only the skeleton columns change. Accounts whose names now share a skeleton are left as they
are (no account is renamed or removed): the rule applies to new names and renames.
"""

from tortoise import migrations
from tortoise.migrations import operations as ops

from forum.usernames import SKELETON_MAX, skeleton

TABLES = {"users": "username", "released_usernames": "username_key"}


async def _recompute(schema_editor) -> None:
    client = schema_editor.client
    mark = "$1" if client.capabilities.dialect == "postgres" else "?"
    mark2 = "$2" if mark == "$1" else "?"
    for table, source in TABLES.items():
        # The table and column names are the constants above; only values are bound.
        select = f"SELECT id, {source} AS name FROM {table}"  # noqa: S608
        rows = await client.execute_query_dict(select)
        for row in rows:
            await client.execute_query(
                f"UPDATE {table} SET skeleton = {mark} WHERE id = {mark2}",  # noqa: S608
                [skeleton(row["name"])[:SKELETON_MAX], row["id"]])


async def recompute(apps, schema_editor) -> None:
    await _recompute(schema_editor)


async def keep(apps, schema_editor) -> None:
    """Going back leaves the new skeletons: they are stricter, and the old ones can't be
    rebuilt without the old table."""


class Migration(migrations.Migration):
    dependencies = [('models', '0008_member_experience')]

    initial = False

    operations = [
        ops.RunPython(recompute, keep),
    ]
