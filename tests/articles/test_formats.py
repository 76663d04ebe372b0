from __future__ import annotations

import gzip
import io
import json
import struct
import zipfile

import pytest

from newsroom.articles import formats
from newsroom.articles.formats import Limits, decode, detect_encoding, parse_file, parse_stream
from newsroom.articles.ingest import ArticleDraft, IngestResult, Outcome, RefusedError
from tests.articles.conftest import FIXTURES

TITLE = "افتتاح محطة جديدة لتحلية المياه في البصرة"
SENTENCE = "وصل وفد من وزارة الخارجية إلى بغداد صباح اليوم، والتقى رئيس الوزراء لبحث ملف المياه."
LIMITS = Limits(file_bytes=10_000, archive_bytes=50_000, archive_entries=5)


def parse(name: str, data: bytes, limits: Limits = LIMITS, **metadata):
    return list(parse_stream(name, io.BytesIO(data), limits=limits, metadata=metadata))


def only_draft(items) -> ArticleDraft:
    assert len(items) == 1 and isinstance(items[0], ArticleDraft), items
    return items[0]


def reasons(items) -> list[str]:
    return [item.reason for item in items if not isinstance(item, ArticleDraft)]


# --- Encodings -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fixture", "encoding"),
    [
        ("article.txt", "utf-8"),
        ("article-bom.txt", "utf-8-sig"),
        ("article-utf16.txt", "utf-16"),
        ("article-cp1256.txt", "cp1256"),
        ("article-iso8859-6.txt", "iso8859-6"),
    ],
)
def test_each_fixture_encoding_is_detected(fixture, encoding):
    data = (FIXTURES / fixture).read_bytes()
    assert detect_encoding(data) == encoding
    draft = only_draft(parse(fixture, data))
    assert draft.title and "\ufeff" not in draft.title
    assert draft.body.count("\n") >= 1


def test_the_windows_1256_fixture_reads_as_the_text_it_was_written_from():
    draft = only_draft(parse("a.txt", (FIXTURES / "article-cp1256.txt").read_bytes()))
    assert draft.title == "مهرجان للكتاب في أربيل يستقبل زواره"
    assert "فعاليات مهرجان الكتاب" in draft.body


@pytest.mark.parametrize(
    "encoding", ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "utf-32", "cp1256"]
)
def test_every_supported_encoding_round_trips(encoding):
    assert decode(SENTENCE.encode(encoding)) == SENTENCE


def test_iso_8859_6_is_told_apart_from_windows_1256():
    text = "أغلقت السلطات عددا من الطرق في العاصمة عمان بعد أمطار غزيرة هطلت ليلة الثلاثاء."
    assert detect_encoding(text.encode("iso8859-6")) == "iso8859-6"
    assert decode(text.encode("iso8859-6")) == text
    assert detect_encoding(text.encode("cp1256")) == "cp1256"


def test_a_charset_declared_by_an_html_page_is_used():
    draft = only_draft(parse("page.html", (FIXTURES / "article-cp1256.html").read_bytes()))
    assert draft.title == "سوق الكتب في شارع المتنبي يعود إلى نشاطه"


def test_text_is_normalised_to_nfc():
    decomposed = "ا\u0653لاف"  # alef + combining maddah: NFC composes it to آ
    assert decode(decomposed.encode()) == "آلاف"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ("caf\xe9 au lait, cr\xe8me br\xfbl\xe9e".encode("latin-1"), "ترميزه ليس"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00", "ترميزه ليس"),
        (bytes(range(256)), "ترميزه ليس"),
        (b"\xef\xbb\xbf" + "عنوان".encode() + b"\xff\xfe", "UTF-8-SIG"),
        # Both single-byte codecs read these as Arabic, differently: refused, not guessed.
        ("وووو".encode("cp1256"), "Windows-1256 أو ISO-8859-6"),
    ],
)
def test_undecodable_input_is_refused_with_a_reason(data, message):
    with pytest.raises(RefusedError, match=message) as refusal:
        decode(data)
    assert "UTF-8" in str(refusal.value)


def test_utf8_with_a_bad_byte_is_refused_as_broken_utf8_not_read_as_another_encoding():
    data = SENTENCE.encode() + b"\xff" + SENTENCE.encode()
    with pytest.raises(RefusedError, match="بايت غير صالح في UTF-8 عند الموضع"):
        decode(data)


