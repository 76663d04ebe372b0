"""The resolution benchmark: which articles name a real-world entity, the arithmetic of
coverage and purity, and the command end to end on a tiny corpus through the real import."""

from __future__ import annotations

import gzip
import json
import re
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from newsroom.articles.models import Article
from newsroom.entities import resolution_benchmark as rb
from newsroom.entities.models import ArticleEntity, Entity
from newsroom.nlp import entity_key

CLUSTERS_FILE = Path(__file__).resolve().parents[2] / "docs" / "resolution-clusters.tsv"
UNLISTED_FILE = CLUSTERS_FILE.with_name("resolution-clusters-unlisted.tsv")


def cluster(name: str, *forms: str, kind: str = "LOC", excluded: tuple[str, ...] = ()):
    return rb._cluster(kind, name, forms, excluded, where="test")


def named(clusters: list[rb.Cluster], text: str) -> set[str]:
    return {clusters[n].name for n in rb.FormMatcher(clusters).clusters_in(text)}


# Matching ------------------------------------------------------------------------------------


def test_a_form_matches_as_whole_words_with_proclitics_and_normalised_letters():
    clusters = [cluster("السعودية", "المملكة العربية السعودية")]
    for text in (
        "زار الوفد السعودية أمس.",
        "أعلنت المملكة العربية السعودية",
        "قدّم الدعم للسعودية",  # ل + ال written لل
        "وبالسعودية مشاريع",  # و + ب
        "وصل إلى «السعودية»",
        "السعوديه",  # ta marbuta folded
    ):
        assert named(clusters, text) == {"السعودية"}, text
    for text in ("رحب السعوديون بالقرار", "الشركة السعوديةالكبرى", "سعودية"):
        assert named(clusters, text) == set(), text


def test_multi_word_forms_need_every_word_in_order_and_spacing_variants_are_forms():
    clusters = [cluster("عبد الفتاح السيسي", "عبدالفتاح السيسي", kind="PERS")]
    assert named(clusters, "استقبل عبدالفتاح السيسي الوفد") == {"عبد الفتاح السيسي"}
    assert named(clusters, "استقبل عبد الفتاح السيسي الوفد") == {"عبد الفتاح السيسي"}
    assert named(clusters, "قال عبد الفتاح إن السيسي") == set()
    # hamza forms fold: إيمانويل and ايمانويل are one form
    macron = [cluster("إيمانويل ماكرون", kind="PERS")]
    assert named(macron, "الرئيس ايمانويل ماكرون") == {"إيمانويل ماكرون"}


def test_an_excluded_longer_name_hides_the_form_inside_it_only():
    clusters = [
        cluster("القدس", excluded=("فيلق القدس",)),
        cluster("فيلق القدس", kind="ORG"),
    ]
    assert named(clusters, "قائد فيلق القدس الإيراني") == {"فيلق القدس"}
    assert named(clusters, "قائد فيلق القدس زار القدس") == {"فيلق القدس", "القدس"}
    assert named(clusters, "في القدس الشرقية") == {"القدس"}


def test_cluster_articles_lists_each_cluster_s_articles():
    clusters = [cluster("بغداد"), cluster("طهران")]
    articles = [(1, "بغداد", ""), (2, "خبر", "من طهران إلى بغداد"), (3, "خبر", "لا شيء")]
    assert rb.cluster_articles(clusters, articles) == [{1, 2}, {2}]
    # a name does not run on from the title into the body
    mbs = [cluster("محمد بن سلمان", kind="PERS")]
    assert rb.cluster_articles(mbs, [(4, "حوار مع محمد", "بن سلمان قال")]) == [set()]
    assert rb.cluster_articles(mbs, [(5, "حوار", "قال محمد بن سلمان")]) == [{5}]


# The clusters file ---------------------------------------------------------------------------


def test_read_clusters_reads_tsv_with_comments_and_excluded_names(tmp_path):
    path = tmp_path / "clusters.tsv"
    path.write_text(
        "# kind\tname\tforms\tnot\n\n"
        "PERS\tمحمد بن سلمان\tمحمد بن سلمان بن عبدالعزيز\n"
        "LOC\tالقدس\tالقدس\tفيلق القدس | القدس العربي\n",
        encoding="utf-8",
    )
    first, second = rb.read_clusters(path)
    assert first == rb.Cluster(
        "محمد بن سلمان", "PERS", ("محمد بن سلمان", "محمد بن سلمان بن عبدالعزيز")
    )
    assert second.forms == ("القدس",)
    assert second.excluded == ("فيلق القدس", "القدس العربي")


