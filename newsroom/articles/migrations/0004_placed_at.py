# An undated article is listed by when it was received: placed_at = coalesce(published_at,
# created_at), computed by PostgreSQL, and the newest-first index is read by it.

import django.db.models.functions.comparison
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0003_upload_batches"),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="article",
            name="article_newest_idx",
        ),
        migrations.AddField(
            model_name="article",
            name="placed_at",
            field=models.GeneratedField(
                db_persist=True,
                expression=django.db.models.functions.comparison.Coalesce(
                    "published_at", "created_at"
                ),
                output_field=models.DateTimeField(verbose_name="تاريخ الترتيب"),
            ),
        ),
        migrations.AddIndex(
            model_name="article",
            index=models.Index(
                models.OrderBy(models.F("placed_at"), descending=True),
                models.OrderBy(models.F("id"), descending=True),
                name="article_newest_idx",
            ),
        ),
    ]
