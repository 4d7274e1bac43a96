from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("knowledge", "0002_search_index")]

    operations = [
        migrations.AddIndex(
            model_name="article",
            index=models.Index(fields=["-use_count", "-id"], name="knowledge_article_use"),
        ),
    ]
