"""Article versions written in traditional characters get their search tokens cut again, as
simplified (see tickets' migration 0014). The words read to callers are unchanged."""

from django.db import migrations

from hotline.textsearch import cut_again_where_traditional


def cut_again(apps, schema_editor):
    version = apps.get_model("knowledge", "ArticleVersion")
    cut_again_where_traditional(version, ["title", "question", "answer", "keywords"])


class Migration(migrations.Migration):
    dependencies = [("knowledge", "0003_article_use_index")]

    operations = [migrations.RunPython(cut_again, migrations.RunPython.noop)]
