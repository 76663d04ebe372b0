import django.contrib.postgres.indexes
import django.contrib.postgres.search
from django.db import migrations, models


def fill_search_text(apps, schema_editor):
    from newsroom.nlp.search import search_text

    Article = apps.get_model("articles", "Article")
    for article in Article.objects.only("title", "body").iterator(chunk_size=500):
        article.search_title = search_text(article.title)
        article.search_body = search_text(article.body)
        article.save(update_fields=["search_title", "search_body"])


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="article",
            name="search_body",
            field=models.TextField(default="", editable=False),
        ),
        migrations.AddField(
            model_name="article",
            name="search_title",
            field=models.TextField(default="", editable=False),
        ),
        migrations.RunPython(fill_search_text, migrations.RunPython.noop),
        migrations.AddField(
            model_name="article",
            name="search_vector",
            field=models.GeneratedField(
                db_persist=True,
                expression=django.contrib.postgres.search.CombinedSearchVector(
                    django.contrib.postgres.search.SearchVector(
                        "search_title", config="arabic", weight="A"
                    ),
                    "||",
                    django.contrib.postgres.search.SearchVector(
                        "search_body", config="arabic", weight="B"
                    ),
                    django.contrib.postgres.search.SearchConfig("arabic"),
                ),
                output_field=django.contrib.postgres.search.SearchVectorField(),
            ),
        ),
        migrations.AddIndex(
            model_name="article",
            index=django.contrib.postgres.indexes.GinIndex(
                fields=["search_vector"], name="article_search_idx"
            ),
        ),
    ]
