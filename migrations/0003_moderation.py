from tortoise import migrations
from tortoise.migrations import operations as ops
from forum.models.moderation import ReportOutcome, ReportReason, SanctionKind
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('models', '0002_foreign_key_indexes')]

    initial = False

    operations = [
        ops.CreateModel(
            name='AuditEntry',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('actor', fields.ForeignKeyField('models.User', source_field='actor_id', null=True, db_constraint=True, to_field='id', related_name='audit_entries', on_delete=OnDelete.SET_NULL)),
                ('actor_name', fields.CharField(max_length=30)),
                ('action', fields.CharField(max_length=40)),
                ('target_type', fields.CharField(max_length=16)),
                ('target_id', fields.IntField()),
                ('target_label', fields.CharField(default='', max_length=160)),
                ('reason', fields.TextField(default='', unique=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'audit_log', 'app': 'models', 'indexes': [Index(fields=['created_at']), Index(fields=['action', 'created_at']), Index(fields=['actor_id', 'created_at']), Index(fields=['target_type', 'target_id'])], 'pk_attr': 'id', 'table_description': 'One moderator or admin action. Rows are only ever inserted (a test scans for it).'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ModeratorNote',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('user', fields.ForeignKeyField('models.User', source_field='user_id', db_constraint=True, to_field='id', related_name='moderator_notes', on_delete=OnDelete.CASCADE)),
                ('author', fields.ForeignKeyField('models.User', source_field='author_id', null=True, db_constraint=True, to_field='id', related_name='notes_written', on_delete=OnDelete.SET_NULL)),
                ('author_name', fields.CharField(max_length=30)),
                ('body', fields.TextField(unique=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'moderator_notes', 'app': 'models', 'indexes': [Index(fields=['user_id', 'created_at']), Index(fields=['author_id'])], 'pk_attr': 'id', 'table_description': 'Private notes on a member, for moderators only.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Notification',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('user', fields.ForeignKeyField('models.User', source_field='user_id', db_constraint=True, to_field='id', related_name='notifications', on_delete=OnDelete.CASCADE)),
                ('kind', fields.CharField(max_length=30)),
                ('message', fields.TextField(unique=False)),
                ('link', fields.CharField(default='', max_length=200)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('read_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'notifications', 'app': 'models', 'indexes': [Index(fields=['user_id', 'created_at'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Report',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('post', fields.ForeignKeyField('models.Post', source_field='post_id', db_constraint=True, to_field='id', related_name='reports', on_delete=OnDelete.CASCADE)),
                ('reporter', fields.ForeignKeyField('models.User', source_field='reporter_id', null=True, db_constraint=True, to_field='id', related_name='reports_made', on_delete=OnDelete.SET_NULL)),
                ('reason', fields.CharEnumField(description='WORRIED: worried\nHARASSMENT: harassment\nHATE: hate\nSPAM: spam\nSELF_PROMOTION: self_promotion\nOTHER: other\nWATCHED_WORD: watched_word', enum_type=ReportReason, max_length=16)),
                ('note', fields.TextField(default='', unique=False)),
                ('open_key', fields.CharField(null=True, unique=True, max_length=40)),
                ('outcome', fields.CharEnumField(null=True, description='ACTIONED: actioned\nDISMISSED: dismissed', enum_type=ReportOutcome, max_length=16)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('resolved_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'reports', 'app': 'models', 'indexes': [Index(fields=['post_id', 'resolved_at']), Index(fields=['resolved_at', 'id']), Index(fields=['reporter_id'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Sanction',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('user', fields.ForeignKeyField('models.User', source_field='user_id', db_constraint=True, to_field='id', related_name='sanctions', on_delete=OnDelete.CASCADE)),
                ('kind', fields.CharEnumField(description='WARNING: warning\nSILENCE: silence\nSUSPENSION: suspension\nBAN: ban', enum_type=SanctionKind, max_length=16)),
                ('reason', fields.TextField(default='', unique=False)),
                ('ends_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'sanctions', 'app': 'models', 'indexes': [Index(fields=['user_id', 'created_at'])], 'pk_attr': 'id', 'table_description': "The history of what moderators did to an account. Enforcement reads the user's own"},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='WatchedWord',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('pattern', fields.CharField(unique=True, max_length=100)),
                ('action', fields.CharField(max_length=20)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'watched_words', 'app': 'models', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.AddField(
            model_name='Post',
            name='moderation_reason',
            field=fields.CharField(default='', db_default='', max_length=500),
        ),
        ops.AddField(
            model_name='User',
            name='banned_at',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.AddField(
            model_name='User',
            name='silenced_until',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.AddField(
            model_name='User',
            name='suspended_until',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
    ]
