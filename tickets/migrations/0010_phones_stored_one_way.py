"""Callers' phones stored before normalize_phone had one stored form (010-64721234, or
64721234 without the area code) get it, so search and caller history find them.

Only the rows that can differ are read: a dash, or a landline without its area code.
"""

from django.db import migrations

from hotline.validation import normalize_phone

NOT_YET_NORMAL = r"-|^[2-9]"


def normalize(apps, schema_editor):
    Ticket = apps.get_model("tickets", "Ticket")
    rows = Ticket.objects.filter(caller_phone__regex=NOT_YET_NORMAL)
    for pk, phone in rows.values_list("pk", "caller_phone").iterator():
        try:
            stored = normalize_phone(phone)
        except Exception:  # noqa: BLE001 - a number no rule takes stays as it was
            continue
        if stored != phone:
            Ticket.objects.filter(pk=pk).update(caller_phone=stored)


class Migration(migrations.Migration):
    dependencies = [("tickets", "0009_lead_unit_search_token")]

    operations = [migrations.RunPython(normalize, migrations.RunPython.noop)]
