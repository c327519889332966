from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('models', '0003_moderation')]

    initial = False

    operations = [
        ops.CreateModel(
            name='SealedNotification',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('sealed_recipient', fields.CharField(max_length=120)),
                ('kind', fields.CharField(max_length=30)),
                ('message', fields.TextField(unique=False)),
                ('link', fields.CharField(default='', max_length=200)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'sealed_notifications', 'app': 'models', 'indexes': [Index(fields=['created_at'])], 'pk_attr': 'id', 'table_description': 'News about an anonymous post. The recipient is sealed (forum.sealing), so no row ties'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ThreadPseudonym',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('thread', fields.ForeignKeyField('models.Thread', source_field='thread_id', db_constraint=True, to_field='id', related_name='pseudonyms', on_delete=OnDelete.CASCADE)),
                ('author_tag', fields.CharField(max_length=40)),
                ('pseudonym', fields.CharField(max_length=40)),
            ],
            options={'table': 'thread_pseudonyms', 'app': 'models', 'unique_together': (('thread_id', 'author_tag'), ('thread_id', 'pseudonym')), 'pk_attr': 'id', 'table_description': 'One pseudonym per anonymous author (or guest post) per thread, unique in the thread.'},
            bases=['Model'],
        ),
        ops.AddField(
            model_name='Post',
            name='is_anonymous',
            field=fields.BooleanField(default=False, db_default=False),
        ),
        ops.AddField(
            model_name='Post',
            name='is_guest',
            field=fields.BooleanField(default=False, db_default=False),
        ),
        ops.AddField(
            model_name='Post',
            name='is_op',
            field=fields.BooleanField(default=False, db_default=False),
        ),
        ops.AddField(
            model_name='Post',
            name='manage_token_hash',
            field=fields.CharField(null=True, unique=True, max_length=64),
        ),
        ops.AddField(
            model_name='Post',
            name='pseudonym',
            field=fields.CharField(default='', db_default='', max_length=40),
        ),
        ops.AddField(
            model_name='Post',
            name='sealed_author',
            field=fields.CharField(null=True, max_length=120),
        ),
        ops.AddField(
            model_name='User',
            name='sealed_anonymous_posts',
            field=fields.TextField(default='', db_default='', unique=False),
        ),
    ]
