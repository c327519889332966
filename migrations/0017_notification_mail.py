"""Email about notifications: each member's choice per kind (none, soon, digest) and whether
they want fuller emails (mail goes only to addresses verified as in 0016); an index on
when notifications were written. Added fields have database defaults."""

import functools
from json import dumps, loads

from tortoise import fields, migrations
from tortoise.indexes import Index
from tortoise.migrations import operations as ops


class Migration(migrations.Migration):
    dependencies = [('models', '0016_account_recovery')]

    initial = False

    operations = [
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
