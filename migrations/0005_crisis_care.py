from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('models', '0004_anonymity')]

    initial = False

    operations = [
        ops.CreateModel(
            name='CrisisAlert',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('post', fields.ForeignKeyField('models.Post', source_field='post_id', db_constraint=True, to_field='id', related_name='crisis_alerts', on_delete=OnDelete.CASCADE)),
                ('level', fields.CharField(max_length=10)),
                ('status', fields.CharField(default='pending', max_length=12)),
                ('attempts', fields.IntField(default=0)),
                ('last_error', fields.CharField(default='', max_length=300)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('delivered_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'crisis_alerts', 'app': 'models', 'indexes': [Index(fields=['status', 'created_at']), Index(fields=['post_id'])], 'pk_attr': 'id', 'table_description': 'One alert about an urgent post for the crisis webhook, and how its delivery went.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='CrisisResource',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('key', fields.CharField(unique=True, max_length=60)),
                ('name', fields.CharField(max_length=120)),
                ('country', fields.CharField(max_length=4)),
                ('topics', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('description', fields.CharField(default='', max_length=300)),
                ('phone', fields.CharField(null=True, max_length=30)),
                ('phone_display', fields.CharField(null=True, max_length=60)),
                ('text_number', fields.CharField(null=True, max_length=30)),
                ('text_keyword', fields.CharField(null=True, max_length=30)),
                ('chat_url', fields.CharField(null=True, max_length=300)),
                ('website', fields.CharField(null=True, max_length=300)),
                ('hours', fields.CharField(default='', max_length=80)),
                ('languages', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('source', fields.CharField(max_length=300)),
                ('last_verified', fields.DateField()),
                ('enabled', fields.BooleanField(default=True)),
                ('edited_by_admin', fields.BooleanField(default=False)),
            ],
            options={'table': 'crisis_resources', 'app': 'models', 'indexes': [Index(fields=['country', 'enabled'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.AddField(
            model_name='Post',
            name='crisis_level',
            field=fields.CharField(default='none', db_default='none', max_length=10),
        ),
    ]
