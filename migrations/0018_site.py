"""Running a community: the settings admins change (site name, description, usual review
wait), the about / guidelines / privacy pages they rewrite (without a row, the shipped text
shows), and which accounts `forum seed-demo` made, so `forum remove-demo` removes exactly
those. Only new tables: no existing table is rebuilt."""

from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields

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
    ]
