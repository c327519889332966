"""Read positions found by a keyed hash of (member, thread) instead of the member's id
(read_positions replaces thread_reads): a copy of the database no longer shows who read a
thread how far, so members who wrote there anonymously keep a position like everyone else.
The old rows named their members and cannot be carried over without the key, so they go:
readers see no "new since your last visit" marker until they next read a thread."""

from tortoise import fields, migrations
from tortoise.fields.base import OnDelete
from tortoise.indexes import Index
from tortoise.migrations import operations as ops


class Migration(migrations.Migration):
    dependencies = [('models', '0020_reading')]

    initial = False

    operations = [
        ops.CreateModel(
            name='ReadPosition',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True,
                                       db_index=True)),
                ('reader_tag', fields.CharField(unique=True, max_length=64)),
                ('thread', fields.ForeignKeyField('models.Thread', source_field='thread_id',
                                                  db_constraint=True, to_field='id',
                                                  related_name='read_positions',
                                                  on_delete=OnDelete.CASCADE)),
                ('last_read_post_id', fields.IntField()),
                ('sealed_reader', fields.TextField(unique=False)),
            ],
            options={'table': 'read_positions', 'app': 'models',
                     'indexes': [Index(fields=['thread_id'])], 'pk_attr': 'id',
                     'table_description': 'How far a member has read a thread: the last '
                                          'reply (or the story) they reached.'},
            bases=['Model'],
        ),
        ops.DeleteModel(name='ThreadRead'),
    ]
