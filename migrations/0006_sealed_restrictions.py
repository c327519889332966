from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0005_crisis_care')]

    initial = False

    operations = [
        ops.AddField(
            model_name='User',
            name='sealed_restrictions',
            field=fields.TextField(default='', db_default='', unique=False),
        ),
    ]
