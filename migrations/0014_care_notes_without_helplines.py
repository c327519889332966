"""Care messages written before they were stored without helplines (kind "care": the
moderator's words, " — ", then the author's region's lines) lose the lines and become kind
"care_message", whose lines are looked up from the reader's region when shown. The lines told
a copy of the database which region the (possibly anonymous) author is in."""

from tortoise import migrations
from tortoise.migrations import operations as ops

SEPARATOR = " — "


async def strip_lines(apps, schema_editor) -> None:
    client = schema_editor.client
    first, second = ("$1", "$2") if client.capabilities.dialect == "postgres" else ("?", "?")
    for table in ("notifications", "sealed_notifications"):
        update = (f"UPDATE {table} SET message = {first}, kind = 'care_message' "  # noqa: S608
                  f"WHERE id = {second}")
        for row in await client.execute_query_dict(
                f"SELECT id, message FROM {table} WHERE kind = 'care'"):  # noqa: S608
            words = str(row["message"]).rsplit(SEPARATOR, 1)[0]
            await client.execute_query(update, [words, row["id"]])


async def nothing(apps, schema_editor) -> None:
    """Going back keeps the notes as they are now: the lines are shown when read either way."""


class Migration(migrations.Migration):
    dependencies = [('models', '0013_search_readable_only')]

    initial = False

    operations = [
        ops.RunPython(strip_lines, nothing),
    ]