@pytest.mark.parametrize("wrong", ["cp1252", "cp1256"])
def test_text_decoded_twice_is_refused_not_stored_as_mojibake(wrong):
    if wrong == "cp1252":
        mojibake = "".join(
            bytes([b]).decode("cp1252", errors="ignore") or chr(b) for b in SENTENCE.encode()
        )
    else:
        mojibake = SENTENCE.encode().decode("cp1256")
    items = parse("mojibake.txt", f"عنوان\n{mojibake}".encode())
    assert "مشوّه" in reasons(items)[0]


def test_text_with_replacement_characters_is_refused():
    data = ("عنوان\n" + SENTENCE.replace("ال", "\ufffd")).encode()
    assert "محارف بديلة" in reasons(parse("lost.txt", data))[0]


def test_arabic_text_is_not_mistaken_for_mojibake():
    tricky = "ضبط، شرط؛ ربط؟ «ضغط» نظم الحفظ ظهرًا"
    assert decode(tricky.encode()) == tricky
    assert decode(tricky.encode("cp1256")) == tricky


def test_a_stray_control_character_does_not_refuse_windows_1256_text():
    text = SENTENCE + "\x02" + SENTENCE
    assert decode(text.encode("cp1256")) == text


# --- Formats ---------------------------------------------------------------------------------


def test_txt_first_line_is_the_title():
    draft = only_draft(parse("a.txt", (FIXTURES / "article.txt").read_bytes(), source="وكالة"))
    assert draft.title == TITLE
    assert draft.body.startswith("افتتحت وزارة الموارد المائية")
    assert draft.source == "وكالة"
    assert draft.label == "a.txt"


def test_markdown_keeps_the_text_and_drops_the_syntax():
    draft = only_draft(parse("a.md", (FIXTURES / "article.md").read_bytes()))
    assert draft.title == "عاجل: جسر جديد يربط ضفتي الموصل"
    assert "اكتمال أعمال الجسر الخامس في مدينة الموصل" in draft.body
    assert "طول الجسر 450 مترا" in draft.body
    for syntax in ("#", "*", "[", "](", "https://", ">"):
        assert syntax not in draft.body


def test_markdown_front_matter_gives_title_and_metadata():
    data = "---\ntitle: عنوان من المقدمة\nsource: وكالة\npublished: 2024-05-01\n---\nالنص.\n"
    draft = only_draft(parse("a.md", data.encode()))
    assert (draft.title, draft.body, draft.source) == ("عنوان من المقدمة", "النص.", "وكالة")
    assert draft.published_at.isoformat() == "2024-05-01T00:00:00+03:00"


def test_html_article_text_is_extracted_without_scripts_styles_or_furniture():
    draft = only_draft(parse("page.html", (FIXTURES / "article.html").read_bytes()))
    assert draft.title == "إعادة افتتاح المكتبة المركزية في بغداد"
    assert draft.body == (
        "أعيد افتتاح المكتبة المركزية في بغداد بعد ترميم استمر عامين.\n"
        "وتضم المكتبة أكثر من «مليون» كتاب ومخطوطة."
    )
    assert draft.source == "صحيفة الرافدين"
    assert draft.url == "https://news.example.org/library"
    assert draft.published_at.isoformat() == "2024-03-10T08:00:00+03:00"


def test_html_without_article_element_uses_the_body_and_the_page_title():
    html = "<title>عنوان الصفحة</title><body><div>فقرة<br>ثانية</div><svg/><p>ثالثة</p></body>"
    draft = only_draft(parse("p.htm", html.encode()))
    assert (draft.title, draft.body) == ("عنوان الصفحة", "فقرة\nثانية\nثالثة")


def test_json_array_gives_one_item_per_object():
    items = parse("a.json", (FIXTURES / "articles.json").read_bytes())
    assert [item.label for item in items] == ["a.json#1", "a.json#2"]
    assert items[0].url == "https://news.example.org/wheat"
    assert items[0].published_at.isoformat() == "2024-05-02T07:30:00+03:00"


def test_a_single_json_object_is_one_article():
    draft = only_draft(parse("one.json", json.dumps({"title": "ع", "body": "ن"}).encode()))
    assert (draft.title, draft.body) == ("ع", "ن")


