"""A released username keeps only its look-alike skeleton, sealed with the anonymity key: a
readable name would say whose posts the account deletion touched. (`forum migrate` has the
key.) The readable columns go, with their indexes."""

from tortoise import fields, migrations
from tortoise.migrations import operations as ops

from forum import sealing

PURPOSE = "released-name"


def _index(schema_editor, column: str) -> str:
    return schema_editor._generate_index_name_for_table("idx", "released_usernames", [column])


async def seal_names(apps, schema_editor) -> None:
    client = schema_editor.client
    first, second = ("$1", "$2") if client.capabilities.dialect == "postgres" else ("?", "?")
    update = f"UPDATE released_usernames SET sealed_skeleton = {first} WHERE id = {second}"  # noqa: S608
    for row in await client.execute_query_dict("SELECT id, skeleton FROM released_usernames"):
        await client.execute_query(update, [sealing.seal(row["skeleton"], PURPOSE), row["id"]])
    for column in ("username_key", "skeleton"):  # SQLite can't drop an indexed column
        await client.execute_query(f'DROP INDEX IF EXISTS "{_index(schema_editor, column)}"')


async def open_names(apps, schema_editor) -> None:
    """Going back: the readable columns are filled in again from the seals."""
    client = schema_editor.client
    first, second = ("$1", "$2") if client.capabilities.dialect == "postgres" else ("?", "?")
    update = (f"UPDATE released_usernames SET skeleton = {first}, username_key = {first} "  # noqa: S608
              f"WHERE id = {second}")
    for row in await client.execute_query_dict(
            "SELECT id, sealed_skeleton FROM released_usernames"):
        opened = sealing.unseal(row["sealed_skeleton"], PURPOSE) or ""
        await client.execute_query(update, [opened, row["id"]])


class Migration(migrations.Migration):
    dependencies = [('models', '0011_nothing_on_the_authors_row')]

    initial = False

    operations = [
        ops.AddField(
            model_name='ReleasedUsername',
            name='sealed_skeleton',
            field=fields.TextField(default='', db_default=''),
        ),
        ops.RunPython(seal_names, open_names),
        ops.RemoveField(model_name='ReleasedUsername', name='username_key'),
        ops.RemoveField(model_name='ReleasedUsername', name='skeleton'),
        ops.AlterField(
            model_name='ReleasedUsername',
            name='available_at',
            field=fields.DatetimeField(db_index=True, auto_now=False, auto_now_add=False),
        ),
    ]
