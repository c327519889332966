"""Nothing about a member's anonymous posts, or the limits set through them, stays on their
own row (forum.sealed_side): each anonymous post gets its author's keyed slot, each limit in
force becomes a sealed row with a keyed slot, and the two sealed columns on ``users`` go.
Sealed notes get a per-member "read before" moment instead of read marks on the rows.

The slots are keyed: this migration needs the forum's anonymity key (`forum migrate` has
it). A post whose seal this key cannot open gets no slot, like before.
"""

import importlib
import json
from collections import defaultdict

from tortoise import fields, migrations
from tortoise.migrations import operations as ops

from forum import sealing
from forum.sealed_side import limit_slot, owner_slot, seal_limit


def _marks(client) -> tuple[str, str]:
    return ("$1", "$2") if client.capabilities.dialect == "postgres" else ("?", "?")


async def fill(apps, schema_editor) -> None:
    client = schema_editor.client
    first, second = _marks(client)
    by_author: dict[int, list[int]] = defaultdict(list)
    for row in await client.execute_query_dict(
            "SELECT id, sealed_author FROM posts WHERE sealed_author IS NOT NULL ORDER BY id"):
        opened = sealing.unseal(row["sealed_author"], "post-author")
        if opened and opened.isdigit():
            by_author[int(opened)].append(int(row["id"]))
    update = f"UPDATE posts SET owner_slot = {first} WHERE id = {second}"  # noqa: S608
    for author_id, post_ids in by_author.items():
        for n, post_id in enumerate(post_ids):
            await client.execute_query(update, [owner_slot(author_id, n), post_id])
    insert = f"INSERT INTO sealed_limits (slot, sealed) VALUES ({first}, {second})"  # noqa: S608
    for row in await client.execute_query_dict(
            "SELECT id, sealed_restrictions FROM users WHERE sealed_restrictions <> ''"):
        opened = sealing.unseal(row["sealed_restrictions"], f"restrictions:{row['id']}")
        if not opened:
            continue
        limits = {k: v for k, v in json.loads(opened).items() if v}
        if limits:
            await client.execute_query(insert, [limit_slot(int(row["id"]), 0),
                                                seal_limit(int(row["id"]), limits)])


async def nothing(apps, schema_editor) -> None:
    """Going back leaves the old columns empty: the lists cannot be rebuilt row by row."""


def _search():
    return importlib.import_module(f"{__package__}.0007_search")


async def search_back(apps, schema_editor) -> None:
    """Going back on SQLite: dropping ``posts.owner_slot`` rebuilds the table, which the
    search view names (0007): the search goes first and comes back after."""
    if schema_editor.client.capabilities.dialect == "sqlite":
        await _search().create_search(apps, schema_editor)


async def search_away(apps, schema_editor) -> None:
    if schema_editor.client.capabilities.dialect == "sqlite":
        await _search().drop_search(apps, schema_editor)


class Migration(migrations.Migration):
    dependencies = [('models', '0010_display_skeleton')]

    initial = False

    operations = [
        ops.RunPython(nothing, search_back),
        ops.AddField(
            model_name='Post',
            name='owner_slot',
            field=fields.CharField(null=True, unique=True, max_length=40),
        ),
        ops.RunPython(nothing, search_away),
        ops.CreateModel(
            name='SealedLimit',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True,
                                       db_index=True)),
                ('slot', fields.CharField(unique=True, max_length=40)),
                ('sealed', fields.TextField()),
            ],
            options={'table': 'sealed_limits', 'app': 'models', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.AddField(
            model_name='User',
            name='sealed_notes_read_before',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.RunPython(fill, nothing),
        ops.RemoveField(model_name='User', name='sealed_restrictions'),
        ops.RemoveField(model_name='User', name='sealed_anonymous_posts'),
    ]
