from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from forum.models.accounts import Role, SessionKind
from forum.models.content import PostStatus, Premoderation
from json import dumps, loads
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    initial = True

    operations = [
        ops.CreateModel(
            name='Category',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('slug', fields.CharField(unique=True, max_length=60)),
                ('name', fields.CharField(max_length=80)),
                ('description', fields.TextField(default='', unique=False)),
                ('position', fields.IntField(default=0)),
                ('allow_anonymous', fields.BooleanField(default=True)),
                ('allow_guests', fields.BooleanField(default=False)),
                ('premoderation', fields.CharEnumField(default=Premoderation.NEW_MEMBERS, description='NONE: none\nNEW_MEMBERS: new_members\nALL: all', enum_type=Premoderation, max_length=16)),
            ],
            options={'table': 'categories', 'app': 'models', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Thread',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('category', fields.ForeignKeyField('models.Category', source_field='category_id', db_constraint=True, to_field='id', related_name='threads', on_delete=OnDelete.RESTRICT)),
                ('title', fields.CharField(max_length=150)),
                ('content_warnings', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('content_warning_note', fields.CharField(default='', max_length=60)),
                ('is_locked', fields.BooleanField(default=False)),
                ('is_pinned', fields.BooleanField(default=False)),
                ('reply_count', fields.IntField(default=0)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('last_post_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'threads', 'app': 'models', 'indexes': [Index(fields=['category_id', 'is_pinned', 'last_post_at'])], 'pk_attr': 'id', 'table_description': "A story's thread. The story itself is the thread's first post (``Post.is_story``)."},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='User',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('username', fields.CharField(max_length=30)),
                ('username_key', fields.CharField(unique=True, max_length=30)),
                ('skeleton', fields.CharField(db_index=True, max_length=60)),
                ('display_name', fields.CharField(default='', max_length=60)),
                ('bio', fields.TextField(default='', unique=False)),
                ('email', fields.CharField(null=True, max_length=254)),
                ('password_hash', fields.CharField(max_length=255)),
                ('role', fields.CharEnumField(default=Role.MEMBER, description='MEMBER: member\nMODERATOR: moderator\nADMIN: admin', enum_type=Role, max_length=16)),
                ('country', fields.CharField(null=True, max_length=8)),
                ('expand_warnings', fields.BooleanField(default=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'users', 'app': 'models', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Post',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('thread', fields.ForeignKeyField('models.Thread', source_field='thread_id', db_constraint=True, to_field='id', related_name='posts', on_delete=OnDelete.CASCADE)),
                ('author', fields.ForeignKeyField('models.User', source_field='author_id', null=True, db_constraint=True, to_field='id', related_name='posts', on_delete=OnDelete.SET_NULL)),
                ('is_story', fields.BooleanField(default=False)),
                ('body_md', fields.TextField(unique=False)),
                ('body_html', fields.TextField(unique=False)),
                ('status', fields.CharEnumField(default=PostStatus.PUBLISHED, description='PUBLISHED: published\nPENDING: pending\nHIDDEN: hidden\nREJECTED: rejected\nDELETED: deleted', enum_type=PostStatus, max_length=16)),
                ('reply_to', fields.ForeignKeyField('models.Post', source_field='reply_to_id', null=True, db_constraint=True, to_field='id', related_name='answers', on_delete=OnDelete.SET_NULL)),
                ('submission_key', fields.CharField(null=True, unique=True, max_length=64)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('edited_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'posts', 'app': 'models', 'indexes': [Index(fields=['thread_id', 'is_story', 'status', 'id']), Index(fields=['is_story', 'status', 'created_at']), Index(fields=['author_id', 'created_at'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='PostRevision',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('post', fields.ForeignKeyField('models.Post', source_field='post_id', db_constraint=True, to_field='id', related_name='revisions', on_delete=OnDelete.CASCADE)),
                ('title', fields.CharField(null=True, max_length=150)),
                ('body_md', fields.TextField(unique=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'post_revisions', 'app': 'models', 'pk_attr': 'id', 'table_description': 'What a post said before an edit. Readable by moderators.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Session',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('user', fields.ForeignKeyField('models.User', source_field='user_id', db_constraint=True, to_field='id', related_name='sessions', on_delete=OnDelete.CASCADE)),
                ('token_hash', fields.CharField(unique=True, max_length=64)),
                ('kind', fields.CharEnumField(default=SessionKind.WEB, description='WEB: web\nAPI: api', enum_type=SessionKind, max_length=8)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('expires_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'sessions', 'app': 'models', 'pk_attr': 'id', 'table_description': 'A signed-in browser or an API token. Only the hash of the token is stored.'},
            bases=['Model'],
        ),
    ]
