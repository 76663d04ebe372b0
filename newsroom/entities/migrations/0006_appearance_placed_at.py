# Appearances carry the article's placed_at (its date, or when it was received) instead of its
# publication date, never NULL, so an entity's undated articles are listed where they arrived.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0004_placed_at"),
        ("entities", "0005_drop_redundant_indexes"),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="articleentity",
            name="appearance_newest_idx",
        ),
        migrations.RenameField(
            model_name="articleentity",
            old_name="published_at",
            new_name="placed_at",
        ),
        migrations.RunSQL(
            """
            UPDATE entities_articleentity x SET placed_at = a.placed_at
            FROM articles_article a
            WHERE a.id = x.article_id AND x.placed_at IS DISTINCT FROM a.placed_at
            """,
            migrations.RunSQL.noop,
        ),
        migrations.AlterField(
            model_name="articleentity",
            name="placed_at",
            field=models.DateTimeField(),
        ),
        migrations.AddIndex(
            model_name="articleentity",
            index=models.Index(
                models.F("entity"),
                models.OrderBy(models.F("placed_at"), descending=True),
                models.OrderBy(models.F("article"), descending=True),
                name="appearance_newest_idx",
            ),
        ),
    ]
