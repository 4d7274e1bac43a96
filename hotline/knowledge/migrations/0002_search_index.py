from django.db import migrations

from hotline.textsearch import text_search_index


class Migration(migrations.Migration):
    dependencies = [("knowledge", "0001_initial")]

    operations = [
        text_search_index("knowledge", "articleversion", name="knowledge_version_search"),
    ]