def test_jsonl_refuses_bad_lines_on_their_own():
    items = parse("feed.jsonl", (FIXTURES / "articles.jsonl").read_bytes(), source="افتراضي")
    assert [item.label for item in items] == [f"feed.jsonl:{n}" for n in (1, 2, 3, 4)]
    assert isinstance(items[1], ArticleDraft) and items[1].title == ""  # ingest refuses it
    assert items[2].outcome is Outcome.REFUSED and "JSON غير صالح" in items[2].reason
    assert items[0].source == "افتراضي"  # the upload's source fills in
    assert items[3].source == "إذاعة الفرات"  # the record's own wins
    assert items[3].body.count("\n") == 1  # a list of paragraphs


def test_jsonl_gz_is_read_as_jsonl():
    items = parse("feed.jsonl.gz", (FIXTURES / "feed.jsonl.gz").read_bytes())
    assert [item.label for item in items] == ["feed.jsonl.gz:1", "feed.jsonl.gz:2"]
    assert all(isinstance(item, ArticleDraft) for item in items)


def test_csv_with_header_multiline_cells_and_an_empty_body():
    items = parse("a.csv", (FIXTURES / "articles.csv").read_bytes())
    assert [item.label for item in items] == ["a.csv:2", "a.csv:3", "a.csv:4"]
    assert (
        items[0].body
        == "نظم اتحاد الأدباء في الحلة ندوة عن التراث الشعبي.\nوتحدث فيها باحثون من بابل والنجف."
    )
    assert items[1].body == ""  # ingest refuses it
    assert items[2].published_at.isoformat() == "2024-04-22T10:00:00+03:00"


def test_csv_from_excel_in_utf16_with_tabs():
    data = "title\tbody\nعنوان\tنص المقال\n".encode("utf-16")
    draft = only_draft(parse("excel.csv", data))
    assert (draft.title, draft.body) == ("عنوان", "نص المقال")


def test_csv_without_title_and_body_columns_is_refused():
    assert "title و body" in reasons(parse("x.csv", b"name,text\na,b\n"))[0]


@pytest.mark.parametrize(
    ("value", "ok"),
    [
        ("2024-05-01", True),
        ("2024-05-01T09:30:00Z", True),
        ("Wed, 01 May 2024 09:30:00 +0300", True),
        ("أمس", False),
        (20240501, False),
    ],
)
def test_publication_dates(value, ok):
    items = parse("a.json", json.dumps({"title": "ع", "body": "ن", "published": value}).encode())
    assert isinstance(items[0], ArticleDraft) is ok
    if not ok:
        assert "تاريخ النشر" in items[0].reason


def test_a_zip_holding_every_kind_of_file():
    items = parse("archive.zip", (FIXTURES / "archive.zip").read_bytes())
    by_label = {item.label: item for item in items}
    assert set(by_label) == {
        "archive.zip/news/article-cp1256.txt",
        "archive.zip/news/article.md",
        "archive.zip/articles.jsonl:1",
        "archive.zip/articles.jsonl:2",
        "archive.zip/photo.png",  # __MACOSX junk is skipped
    }
    assert by_label["archive.zip/news/article-cp1256.txt"].title.startswith("مهرجان للكتاب")
    assert "غير مدعوم" in by_label["archive.zip/photo.png"].reason


def test_unsupported_types_and_broken_archives_are_refused():
    assert "غير مدعوم" in reasons(parse("image.png", b"\x89PNG"))[0]
    assert "zip صالحًا" in reasons(parse("broken.zip", b"PK\x03\x04 not really"))[0]
    assert "gzip" in reasons(parse("broken.jsonl.gz", b"\x1f\x8b\x08\x00garbage"))[0]
    assert "‎.gz‎" in reasons(parse("a.tar.gz", gzip.compress(b"x")))[0]


# --- Limits ----------------------------------------------------------------------------------


