"""Look-alike skeletons recomputed with the Unicode TR39 skeleton (forum.usernames), and a
skeleton kept beside each display name so a new name can be compared with every member's.

Only skeleton columns change. Accounts whose names now share a skeleton are left as they are
(no account is renamed or removed): the rule applies to new names and renames.
"""

from tortoise import fields, migrations
from tortoise.migrations import operations as ops

from forum.usernames import SKELETON_MAX, display_skeleton, skeleton

# table -> (the name column, the skeleton column, how the skeleton is made)
COLUMNS = [
    ("users", "username", "skeleton", lambda name: skeleton(name)[:SKELETON_MAX]),
    ("users", "display_name", "display_skeleton", display_skeleton),
    ("released_usernames", "username_key", "skeleton", lambda name: skeleton(name)[:SKELETON_MAX]),
]


def _index_name(schema_editor) -> str:
    """The name Tortoise gives a db_index (AddField doesn't create the index itself)."""
    return schema_editor._generate_index_name_for_table("idx", "users", ["display_skeleton"])


async def recompute(apps, schema_editor) -> None:
    client = schema_editor.client
    await client.execute_query(f'CREATE INDEX IF NOT EXISTS "{_index_name(schema_editor)}" '
                               'ON "users" ("display_skeleton")')
    first, second = ("$1", "$2") if client.capabilities.dialect == "postgres" else ("?", "?")
    for table, source, target, make in COLUMNS:
        # The table and column names are the constants above; only values are bound.
        select = f"SELECT id, {source} AS name FROM {table}"  # noqa: S608
        update = f"UPDATE {table} SET {target} = {first} WHERE id = {second}"  # noqa: S608
        for row in await client.execute_query_dict(select):
            await client.execute_query(update, [make(row["name"] or ""), row["id"]])


async def drop_index(apps, schema_editor) -> None:
    """Going back drops the display-name index (SQLite can't drop an indexed column) and
    leaves the new username skeletons: they are stricter, and the old ones can't be rebuilt
    without the old look-alike table."""
    await schema_editor.client.execute_query(
        f'DROP INDEX IF EXISTS "{_index_name(schema_editor)}"')


class Migration(migrations.Migration):
    dependencies = [('models', '0008_member_experience')]

    initial = False

    operations = [
        ops.AddField(
            model_name='User',
            name='display_skeleton',
            field=fields.CharField(default='', db_default='', db_index=True, max_length=240),
        ),
        ops.RunPython(recompute, drop_index),
    ]
