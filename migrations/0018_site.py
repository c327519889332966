"""Running a community: the settings admins change (site name, description, usual review
wait), the about / guidelines / privacy pages they rewrite (without a row, the shipped text
shows), and which accounts `forum seed-demo` made, so `forum remove-demo` removes exactly
those. Only new tables: no existing table is rebuilt.

Forums seeded before this migration get their demo accounts marked now: an account counts
as one only if it has a demo member's name, no email address, no recovery codes (everyone
who signs up gets them), and every post it wrote is, word for word, one that demo member
wrote in the demo data. An account that wrote anything of its own is a real person's."""

from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields


async def mark_earlier_demo(apps, schema_editor) -> None:
    from forum.demo import load_demo_data
    from forum.usernames import username_key

    client = schema_editor.client
    mark = ("$1" if client.capabilities.dialect == "postgres" else "?")
    data = load_demo_data()
    written: dict[str, set[str]] = {m["username"]: set() for m in data["members"]}
    for story in data["stories"]:
        written[story["author"]].add(story["body"])
        for reply in story["replies"]:
            written[reply["author"]].add(reply["body"])
    for name, bodies in written.items():
        rows = await client.execute_query_dict(
            f"SELECT id, email FROM users WHERE username_key = {mark}",  # noqa: S608
            [username_key(name)])
        if not rows or rows[0]["email"]:
            continue
        user_id = rows[0]["id"]
        codes = await client.execute_query_dict(
            f"SELECT 1 FROM recovery_codes WHERE user_id = {mark}", [user_id])  # noqa: S608
        posts = await client.execute_query_dict(
            f"SELECT body_md FROM posts WHERE author_id = {mark}", [user_id])  # noqa: S608
        if codes or not posts or any(p["body_md"] not in bodies for p in posts):
            continue
        await client.execute_query(
            f"INSERT INTO demo_members (user_id) VALUES ({mark})", [user_id])  # noqa: S608


async def nothing(apps, schema_editor) -> None:
    """Going back drops the table, marks and all."""

class Migration(migrations.Migration):
    dependencies = [('models', '0017_notification_mail')]

    initial = False

    operations = [
        ops.CreateModel(
            name='DemoMember',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('user', fields.OneToOneField('models.User', source_field='user_id', db_constraint=True, to_field='id', related_name='demo_mark', on_delete=OnDelete.CASCADE)),
            ],
            options={'table': 'demo_members', 'app': 'models', 'pk_attr': 'id', 'table_description': 'An account `forum seed-demo` created. Nobody can sign in as one (its password is a'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='SitePage',
            fields=[
                ('slug', fields.CharField(primary_key=True, unique=True, db_index=True, max_length=20)),
                ('body_md', fields.TextField(unique=False)),
                ('body_html', fields.TextField(unique=False)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'site_pages', 'app': 'models', 'pk_attr': 'slug', 'table_description': 'An about, guidelines or privacy page an admin wrote (a page with no row shows the'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='SiteSetting',
            fields=[
                ('key', fields.CharField(primary_key=True, unique=True, db_index=True, max_length=40)),
                ('value', fields.TextField(unique=False)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'site_settings', 'app': 'models', 'pk_attr': 'key', 'table_description': 'One row per setting an admin changed (a setting with no row has its shipped default,'},
            bases=['Model'],
        ),
        ops.RunPython(mark_earlier_demo, nothing),
    ]