def _zip(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def test_a_file_over_the_size_limit_is_refused():
    data = ("عنوان\n" + "ن" * 6_000).encode()  # 12 kB > 10 kB
    assert "أكبر من الحد المسموح" in reasons(parse("big.txt", data))[0]


def test_a_zip_bomb_is_refused_without_being_expanded(monkeypatch):
    bomb = _zip({"a.txt": b"0" * 1_000_000})  # 1 MB in about 1 kB
    assert len(bomb) < 5_000

    def never(*args, **kwargs):
        raise AssertionError("an entry was expanded")

    monkeypatch.setattr(zipfile.ZipFile, "open", never)
    items = parse("bomb.zip", bomb)
    assert len(items) == 1
    assert "بعد فكّه" in items[0].reason and "لم يُفتح" in items[0].reason


def test_a_zip_with_too_many_entries_is_refused_without_being_expanded(monkeypatch):
    archive = _zip({f"{n}.txt": "عنوان\nنص".encode() for n in range(6)})
    monkeypatch.setattr(zipfile.ZipFile, "open", None)
    assert "فيه 6 ملفات، والحد 5" in reasons(parse("many.zip", archive))[0]


def test_a_zip_whose_header_understates_its_size_is_not_trusted():
    archive = bytearray(_zip({"a.txt": ("عنوان\n" + "ن" * 30_000).encode()}))
    # Rewrite the uncompressed size in the local header and the central directory: 60 kB → 20 B.
    local = archive.find(b"PK\x03\x04")
    central = archive.find(b"PK\x01\x02")
    archive[local + 22 : local + 26] = struct.pack("<I", 20)
    archive[central + 24 : central + 28] = struct.pack("<I", 20)
    items = parse("liar.zip", bytes(archive))
    assert len(items) == 1 and items[0].outcome is Outcome.REFUSED


def test_the_expanded_size_of_a_zip_counts_all_entries_together():
    entries = {f"{n}.jsonl": b'{"title": "t", "body": "b"}\n' * 500 for n in range(3)}
    assert reasons(parse("many.zip", _zip(entries))) == []  # 3 × 14 kB: within 50 kB
    small = Limits(file_bytes=20_000, archive_bytes=30_000, archive_entries=5)
    items = list(parse_stream("many.zip", io.BytesIO(_zip(entries)), limits=small))
    assert len(items) == 1 and "بعد فكّه 41 ك.ب، والحد 29 ك.ب" in items[0].reason


def test_nested_and_encrypted_entries_are_refused():
    archive = _zip({"inner.zip": _zip({"a.txt": b"t\nb"}), "ok.txt": "عنوان\nنص".encode()})
    items = parse("outer.zip", archive)
    assert "داخل الأرشيفات" in items[0].reason
    assert isinstance(items[1], ArticleDraft)


def test_a_gzip_bomb_stops_at_the_archive_limit():
    line = json.dumps({"title": "عنوان", "body": "ن" * 100}, ensure_ascii=False) + "\n"
    bomb = gzip.compress(line.encode() * 2_000)  # 500 kB from a few kB
    items = parse("bomb.jsonl.gz", bomb, limits=Limits(10_000, 200_000, 5))
    assert 500 < len(items) < 1000  # what fitted in 200 kB, then one refusal
    assert all(isinstance(item, ArticleDraft) for item in items[:-1])
    assert "بعد فكّه أكبر من" in items[-1].reason


def test_an_overlong_jsonl_line_is_skipped_alone(settings):
    settings.MAX_ARTICLE_CHARS = 10
    lines = [
        json.dumps({"title": "t", "body": "b" * 200_000}),
        json.dumps({"title": "t", "body": "b"}),
    ]
    items = parse("a.jsonl", "\n".join(lines).encode(), limits=Limits(10**7, 10**7, 5))
    assert "أطول" in items[0].reason
    assert isinstance(items[1], ArticleDraft)


def test_cap_items_stops_reading_with_one_line():
    items = list(formats.cap_items(iter(range(10)), 3))
    assert items[:3] == [0, 1, 2]
    assert len(items) == 4 and "3 عناصر على الأكثر" in items[3].reason


def test_parse_file_uses_the_settings_limits():
    assert isinstance(parse_file("a.txt", "ع\nن".encode())[0], ArticleDraft)


@pytest.mark.parametrize("content", [b"", b"  \n\n", "\ufeff\n".encode()])
def test_an_empty_file_in_a_zip_is_refused_as_an_empty_file(content):
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("empty.txt", content)
        zf.writestr("empty.json", b"")
        zf.writestr("full.txt", "عنوان\nنص المقال.".encode())
    results = parse_file("bundle.zip", archive.getvalue())
    reasons = {r.label: r.reason for r in results if isinstance(r, IngestResult)}
    assert reasons == {
        "bundle.zip/empty.txt": "الملف فارغ.",
        "bundle.zip/empty.json": "الملف فارغ.",
    }
    assert [d.title for d in results if isinstance(d, ArticleDraft)] == ["عنوان"]
