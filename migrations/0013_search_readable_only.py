"""The SQLite search index holds only the posts anyone may read.

Before, ``post_search`` (0007) indexed every post, held, hidden, rejected and deleted ones
too, and only the search query left them out. FTS5's bm25 takes its statistics from the
whole index — how many documents there are, how long they are on average, how many hold
each word — so the score and the order of a member's results moved when a post they may
not read contained the word they searched for: a held anonymous post told on itself.

Now the index's content, the view ``post_search_source``, is exactly the readable posts:
published, in a thread whose story is published (the rule in forum/queries/search.py).
The triggers keep the index equal to the view, in pairs: before a change, the rows of the
view it can touch leave the index (with the values they were indexed with, as FTS5's
'delete' needs); after it, the same rows as the view now has them come back. What a change
can touch: the post itself, and when a published story appears, goes, or moves, every post
in its thread (the replies become readable or unreadable with it). A thread's new title
re-indexes its story; a thread deleted takes its posts out before the cascade (the posts'
own triggers then find nothing: their thread is gone). ``rebuild`` reproduces the index
from the view at any time, and this migration ends with one.

PostgreSQL keeps its generated ``search_vector`` on every post: ts_rank reads nothing but
the post's own vector and the query (no corpus statistics), and the query keeps the rule.

Later migrations that rebuild ``posts`` or ``threads`` on SQLite: run ``drop_search``
below first and ``create_search`` after (not 0007's, which are the older index).
"""

import importlib

from tortoise import migrations
from tortoise.migrations import operations as ops

# Readable: published, and the thread's story published (forum/queries/search.py's rule).
SQLITE_CREATE = [
    "CREATE VIEW post_search_source AS "
    "SELECT p.id AS id, CASE WHEN p.is_story THEN t.title ELSE '' END AS title, "
    "p.body_md AS body, p.thread_id AS thread_id, p.is_story AS is_story "
    "FROM posts p JOIN threads t ON t.id = p.thread_id WHERE p.status = 'published' "
    "AND EXISTS (SELECT 1 FROM posts s WHERE s.thread_id = p.thread_id AND s.is_story "
    "AND s.status = 'published')",
    "CREATE VIRTUAL TABLE post_search USING fts5(title, body, content='post_search_source', "
    "content_rowid='id', tokenize='porter unicode61')",
    # A new post; a new published story (its thread's only one) opens the thread's replies.
    "CREATE TRIGGER post_search_insert AFTER INSERT ON posts BEGIN "
    "INSERT INTO post_search(rowid, title, body) SELECT id, title, body "
    "FROM post_search_source WHERE id = new.id; "
    "INSERT INTO post_search(rowid, title, body) SELECT id, title, body "
    "FROM post_search_source WHERE new.is_story AND new.status = 'published' "
    "AND NOT EXISTS (SELECT 1 FROM posts s WHERE s.thread_id = new.thread_id AND s.is_story "
    "AND s.status = 'published' AND s.id <> new.id) "
    "AND thread_id = new.thread_id AND id <> new.id; END",
    # An update: the post out, and the thread's other posts too when a published story is
    # made, unmade or moved by it; after it, the same rows back in as they are now.
    "CREATE TRIGGER post_search_update_out BEFORE UPDATE OF body_md, is_story, thread_id, "
    "status ON posts WHEN old.body_md IS NOT new.body_md OR old.is_story IS NOT new.is_story "
    "OR old.thread_id IS NOT new.thread_id OR old.status IS NOT new.status BEGIN "
    "INSERT INTO post_search(post_search, rowid, title, body) SELECT 'delete', id, title, "
    "body FROM post_search_source WHERE id = old.id; "
    "INSERT INTO post_search(post_search, rowid, title, body) SELECT 'delete', id, title, "
    "body FROM post_search_source WHERE ((old.is_story AND old.status = 'published') "
    "OR (new.is_story AND new.status = 'published')) AND (old.status IS NOT new.status "
    "OR old.is_story IS NOT new.is_story OR old.thread_id IS NOT new.thread_id) "
    "AND thread_id IN (old.thread_id, new.thread_id) AND id <> old.id; END",
    "CREATE TRIGGER post_search_update_in AFTER UPDATE OF body_md, is_story, thread_id, "
    "status ON posts WHEN old.body_md IS NOT new.body_md OR old.is_story IS NOT new.is_story "
    "OR old.thread_id IS NOT new.thread_id OR old.status IS NOT new.status BEGIN "
    "INSERT INTO post_search(rowid, title, body) SELECT id, title, body "
    "FROM post_search_source WHERE id = new.id; "
    "INSERT INTO post_search(rowid, title, body) SELECT id, title, body "
    "FROM post_search_source WHERE ((old.is_story AND old.status = 'published') "
    "OR (new.is_story AND new.status = 'published')) AND (old.status IS NOT new.status "
    "OR old.is_story IS NOT new.is_story OR old.thread_id IS NOT new.thread_id) "
    "AND thread_id IN (old.thread_id, new.thread_id) AND id <> new.id; END",
    # A post deleted: out, with its thread's other posts if it was a published story; the
    # ones still readable after (a second published story, which the forum never makes)
    # come back.
    "CREATE TRIGGER post_search_delete_out BEFORE DELETE ON posts BEGIN "
    "INSERT INTO post_search(post_search, rowid, title, body) SELECT 'delete', id, title, "
    "body FROM post_search_source WHERE id = old.id; "
    "INSERT INTO post_search(post_search, rowid, title, body) SELECT 'delete', id, title, "
    "body FROM post_search_source WHERE old.is_story AND old.status = 'published' "
    "AND thread_id = old.thread_id AND id <> old.id; END",
    "CREATE TRIGGER post_search_delete_in AFTER DELETE ON posts BEGIN "
    "INSERT INTO post_search(rowid, title, body) SELECT id, title, body "
    "FROM post_search_source WHERE old.is_story AND old.status = 'published' "
    "AND thread_id = old.thread_id; END",
    "CREATE TRIGGER post_search_thread_title_out BEFORE UPDATE OF title ON threads "
    "WHEN old.title IS NOT new.title BEGIN "
    "INSERT INTO post_search(post_search, rowid, title, body) SELECT 'delete', id, title, "
    "body FROM post_search_source WHERE thread_id = old.id AND is_story; END",
    "CREATE TRIGGER post_search_thread_title_in AFTER UPDATE OF title ON threads "
    "WHEN old.title IS NOT new.title BEGIN "
    "INSERT INTO post_search(rowid, title, body) SELECT id, title, body "
    "FROM post_search_source WHERE thread_id = new.id AND is_story; END",
    # Before the cascade: the posts' own triggers then find their thread gone, and nothing.
    "CREATE TRIGGER post_search_thread_delete BEFORE DELETE ON threads BEGIN "
    "INSERT INTO post_search(post_search, rowid, title, body) SELECT 'delete', id, title, "
    "body FROM post_search_source WHERE thread_id = old.id; END",
    # Index the readable posts already written.
    "INSERT INTO post_search(post_search) VALUES ('rebuild')",
]

SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS post_search_thread_delete",
    "DROP TRIGGER IF EXISTS post_search_thread_title_in",
    "DROP TRIGGER IF EXISTS post_search_thread_title_out",
    "DROP TRIGGER IF EXISTS post_search_delete_in",
    "DROP TRIGGER IF EXISTS post_search_delete_out",
    "DROP TRIGGER IF EXISTS post_search_update_in",
    "DROP TRIGGER IF EXISTS post_search_update_out",
    "DROP TRIGGER IF EXISTS post_search_insert",
    "DROP TABLE IF EXISTS post_search",
    "DROP VIEW IF EXISTS post_search_source",
]


def _older():
    return importlib.import_module(f"{__package__}.0007_search")


async def _sqlite(schema_editor, statements: list[str]) -> None:
    client = schema_editor.client
    for statement in statements:  # one statement per call (RunSQL splits on ';')
        await client.execute_query(statement)


async def create_search(apps, schema_editor) -> None:
    """The index of readable posts (SQLite); PostgreSQL's is 0007's, unchanged."""
    if schema_editor.client.capabilities.dialect == "sqlite":
        await _sqlite(schema_editor, SQLITE_CREATE)


async def drop_search(apps, schema_editor) -> None:
    if schema_editor.client.capabilities.dialect == "sqlite":
        await _sqlite(schema_editor, SQLITE_DROP)


async def forward(apps, schema_editor) -> None:
    if schema_editor.client.capabilities.dialect == "sqlite":
        await _older().drop_search(apps, schema_editor)
        await create_search(apps, schema_editor)


async def backward(apps, schema_editor) -> None:
    """Going back: 0007's index of every post, rebuilt."""
    if schema_editor.client.capabilities.dialect == "sqlite":
        await drop_search(apps, schema_editor)
        await _older().create_search(apps, schema_editor)


class Migration(migrations.Migration):
    dependencies = [('models', '0012_sealed_released_names')]

    initial = False

    operations = [
        ops.RunPython(forward, backward),
    ]