def test_read_clusters_reads_json(tmp_path):
    path = tmp_path / "clusters.json"
    path.write_text(
        json.dumps([{"kind": "org", "name": "أوبك", "forms": ["منظمة أوبك"]}]), encoding="utf-8"
    )
    assert rb.read_clusters(path) == [rb.Cluster("أوبك", "ORG", ("أوبك", "منظمة أوبك"))]


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("PLACE\tبغداد\tبغداد\n", "kind"),
        ("LOC\tبغداد\n", "separated by tabs"),
        ("LOC\tبغداد\tبغداد\nLOC\tبغداد\tبغداد\n", "listed twice"),
        ("# nothing\n", "no entities"),
    ],
)
def test_read_clusters_refuses_a_malformed_file(tmp_path, text, error):
    path = tmp_path / "clusters.tsv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(rb.ClustersError, match=error):
        rb.read_clusters(path)


def test_the_committed_list_is_large_and_balanced():
    clusters = rb.read_clusters(CLUSTERS_FILE)
    kinds = [c.kind for c in clusters]
    assert len(clusters) >= 40
    assert min(kinds.count(k) for k in ("PERS", "ORG", "LOC")) >= len(clusters) // 4
    # a bare first name would gather unrelated people
    first_names = {"محمد", "عبدالله", "علي", "سلمان", "خالد", "فهد"}
    assert not [
        f
        for c in clusters
        for f in c.forms
        if rb.name_words(f)[0] in first_names and len(rb.name_words(f)) == 1
    ]


def test_the_unlisted_list_names_none_of_the_table_and_splits_into_alike_halves():
    from newsroom.nlp.knowledge import known_entities

    clusters = rb.read_clusters(UNLISTED_FILE)
    assert len(clusters) >= 60
    table = {entity_key(s) for e in known_entities() for s in e.spellings}
    assert not [f for c in clusters for f in c.forms if entity_key(f) in table]
    main = {entity_key(f) for c in rb.read_clusters(CLUSTERS_FILE) for f in c.forms}
    assert not [f for c in clusters for f in c.forms if entity_key(f) in main]
    dev, report = rb.half(clusters, "dev"), rb.half(clusters, "report")
    assert dev[:2] == [clusters[0], clusters[2]] and report[:2] == [clusters[1], clusters[3]]
    for kind in ("PERS", "ORG", "LOC"):
        assert abs(sum(c.kind == kind for c in dev) - sum(c.kind == kind for c in report)) <= 1
    with pytest.raises(ValueError):
        rb.half(clusters, "test")


# Arithmetic ----------------------------------------------------------------------------------


def test_report_prints_coverage_purity_and_the_mean_coverage_last():
    split = rb.Result(
        cluster("بغداد"),
        articles=4,
        pages=[rb.Page(7, "بغداد", "LOC", shared=3, size=4), rb.Page(9, "وبغداد", "LOC", 1, 1)],
        split=2,
        found=4,
    )
    whole = rb.Result(cluster("طهران"), 2, [rb.Page(8, "طهران", "LOC", 2, 2)], split=1)
    unnamed = rb.Result(cluster("كابول"), 0, [], 0)
    lines = list(rb.report_lines([split, whole, unnamed], verbose=True))
    assert re.search(
        r"^بغداد\s+LOC\s+4\s+0\.750\s+0\.750\s+2\s+1\.000\s+#7 بغداد \(LOC, 4 articles\)$", lines[1]
    )
    assert "#9 وبغداد (LOC): coverage 0.250, purity 1.000, 1/1 articles, overlap 0.250" in lines[3]
    assert "not named in the corpus" in lines[6]
    assert lines[-2] == (
        "2 of 3 real-world entities named in the corpus; mean purity 0.875; "
        "best pages with purity < 0.75: 0"
    )
    assert lines[-4].endswith("alone can reach): mean 0.500")  # (4/4 + 0/2) / 2
    assert lines[-1] == "resolution coverage 0.875"  # (0.75 + 1.0) / 2


def test_the_report_can_summarise_each_half_before_the_last_line():
    results = [
        rb.Result(cluster(name), 4, [rb.Page(n, name, "LOC", shared, size)], split=1, found=4)
        for n, (name, shared, size) in enumerate(
            [("بغداد", 4, 4), ("طهران", 2, 4), ("دمشق", 3, 3), ("كابول", 1, 4)]
        )
    ]
    lines = list(rb.report_lines(results, halves=True, entities=False))
    assert lines[-3] == (
        "dev half (2 entities): mean coverage 0.875; mean purity 1.000; "
        "best pages with purity < 0.75: 0; found 1.000"
    )
    assert lines[-2] == (
        "report half (2 entities): mean coverage 0.375; mean purity 0.375; "
        "best pages with purity < 0.75: 2; found 1.000"
    )
    assert lines[-1] == "resolution coverage 0.625"
    assert not [line for line in lines if line.startswith("بغداد")]  # summaries only


