"""Full-text search over posts: the story's title and every post's body.

SQLite: ``post_search``, an FTS5 table (porter stemming over unicode61) whose external
content is the view ``post_search_source`` — one row per post: (id, title, body), where
title is the thread's title for a story and '' for a reply. Triggers keep it in step:
posts inserted, deleted, or updated in body_md / is_story / thread_id; a thread's title
changed (its story is re-indexed); a thread deleted (its posts leave the index *before* the
cascade, while the title they were indexed with can still be read). A post is in the index
exactly when its thread exists, which is also what the view returns, so
``INSERT INTO post_search(post_search) VALUES('rebuild')`` always reproduces it.

PostgreSQL: ``posts.search_title`` (the thread's title for a story, '' for a reply) kept by
triggers, a generated ``search_vector`` = title (weight A) || body (weight B) in the
'english' configuration, and a GIN index on it.

Trap for later migrations on SQLite: the view and the thread triggers name ``posts`` and
``threads``, so a table rebuild (AlterField and friends) of either fails with "error in view
post_search_source: no such table" — loudly, before anything is lost. Such a migration must
run ``drop_search`` first and ``create_search`` after (both below; rebuild the index then).
The rebuild also drops the triggers on the rebuilt table, which ``create_search`` restores.
From 0013 on, the index and its triggers are 0013's (readable posts only): a later migration
uses 0013's ``drop_search`` / ``create_search`` instead.
"""

from tortoise import migrations
from tortoise.migrations import operations as ops

SQLITE_CREATE = [
    "CREATE VIEW post_search_source AS "
    "SELECT p.id AS id, CASE WHEN p.is_story THEN t.title ELSE '' END AS title, "
    "p.body_md AS body FROM posts p JOIN threads t ON t.id = p.thread_id",
    "CREATE VIRTUAL TABLE post_search USING fts5(title, body, content='post_search_source', "
    "content_rowid='id', tokenize='porter unicode61')",
    "CREATE TRIGGER post_search_insert AFTER INSERT ON posts BEGIN "
    "INSERT INTO post_search(rowid, title, body) "
    "SELECT new.id, CASE WHEN new.is_story THEN t.title ELSE '' END, new.body_md "
    "FROM threads t WHERE t.id = new.thread_id; END",
    "CREATE TRIGGER post_search_delete AFTER DELETE ON posts BEGIN "
    "INSERT INTO post_search(post_search, rowid, title, body) "
    "SELECT 'delete', old.id, CASE WHEN old.is_story THEN t.title ELSE '' END, old.body_md "
    "FROM threads t WHERE t.id = old.thread_id; END",
    "CREATE TRIGGER post_search_update AFTER UPDATE OF body_md, is_story, thread_id ON posts "
    "WHEN old.body_md IS NOT new.body_md OR old.is_story IS NOT new.is_story "
    "OR old.thread_id IS NOT new.thread_id BEGIN "
    "INSERT INTO post_search(post_search, rowid, title, body) "
    "SELECT 'delete', old.id, CASE WHEN old.is_story THEN t.title ELSE '' END, old.body_md "
    "FROM threads t WHERE t.id = old.thread_id; "
    "INSERT INTO post_search(rowid, title, body) "
    "SELECT new.id, CASE WHEN new.is_story THEN t.title ELSE '' END, new.body_md "
    "FROM threads t WHERE t.id = new.thread_id; END",
    "CREATE TRIGGER post_search_thread_title AFTER UPDATE OF title ON threads "
    "WHEN old.title IS NOT new.title BEGIN "
    "INSERT INTO post_search(post_search, rowid, title, body) "
    "SELECT 'delete', id, old.title, body_md FROM posts WHERE thread_id = old.id AND is_story; "
    "INSERT INTO post_search(rowid, title, body) "
    "SELECT id, new.title, body_md FROM posts WHERE thread_id = new.id AND is_story; END",
    # The posts' own delete trigger runs after the thread row is gone (ON DELETE CASCADE),
    # when their indexed title can no longer be read: take them out here, and it skips them.
    "CREATE TRIGGER post_search_thread_delete BEFORE DELETE ON threads BEGIN "
    "INSERT INTO post_search(post_search, rowid, title, body) "
    "SELECT 'delete', id, CASE WHEN is_story THEN old.title ELSE '' END, body_md "
    "FROM posts WHERE thread_id = old.id; END",
    # Index the posts already written.
    "INSERT INTO post_search(post_search) VALUES ('rebuild')",
]

SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS post_search_thread_delete",
    "DROP TRIGGER IF EXISTS post_search_thread_title",
    "DROP TRIGGER IF EXISTS post_search_update",
    "DROP TRIGGER IF EXISTS post_search_delete",
    "DROP TRIGGER IF EXISTS post_search_insert",
    "DROP TABLE IF EXISTS post_search",
    "DROP VIEW IF EXISTS post_search_source",
]

POSTGRES_CREATE = [
    "ALTER TABLE posts ADD COLUMN search_title TEXT NOT NULL DEFAULT ''",
    "UPDATE posts p SET search_title = t.title FROM threads t "
    "WHERE t.id = p.thread_id AND p.is_story",
    "ALTER TABLE posts ADD COLUMN search_vector tsvector GENERATED ALWAYS AS ("
    "setweight(to_tsvector('english'::regconfig, search_title), 'A') || "
    "setweight(to_tsvector('english'::regconfig, body_md), 'B')) STORED",
    "CREATE INDEX posts_search_vector_idx ON posts USING GIN (search_vector)",
    "CREATE FUNCTION post_search_title() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
    "NEW.search_title := CASE WHEN NEW.is_story THEN "
    "COALESCE((SELECT title FROM threads WHERE id = NEW.thread_id), '') ELSE '' END; "
    "RETURN NEW; END $$",
    "CREATE TRIGGER post_search_title BEFORE INSERT OR UPDATE OF is_story, thread_id "
    "ON posts FOR EACH ROW EXECUTE FUNCTION post_search_title()",
    "CREATE FUNCTION thread_search_title() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
    "UPDATE posts SET search_title = NEW.title WHERE thread_id = NEW.id AND is_story; "
    "RETURN NULL; END $$",
    "CREATE TRIGGER thread_search_title AFTER UPDATE OF title ON threads FOR EACH ROW "
    "WHEN (OLD.title IS DISTINCT FROM NEW.title) EXECUTE FUNCTION thread_search_title()",
]

POSTGRES_DROP = [
    "DROP TRIGGER IF EXISTS thread_search_title ON threads",
    "DROP FUNCTION IF EXISTS thread_search_title()",
    "DROP TRIGGER IF EXISTS post_search_title ON posts",
    "DROP FUNCTION IF EXISTS post_search_title()",
    "DROP INDEX IF EXISTS posts_search_vector_idx",
    "ALTER TABLE posts DROP COLUMN IF EXISTS search_vector",
    "ALTER TABLE posts DROP COLUMN IF EXISTS search_title",
]


async def _run(schema_editor, by_dialect: dict[str, list[str]]) -> None:
    client = schema_editor.client
    dialect = client.capabilities.dialect
    if dialect not in by_dialect:
        raise RuntimeError(f"search: no full-text index for the {dialect} database")
    for statement in by_dialect[dialect]:  # one statement per call (RunSQL splits on ';')
        await client.execute_query(statement)


async def create_search(apps, schema_editor) -> None:
    await _run(schema_editor, {"sqlite": SQLITE_CREATE, "postgres": POSTGRES_CREATE})


async def drop_search(apps, schema_editor) -> None:
    await _run(schema_editor, {"sqlite": SQLITE_DROP, "postgres": POSTGRES_DROP})


class Migration(migrations.Migration):
    dependencies = [('models', '0006_sealed_restrictions')]

    initial = False

    operations = [
        ops.RunPython(create_search, drop_search),
    ]
