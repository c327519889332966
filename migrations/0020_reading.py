"""A member's own reading state: how far they read each thread (thread_reads), the posts they
bookmarked (bookmarks), the members they blocked (blocks). New tables only."""

from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('models', '0019_drafts')]

    initial = False

    operations = [
        ops.CreateModel(
            name='Block',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('blocker', fields.ForeignKeyField('models.User', source_field='blocker_id', db_constraint=True, to_field='id', related_name='blocks_made', on_delete=OnDelete.CASCADE)),
                ('blocked', fields.ForeignKeyField('models.User', source_field='blocked_id', db_constraint=True, to_field='id', related_name='blocked_by', on_delete=OnDelete.CASCADE)),
            ],
            options={'table': 'blocks', 'app': 'models', 'unique_together': (('blocker_id', 'blocked_id'),), 'indexes': [Index(fields=['blocked_id'])], 'pk_attr': 'id', 'table_description': "A member (``blocker``) blocked another (``blocked``): the blocked member's named posts"},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Bookmark',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('user', fields.ForeignKeyField('models.User', source_field='user_id', db_constraint=True, to_field='id', related_name='bookmarks', on_delete=OnDelete.CASCADE)),
                ('post', fields.ForeignKeyField('models.Post', source_field='post_id', db_constraint=True, to_field='id', related_name='bookmarks', on_delete=OnDelete.CASCADE)),
                ('thread', fields.ForeignKeyField('models.Thread', source_field='thread_id', db_constraint=True, to_field='id', related_name='bookmarks', on_delete=OnDelete.CASCADE)),
            ],
            options={'table': 'bookmarks', 'app': 'models', 'unique_together': (('user_id', 'post_id'),), 'indexes': [Index(fields=['post_id']), Index(fields=['thread_id'])], 'pk_attr': 'id', 'table_description': 'A post (a story or a reply) a member wants to find again.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ThreadRead',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('user', fields.ForeignKeyField('models.User', source_field='user_id', db_constraint=True, to_field='id', related_name='thread_reads', on_delete=OnDelete.CASCADE)),
                ('thread', fields.ForeignKeyField('models.Thread', source_field='thread_id', db_constraint=True, to_field='id', related_name='reads', on_delete=OnDelete.CASCADE)),
                ('last_read_post_id', fields.IntField()),
            ],
            options={'table': 'thread_reads', 'app': 'models', 'unique_together': (('user_id', 'thread_id'),), 'indexes': [Index(fields=['thread_id'])], 'pk_attr': 'id', 'table_description': 'How far a member has read a thread: the last reply (or the story) they reached.'},
            bases=['Model'],
        ),
    ]
