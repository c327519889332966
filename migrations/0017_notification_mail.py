"""Email about notifications: each member's choice per kind (none, soon, digest) and whether
they want fuller emails; and when an address was verified (mail goes only to verified
addresses); an index on when notifications were written. Added fields have database
defaults."""

import functools
from json import dumps, loads

from tortoise import fields, migrations
from tortoise.indexes import Index
from tortoise.migrations import operations as ops


class Migration(migrations.Migration):
    dependencies = [('models', '0015_jobs')]

    initial = False

    operations = [
        ops.AddField(
            model_name='User',
            name='email_verified_at',
            field=fields.DatetimeField(null=True),
        ),
        ops.AddField(
            model_name='User',
            name='mail_fuller',
            field=fields.BooleanField(default=False, db_default=False),
        ),
        ops.AddField(
            model_name='User',
            name='mail_prefs',
            field=fields.JSONField(default=dict, db_default='{}', encoder=functools.partial(
                dumps, separators=(',', ':')), decoder=loads),
        ),
        # The email rounds read a window of every member's notes.
        ops.AddIndex(
            model_name='Notification',
            index=Index(fields=['created_at']),
        ),
    ]
