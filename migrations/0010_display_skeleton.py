"""A look-alike skeleton kept beside each display name (forum.usernames.display_skeleton), so
a new name can be compared with every member's by index. Existing rows are filled in; two
display names that already look alike both stay (the rule applies when a name changes).
"""

from tortoise import fields, migrations
from tortoise.migrations import operations as ops

from forum.usernames import display_skeleton


def _index_name(schema_editor) -> str:
    """The name Tortoise gives a db_index (AddField doesn't create the index itself)."""
    return schema_editor._generate_index_name_for_table("idx", "users", ["display_skeleton"])


async def fill(apps, schema_editor) -> None:
    client = schema_editor.client
    await client.execute_query(f'CREATE INDEX IF NOT EXISTS "{_index_name(schema_editor)}" '
                               'ON "users" ("display_skeleton")')
    first, second = ("$1", "$2") if client.capabilities.dialect == "postgres" else ("?", "?")
    update = f"UPDATE users SET display_skeleton = {first} WHERE id = {second}"  # noqa: S608
    for row in await client.execute_query_dict(
            "SELECT id, display_name FROM users WHERE display_name <> ''"):
        await client.execute_query(update, [display_skeleton(row["display_name"]), row["id"]])


async def drop_index(apps, schema_editor) -> None:
    """Going back drops the index first: SQLite can't drop an indexed column."""
    await schema_editor.client.execute_query(
        f'DROP INDEX IF EXISTS "{_index_name(schema_editor)}"')


class Migration(migrations.Migration):
    dependencies = [('models', '0009_name_skeletons')]

    initial = False

    operations = [
        ops.AddField(
            model_name='User',
            name='display_skeleton',
            field=fields.CharField(default='', db_default='', db_index=True, max_length=240),
        ),
        ops.RunPython(fill, drop_index),
    ]