def test_the_best_page_is_the_one_closest_to_its_articles_not_the_country_named_with_it():
    # 551 articles name the president; his own page lists 282 of them and nothing else, the
    # country's page 444 of them among 2,897.
    own = rb.Page(1, "فلاديمير بوتين", "PERS", shared=282, size=282)
    country = rb.Page(2, "روسيا", "LOC", shared=444, size=2897)
    assert own.overlap(551) == pytest.approx(282 / 551)
    assert country.overlap(551) == pytest.approx(444 / (2897 + 551 - 444))
    assert rb.best_first([country, own], 551) == [own, country]
    assert rb.widest([own, country]) == country
    result = rb.Result(
        cluster("فلاديمير بوتين", kind="PERS"), 551, [own, country], 1, country, found=282
    )
    lines = list(rb.report_lines([result]))
    assert "0.512   1.000     1  0.512  #1 فلاديمير بوتين (PERS, 282 articles)" in lines[1]
    assert lines[-3].endswith("mean coverage 0.806")  # 444 / 551
    assert lines[-1] == "resolution coverage 0.512"
    # equally close pages: the older entity first
    twin = rb.Page(0, "بوتين", "PERS", shared=282, size=282)
    assert rb.best_first([own, country, twin], 551) == [twin, own, country]


# The command on a tiny corpus ----------------------------------------------------------------

SLEIMANI = "قاسم سليماني"
ARTICLES = [
    ("زيارة إلى بغداد", f"وصل {SLEIMANI} إلى بغداد صباح الاثنين قادما من طهران."),
    ("اجتماع في طهران", f"عقد {SLEIMANI} اجتماعا في طهران مع مسؤولين من بغداد."),
    ("مباحثات في بغداد", "ناقش وزير الخارجية في بغداد العلاقات مع الكويت."),
    ("تصريحات من طهران", f"قال {SLEIMANI} في طهران إن المفاوضات مستمرة."),
    ("خبر اقتصادي", "ارتفعت أسعار النفط في الأسواق العالمية اليوم."),
    ("وفد إلى الكويت", f"أرسل {SLEIMANI} وفدا إلى الكويت لبحث الأوضاع في بغداد."),
]
CLUSTERS = (
    "# a tiny list\n"
    f"PERS\t{SLEIMANI}\t{SLEIMANI}\n"
    "LOC\tبغداد\tبغداد\n"
    "LOC\tطهران\tطهران\n"
    "LOC\tكابول\tكابول\n"
)


@pytest.fixture
def corpus(tmp_path):
    path = tmp_path / "corpus.jsonl.gz"
    with gzip.open(path, "wt", encoding="utf-8") as out:
        for n, (title, body) in enumerate(ARTICLES):
            record = {
                "title": title,
                "body": body,
                "source": "نشرة",
                "published": f"2018-03-{1 + n:02d}T09:00:00+03:00",
                "url": f"https://example.org/resolution/{n}",
            }
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
    return path


@pytest.fixture
def clusters(tmp_path):
    path = tmp_path / "clusters.tsv"
    path.write_text(CLUSTERS, encoding="utf-8")
    return path


