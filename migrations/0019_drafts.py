"""Drafts: a story or reply a member is still writing, kept on the server (never in the
browser: devices are shared). One sealed value per draft holds everything about it, so a
copy of the database shows only that a member has drafts and when they saved them."""

from tortoise import fields, migrations
from tortoise.fields.base import OnDelete
from tortoise.indexes import Index
from tortoise.migrations import operations as ops


class Migration(migrations.Migration):
    dependencies = [('models', '0018_site')]

    initial = False

    operations = [
        ops.CreateModel(
            name='Draft',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True,
                                       db_index=True)),
                ('user', fields.ForeignKeyField('models.User', source_field='user_id',
                                                db_constraint=True, to_field='id',
                                                related_name='drafts',
                                                on_delete=OnDelete.CASCADE)),
                ('sealed', fields.TextField(unique=False)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'drafts', 'app': 'models',
                     'indexes': [Index(fields=['user_id', 'updated_at'])], 'pk_attr': 'id',
                     'table_description': 'A story or reply its member is still writing, '
                                          'kept so nothing typed is lost.'},
            bases=['Model'],
        ),
    ]
