import django.contrib.postgres.indexes
from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("entities", "0001_initial"),
    ]

    operations = [
        TrigramExtension(),
        migrations.AddIndex(
            model_name="alias",
            index=django.contrib.postgres.indexes.GinIndex(
                django.contrib.postgres.indexes.OpClass("key", name="gin_trgm_ops"),
                name="alias_key_trgm_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="entity",
            index=models.Index(fields=["kind", "-article_count"], name="entity_kind_count_idx"),
        ),
        migrations.AddIndex(
            model_name="entity",
            index=django.contrib.postgres.indexes.GinIndex(
                django.contrib.postgres.indexes.OpClass("key", name="gin_trgm_ops"),
                name="entity_key_trgm_idx",
            ),
        ),
    ]
