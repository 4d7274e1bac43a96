"""The Chinese texts the caller gets by default; the admin edits them afterwards."""

from django.db import migrations

from tickets.texts.defaults import DEFAULTS


def seed(apps, schema_editor):
    TextTemplate = apps.get_model("texts", "TextTemplate")
    for event, body in DEFAULTS.items():
        TextTemplate.objects.get_or_create(event=event, defaults={"body": body})


class Migration(migrations.Migration):
    dependencies = [("texts", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