def run(*args: str) -> str:
    out = StringIO()
    call_command("benchmark_resolution", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def entity_line(out: str, name: str) -> list[str]:
    line = next(x for x in out.splitlines() if x.startswith(name + " "))
    return line[len(name) :].split()


def articles_naming(word: str) -> set[int]:
    return {a.pk for a in Article.objects.all() if word in a.title or word in a.body}


def page_articles(page: Entity) -> set[int]:
    return set(ArticleEntity.objects.filter(entity=page).values_list("article_id", flat=True))


@pytest.mark.django_db
def test_the_command_imports_then_measures_each_entity_and_ends_with_the_mean(corpus, clusters):
    out = run("--corpus", str(corpus), "--clusters", str(clusters), "--jobs", "1")
    assert Article.objects.count() == len(ARTICLES)
    assert "stored 6, already imported 0" in out

    baghdad = articles_naming("بغداد")
    assert len(baghdad) == 4
    page = Entity.objects.get(kind="LOC", key=entity_key("بغداد"))
    shared = page_articles(page) & baghdad
    kind, articles, coverage, purity, split, found, pk = entity_line(out, "بغداد")[:7]
    assert (kind, int(articles), pk) == ("LOC", 4, f"#{page.pk}")
    assert float(coverage) == pytest.approx(len(shared) / 4, abs=5e-4)
    assert float(purity) == pytest.approx(len(shared) / len(page_articles(page)), abs=5e-4)
    assert split == "1"
    assert float(found) == pytest.approx(len(shared) / 4, abs=5e-4)  # one page names it
    assert "كابول" in out and "not named in the corpus" in out

    *_, summary, last = out.splitlines()
    assert summary.startswith("3 of 4 real-world entities named in the corpus; mean purity ")
    assert re.fullmatch(r"resolution coverage \d\.\d{3}", last)
    coverages = [float(entity_line(out, n)[2]) for n in (SLEIMANI, "بغداد", "طهران")]
    assert float(last.split()[-1]) == pytest.approx(sum(coverages) / 3, abs=1e-3)

    # a second run imports nothing again
    out = run("--corpus", str(corpus), "--clusters", str(clusters), "--jobs", "1")
    assert "stored 0, already imported 6" in out
    assert Article.objects.count() == len(ARTICLES)


@pytest.mark.django_db
def test_an_entity_split_over_two_pages_loses_coverage_and_a_merged_page_purity(corpus, clusters):
    run("--corpus", str(corpus), "--clusters", str(clusters), "--jobs", "1")
    page = Entity.objects.get(kind="LOC", key=entity_key("بغداد"))
    baghdad = sorted(articles_naming("بغداد") & page_articles(page))
    assert len(baghdad) == 4, "the recogniser finds بغداد in each of its articles"

    # Split: one of its articles now lists another entity of the same name instead.
    other = Entity.objects.create(kind="ORG", name="بغداد", key=entity_key("بغداد"))
    ArticleEntity.objects.filter(entity=page, article_id=baghdad[0]).update(entity=other)
    out = run("--corpus", str(corpus), "--clusters", str(clusters), "--reuse", "--verbose")
    kind, articles, coverage, purity, split, found = entity_line(out, "بغداد")[:6]
    # both pages are named بغداد: merging them would cover all four articles
    assert (articles, coverage, purity, split, found) == ("4", "0.750", "1.000", "2", "1.000")
    # --verbose lists the best pages under each entity
    assert f"#{page.pk} بغداد (LOC): coverage 0.750, purity 1.000, 3/3 articles" in out

    # Over-merge: the page also lists the article about oil that does not name it.
    oil = Article.objects.get(title="خبر اقتصادي")
    ArticleEntity.objects.create(entity=page, article=oil, placed_at=oil.placed_at)
    out = run("--corpus", str(corpus), "--clusters", str(clusters), "--reuse")
    assert entity_line(out, "بغداد")[1:4] == ["4", "0.750", "0.750"]


@pytest.mark.django_db
def test_the_command_refuses_a_bad_clusters_file_and_an_empty_database_to_reuse(corpus, tmp_path):
    bad = tmp_path / "bad.tsv"
    bad.write_text("LOC\tبغداد\n", encoding="utf-8")
    with pytest.raises(CommandError, match="separated by tabs"):
        run("--corpus", str(corpus), "--clusters", str(bad))
    good = tmp_path / "good.tsv"
    good.write_text("LOC\tبغداد\tبغداد\n", encoding="utf-8")
    with pytest.raises(CommandError, match="holds no articles"):
        run("--corpus", str(corpus), "--clusters", str(good), "--reuse")


@pytest.mark.django_db
def test_the_command_measures_one_half_of_the_list_or_summarises_both(corpus, clusters):
    run("--corpus", str(corpus), "--clusters", str(clusters), "--jobs", "1")
    out = run("--corpus", str(corpus), "--clusters", str(clusters), "--reuse", "--only", "dev")
    assert "2 real-world entities" in out  # قاسم سليماني and طهران, the odd entries
    assert entity_line(out, SLEIMANI) and entity_line(out, "طهران")
    assert "بغداد " not in out
    out = run("--corpus", str(corpus), "--clusters", str(clusters), "--reuse", "--halves")
    *_, dev, report, last = out.splitlines()
    assert dev.startswith("dev half (2 entities): mean coverage ")
    assert report.startswith("report half (1 entities): mean coverage ")  # كابول is not named
    assert last.startswith("resolution coverage ")
    out = run(
        "--corpus",
        str(corpus),
        "--clusters",
        str(clusters),
        "--reuse",
        "--only",
        "report",
        "--summary",
    )
    assert "بغداد " not in out and out.splitlines()[-1].startswith("resolution coverage ")
