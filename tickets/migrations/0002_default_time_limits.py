from django.db import migrations


def seed(apps, schema_editor):
    from tickets.deadlines import DEFAULTS

    Policy = apps.get_model("tickets", "TimeLimitPolicy")
    for urgency, values in DEFAULTS.items():
        Policy.objects.get_or_create(urgency=urgency, defaults=values)


class Migration(migrations.Migration):
    dependencies = [("tickets", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
