from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('models', '0007_search')]

    initial = False

    operations = [
        ops.CreateModel(
            name='Follow',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('thread', fields.ForeignKeyField('models.Thread', source_field='thread_id', db_constraint=True, to_field='id', related_name='follows', on_delete=OnDelete.CASCADE)),
                ('user', fields.ForeignKeyField('models.User', source_field='user_id', db_constraint=True, to_field='id', related_name='follows', on_delete=OnDelete.CASCADE)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'follows', 'app': 'models', 'unique_together': (('thread_id', 'user_id'),), 'indexes': [Index(fields=['user_id'])], 'pk_attr': 'id', 'table_description': 'A member follows a thread. Authors of named stories follow theirs automatically. An'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Reaction',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('post', fields.ForeignKeyField('models.Post', source_field='post_id', db_constraint=True, to_field='id', related_name='reactions', on_delete=OnDelete.CASCADE)),
                ('user', fields.ForeignKeyField('models.User', source_field='user_id', db_constraint=True, to_field='id', related_name='reactions', on_delete=OnDelete.CASCADE)),
                ('kind', fields.CharField(max_length=12)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'reactions', 'app': 'models', 'unique_together': (('post_id', 'user_id', 'kind'),), 'indexes': [Index(fields=['user_id'])], 'pk_attr': 'id', 'table_description': 'Counts are public, who reacted is not (no page or API lists reactors).'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ReleasedUsername',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('username_key', fields.CharField(db_index=True, max_length=30)),
                ('skeleton', fields.CharField(db_index=True, max_length=60)),
                ('available_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'released_usernames', 'app': 'models', 'pk_attr': 'id', 'table_description': "A deleted account's name, kept from new sign-ups until the cool-down ends."},
            bases=['Model'],
        ),
        ops.AddField(
            model_name='SealedNotification',
            name='read_at',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.AddField(
            model_name='User',
            name='hide_activity',
            field=fields.BooleanField(default=False, db_default=False),
        ),
        ops.AddField(
            model_name='User',
            name='muted_words',
            field=fields.TextField(default='', db_default='', unique=False),
        ),
        ops.AddField(
            model_name='User',
            name='notification_prefs',
            field=fields.JSONField(default=dict, db_default='{}', encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads),
        ),
        ops.AddField(
            model_name='User',
            name='warning_prefs',
            field=fields.JSONField(default=dict, db_default='{}', encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads),
        ),
    ]
