from django.db import migrations


def seed(apps, schema_editor):
    from hotline.workdays import official_calendar_rows

    WorkDay = apps.get_model("hotline", "WorkDay")
    known = set(WorkDay.objects.values_list("date", flat=True))
    WorkDay.objects.bulk_create(
        [WorkDay(date=d, is_workday=w, note=n) for d, w, n in official_calendar_rows()
         if d not in known],
        batch_size=2000,
    )


class Migration(migrations.Migration):
    dependencies = [("hotline", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
