"""Turn uploaded or imported files into article drafts; storing is ingest_article's job.

Every parser yields, item by item, either an ArticleDraft or a refusal (an IngestResult with
outcome REFUSED and the reason), so one unreadable item never stops the rest of an upload.
The upload page and `manage.py import_articles` share all of it.
"""

from __future__ import annotations

import codecs
import csv
import io
import itertools
import json
import re
import unicodedata
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from email.utils import parsedate_to_datetime
from html.parser import HTMLParser
from pathlib import Path, PurePosixPath
from typing import IO, Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import ngettext
from markdown_it import MarkdownIt

from newsroom.articles.ingest import ArticleDraft, IngestResult, Outcome, RefusedError

Parsed = ArticleDraft | IngestResult

SINGLE_SUFFIXES = (".txt", ".md", ".markdown", ".html", ".htm")
RECORD_SUFFIXES = (".json", ".jsonl", ".ndjson", ".csv")
ARCHIVE_SUFFIXES = (".zip", ".gz")
SUPPORTED_SUFFIXES = SINGLE_SUFFIXES + RECORD_SUFFIXES + ARCHIVE_SUFFIXES
ENCODINGS = "UTF-8 أو UTF-16 أو Windows-1256 أو ISO-8859-6"

_SAMPLE_BYTES = 64 * 1024
_CHUNK_BYTES = 256 * 1024


@dataclass(frozen=True, slots=True)
class Limits:
    file_bytes: int  # one uploaded file; one article file (.txt, .md, .html) anywhere
    archive_bytes: int  # all that one .zip or .gz expands to; one .json document
    archive_entries: int  # files in one .zip

    @classmethod
    def from_settings(cls) -> Limits:
        return cls(
            file_bytes=settings.MAX_UPLOAD_BYTES,
            archive_bytes=settings.MAX_ARCHIVE_BYTES,
            archive_entries=settings.MAX_ARCHIVE_ENTRIES,
        )


def refused(label: str, reason: str) -> IngestResult:
    return IngestResult(Outcome.REFUSED, label, reason=reason)


def format_size(n: int) -> str:
    if n >= 1024 * 1024:
        return f"{n / (1024 * 1024):.3g} م.ب"
    return f"{max(1, round(n / 1024))} ك.ب"


# --- Encodings -------------------------------------------------------------------------------

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),  # before UTF-16 LE: it starts with the same two bytes
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_ARABIC_LETTER_RE = re.compile(
    "[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufefc]"
)
_ARABIC_MARK_RE = re.compile("[\u064b-\u0652]")
_DECLARED_RE = re.compile(
    rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]{1,40})""", re.I
)
_DECLARABLE = {
    "utf-8": "utf-8",
    "utf-16": "utf-16",
    "cp1256": "cp1256",
    "iso8859-6": "iso8859-6",
}


def _undecodable(detail: str = "") -> RefusedError:
    return RefusedError(
        f"تعذّرت قراءة النص: ترميزه ليس {ENCODINGS}{detail}. احفظه بترميز UTF-8 وأعد رفعه."
    )


_C0_RE = re.compile("[\x00-\x08\x0e-\x1f\x7f]")
_C1_RE = re.compile("[\x80-\x9f]")


def _has_controls(text: str) -> bool:
    """Signs that the bytes are not text in this encoding: C1 controls, unassigned or private-use
    characters, or more than a stray C0 control here and there (clean_text drops those)."""
    return (
        bool(_C1_RE.search(text))
        or len(_C0_RE.findall(text)) > 1 + len(text) // 1000
        or any(unicodedata.category(c) in ("Cn", "Co") for c in text[:_SAMPLE_BYTES])
    )


# An accented Latin letter touching an Arabic one: ISO-8859-6 read as Windows-1256 (و ي ه become
# è ê ç inside words), never real text.
_LATIN_1_LETTER = "\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u00ff"
_MIXED_WORD_RE = re.compile(
    f"[{_ARABIC_LETTER_RE.pattern[1:-1]}][{_LATIN_1_LETTER}]"
    f"|[{_LATIN_1_LETTER}][{_ARABIC_LETTER_RE.pattern[1:-1]}]"
)


def _plausible_arabic(text: str) -> bool:
    """Text in a single-byte Arabic encoding: no control characters, and Arabic letters make up
    nearly all letters outside ASCII and a good part of all letters."""
    if _has_controls(text) or _MIXED_WORD_RE.search(text):
        return False
    letters = [c for c in text if c.isalpha()]
    arabic = sum(bool(_ARABIC_LETTER_RE.match(c)) for c in letters)
    foreign = sum(ord(c) > 0x7F for c in letters) - arabic
    return arabic >= 0.3 * len(letters) and foreign <= 0.1 * (arabic + foreign) and arabic > 0


def _mark_ratio(text: str) -> float:
    """Harakat per Arabic letter: near 0 in news, high when letters were read as harakat."""
    letters = len(_ARABIC_LETTER_RE.findall(text))
    return len(_ARABIC_MARK_RE.findall(text)) / letters if letters else 0.0


def _decodes(data: bytes, encoding: str, *, final: bool) -> str | None:
    try:
        return codecs.getincrementaldecoder(encoding)("strict").decode(data, final=final)
    except UnicodeDecodeError:
        return None


def _utf16_without_bom(data: bytes, *, final: bool) -> str | None:
    """UTF-16 without a byte-order mark: in Arabic and ASCII, one byte of each pair is 0 or 6."""
    sample = data[: _SAMPLE_BYTES & ~1]
    if len(sample) < 8:
        return None
    for encoding, high in (("utf-16-le", sample[1::2]), ("utf-16-be", sample[0::2])):
        if sum(b in (0, 6) for b in high) >= 0.9 * len(high):
            text = _decodes(data, encoding, final=final)
            if text is not None and not _has_controls(text) and any(c.isalpha() for c in text):
                return encoding
    return None


def detect_encoding(data: bytes, *, final: bool = True, declared: str = "") -> str:
    """Name the codec of some bytes of text, or refuse them.

    In order: a byte-order mark; UTF-16 by its byte pattern; strict UTF-8; a charset the document
    declares (HTML); then Windows-1256 or ISO-8859-6, whichever reads as plausible Arabic. Both
    single-byte codecs decode almost anything, so plausibility decides: no control characters,
    Arabic letters for (nearly) all letters outside ASCII, few harakat where letters should be.
    `final` is False when `data` is only the start of a longer stream.
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            if _decodes(data, encoding, final=final) is None:
                raise _undecodable(f" (يبدأ بعلامة {encoding.upper()} لكن فيه بايتات غير صالحة)")
            return encoding
    if encoding := _utf16_without_bom(data, final=final):
        return encoding
    try:
        codecs.getincrementaldecoder("utf-8")("strict").decode(data, final=final)
        return "utf-8"
    except UnicodeDecodeError as exc:
        # Mostly valid UTF-8 with a few bad bytes is broken UTF-8, not another encoding.
        text = data[:_SAMPLE_BYTES].decode("utf-8", errors="replace")
        bad = text.count("\ufffd")
        if sum(ord(c) > 0x7F for c in text) - bad >= 10 * bad:
            raise _undecodable(f" (بايت غير صالح في UTF-8 عند الموضع {exc.start})") from None
    try:
        declared = _DECLARABLE.get(codecs.lookup(declared).name, "") if declared else ""
    except LookupError:
        declared = ""
    candidates: dict[str, str] = {}
    for encoding in (declared, "cp1256", "iso8859-6"):
        text = _decodes(data[:_SAMPLE_BYTES], encoding, final=False) if encoding else None
        if text is not None and _plausible_arabic(text):
            if encoding == declared:
                return encoding
            candidates[encoding] = text
    if len(candidates) == 2 and candidates["cp1256"] != candidates["iso8859-6"]:
        ratios = {enc: _mark_ratio(text) for enc, text in candidates.items()}
        if abs(ratios["cp1256"] - ratios["iso8859-6"]) < 0.05:
            raise RefusedError(
                "تعذّر تحديد الترميز: قد يكون Windows-1256 أو ISO-8859-6. "
                "احفظ الملف بترميز UTF-8 وأعد رفعه."
            )
        return min(ratios, key=ratios.__getitem__)
    if candidates:
        return next(iter(candidates))
    raise _undecodable()


def _windows_1252_bytes(text: str) -> bytes | None:
    """Bytes that Windows-1252 (with Latin-1 for its five gaps) would have decoded to `text`."""
    out = bytearray()
    for c in text:
        try:
            out += c.encode("cp1252")
        except UnicodeEncodeError:
            if ord(c) > 0xFF:
                return None
            out.append(ord(c))
    return bytes(out)


def _continuations(encoding: str, keep: str = "") -> str:
    """What UTF-8 continuation bytes (0x80-0xBF) look like when read in `encoding`."""
    chars = bytes(range(0x80, 0xC0)).decode(encoding, errors="replace").replace("\ufffd", "")
    return re.escape("".join(c for c in chars if c not in keep))


# UTF-8 Arabic letters start with byte D8 or D9: read as Windows-1252 that is Ø or Ù, as
# Windows-1256 ط or ظ, followed by what a continuation byte looks like there. Punctuation that
# can follow a real ط or ظ (، ؛ ؟ « » no-break space, joiners) does not count.
_REAL_AFTER_TA = "،؛؟«»\xa0\u200c\u200d"
_MOJIBAKE_PAIR_RE = re.compile(
    "[ØÙ][\x80-\x9f" + _continuations("cp1252") + "]"
    "|[طظ][" + _continuations("cp1256", keep=_REAL_AFTER_TA) + "]"
)


def check_mojibake(text: str) -> None:
    """Refuse text that was already decoded wrongly once: UTF-8 read as Windows-1252 (اللغة seen
    as Ø§Ù„Ù„ØºØ©) or as Windows-1256 (seen as ط§ظ„ظ„ط؛ط©), or with characters already lost (�).
    Signs: many lead/continuation pairs as above, or bytes in that encoding that are valid UTF-8,
    which real text in that encoding practically never is."""
    sample = text[:_SAMPLE_BYTES]
    if sum(ord(c) > 0x7F for c in sample) < 4:
        return
    if "\ufffd" in sample:
        raise RefusedError(
            "النص فيه محارف بديلة (�) خلّفها فكّ ترميز سابق فاشل؛ لم يُحفظ. "
            "صدّره من جديد من مصدره بترميز UTF-8."
        )
    pairs = len(_MOJIBAKE_PAIR_RE.findall(sample))
    if pairs >= 3 and pairs >= 0.2 * sum(c in "ØÙطظ" for c in sample):
        raise RefusedError(
            "النص مشوّه: فُكّ ترميزه مرتين (UTF-8 قُرئ بترميز آخر). "
            "لم يُحفظ شيء منه؛ صدّره من جديد بترميز UTF-8."
        )
    for encoding in ("cp1252", "cp1256"):
        if encoding == "cp1252":
            raw = _windows_1252_bytes(sample)
        else:
            try:
                raw = sample.encode(encoding)
            except UnicodeEncodeError:
                raw = None
        if raw is not None and _decodes(raw, "utf-8", final=False) is not None:
            raise RefusedError(
                f"النص مشوّه: فُكّ ترميزه مرتين (UTF-8 قُرئ كأنه {encoding}). "
                "لم يُحفظ شيء منه؛ صدّره من جديد بترميز UTF-8."
            )


def decode(data: bytes, *, declared: str = "") -> str:
    """Decode a whole text in any supported encoding, to NFC; refuse what cannot be read."""
    encoding = detect_encoding(data, declared=declared)
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:  # past the sample that decided the encoding
        raise _undecodable(f" (بايت غير صالح عند الموضع {exc.start})") from None
    if encoding in ("cp1256", "iso8859-6") and _has_controls(text):
        raise _undecodable()  # past the sample that looked like text
    check_mojibake(text)
    return unicodedata.normalize("NFC", text)


class OverlongLine(str):
    """Stands for a line longer than the limit, which was skipped without being kept."""


def iter_lines(
    stream: IO[bytes], *, max_line_chars: int, skip_overlong: bool = False
) -> Iterator[str]:
    """Decode a byte stream line by line (newline kept), detecting its encoding from its start.

    A line longer than `max_line_chars` is refused, with the rest of the stream, or with
    `skip_overlong` skipped and given as an empty OverlongLine, so memory stays bounded.
    """
    head = stream.read(_SAMPLE_BYTES)
    encoding = detect_encoding(head, final=False)  # the stream may go on past the head
    decoder = codecs.getincrementaldecoder(encoding)("strict")
    pending, chunk, line_no, overlong = "", head, 0, False
    while True:
        final = not chunk
        try:
            text = decoder.decode(chunk, final=final)
        except UnicodeDecodeError:
            raise _undecodable(f" (بايتات غير صالحة بعد السطر {line_no})") from None
        if chunk is head:
            check_mojibake(text)
        *lines, pending = (pending + text).split("\n")
        for line in lines:
            line_no += 1
            if overlong or len(line) > max_line_chars:
                if not skip_overlong:
                    raise RefusedError(_line_too_long(line_no, max_line_chars))
                yield OverlongLine()
            else:
                yield line + "\n"
            overlong = False
        if len(pending) > max_line_chars:
            if not skip_overlong:
                raise RefusedError(_line_too_long(line_no + 1, max_line_chars))
            pending, overlong = "", True
        if final:
            break
        chunk = stream.read(_CHUNK_BYTES)
        if not chunk:
            _check_complete(stream)  # before the last, unterminated line is trusted
    if overlong:
        yield OverlongLine()
    elif pending:
        yield pending


# --- Single articles: .txt, .md, .html --------------------------------------------------------


EMPTY_FILE = "الملف فارغ."


def parse_txt(name: str, data: bytes, **metadata: Any) -> ArticleDraft:
    """A .txt file: the first non-empty line is the title, the rest is the body."""
    text = decode(data).lstrip("\ufeff\n\r \t")
    if not text.strip():
        raise RefusedError(EMPTY_FILE)
    title, _, body = text.partition("\n")
    return ArticleDraft(title=title, body=body, label=name, **metadata)


_BLOCK_TAGS = frozenset(
    re.findall(
        r"\w+",
        "address article aside blockquote br dd details div dl dt figcaption footer h1 h2 h3 h4 "
        "h5 h6 header hr li main ol p pre section summary table td th tr ul",
    )
)
# Never article text: code, styling, embedded media, navigation and page furniture.
_SKIP_TAGS = frozenset(
    re.findall(
        r"\w+",
        "script style noscript template svg math iframe object embed canvas video audio nav "
        "footer aside form button select textarea figure head",
    )
)
_WS_RE = re.compile(r"\s+")


class _HTMLText(HTMLParser):
    """Collect the visible text of a page in blocks, with its title and article metadata."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[tuple[str, bool, bool, bool]] = []  # text, in <article>, in <main>, h1
        self.title_parts: list[str] = []
        self.meta: dict[str, str] = {}
        self._line: list[str] = []
        self._depth = {"skip": 0, "article": 0, "main": 0, "h1": 0, "title": 0}

    def _flush(self) -> None:
        text = _WS_RE.sub(" ", "".join(self._line)).strip()
        self._line = []
        if text:
            d = self._depth
            self.blocks.append((text, d["article"] > 0, d["main"] > 0, d["h1"] > 0))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        if tag == "meta":
            key = (values.get("property") or values.get("name") or "").lower()
            if key and values.get("content"):
                self.meta.setdefault(key, values["content"])
        elif tag == "link" and "canonical" in values.get("rel", "").lower().split():
            self.meta.setdefault("canonical", values.get("href", ""))
        if tag in ("br", "hr", "meta", "link", "img", "input", "wbr"):
            if tag in ("br", "hr"):
                self._flush()
            return
        if tag == "body":
            self._depth["skip"] = 0  # a <head> (or other furniture) left open ends here
        elif tag == "title":
            self._depth["title"] += 1
        elif tag in _SKIP_TAGS:
            self._depth["skip"] += 1
        elif tag in ("article", "main", "h1"):
            self._depth[tag] += 1
        if tag in _BLOCK_TAGS:
            self._flush()

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("meta", "link"):
            self.handle_starttag(tag, attrs)
        elif tag in _BLOCK_TAGS:
            self._flush()  # <br/>, and self-closed elements that open nothing

    def handle_endtag(self, tag: str) -> None:
        if tag in _BLOCK_TAGS:
            self._flush()
        key = "skip" if tag in _SKIP_TAGS else tag
        if key in self._depth and self._depth[key] > 0:
            self._depth[key] -= 1

    def handle_data(self, data: str) -> None:
        if self._depth["title"]:
            self.title_parts.append(data)
        elif not self._depth["skip"]:
            self._line.append(data)

    def close(self) -> None:
        super().close()
        self._flush()


def html_text(html: str) -> tuple[str, str, dict[str, str]]:
    """(title, body, meta) of an HTML page: the <article> if there is one, else <main>, else all."""
    parser = _HTMLText()
    parser.feed(html)
    parser.close()
    blocks = parser.blocks
    for index in (1, 2):
        if any(block[index] for block in blocks):
            blocks = [block for block in blocks if block[index]]
            break
    h1 = next((block[0] for block in blocks if block[3]), "")
    title = h1 or parser.meta.get("og:title", "") or _WS_RE.sub(" ", "".join(parser.title_parts))
    lines = [block[0] for block in blocks]
    if h1:
        lines.remove(h1)
    return title.strip(), "\n".join(lines), parser.meta


def parse_html(name: str, data: bytes, **metadata: Any) -> ArticleDraft:
    """An .html page: the article's text; scripts, styles, navigation and markup are dropped."""
    declared = _DECLARED_RE.search(data[:4096])
    text = decode(data, declared=declared.group(1).decode("ascii") if declared else "")
    title, body, meta = html_text(text)
    published = metadata.get("published_at")
    if published is None:
        try:
            published = parse_published(meta.get("article:published_time", ""))
        except RefusedError:
            published = None  # the page's own metadata; not worth refusing the article for
    return ArticleDraft(
        title=title,
        body=body,
        source=metadata.get("source") or meta.get("og:site_name", ""),
        published_at=published,
        url=metadata.get("url") or meta.get("canonical") or meta.get("og:url", ""),
        label=name,
    )


_markdown = MarkdownIt("commonmark")
_ATX_RE = re.compile(r"^ {0,3}#{1,6}(?:\s+(.*?))?(?:\s+#+)?\s*$")
_SETEXT_RE = re.compile(r"^ {0,3}(=+|-+)\s*$")


def _front_matter(text: str) -> tuple[dict[str, str], str]:
    """Simple `key: value` front matter between --- lines (title, source, published, url)."""
    lines = text.split("\n")
    if lines[0].strip() != "---":
        return {}, text
    for end, line in enumerate(lines[1:], start=1):
        if line.strip() in ("---", "..."):
            fields = {}
            for item in lines[1:end]:
                key, sep, value = item.partition(":")
                if sep:
                    fields[key.strip().lower()] = value.strip().strip("\"'")
            return fields, "\n".join(lines[end + 1 :])
    return {}, text


def parse_markdown(name: str, data: bytes, **metadata: Any) -> Parsed:
    """A .md file: front matter or the first line (a heading or not) is the title; the body is
    the rendered text without Markdown syntax."""
    fields, text = _front_matter(decode(data).lstrip("\ufeff"))
    title = fields.get("title", "")
    if not title:
        lines = text.strip("\n").split("\n")
        first, rest = lines[0], lines[1:]
        if rest and _SETEXT_RE.match(rest[0]) and first.strip():
            rest = rest[1:]
        elif match := _ATX_RE.match(first):
            first = match.group(1) or ""
        title, _, _ = html_text(f"<h1>{_markdown.renderInline(first)}</h1>")
        text = "\n".join(rest)
    _, body, _ = html_text(_markdown.render(text))
    return _draft_from_record({**fields, "title": title, "body": body}, name, metadata)


SINGLE_PARSERS: dict[str, Callable[..., Parsed]] = {
    ".txt": parse_txt,
    ".md": parse_markdown,
    ".markdown": parse_markdown,
    ".html": parse_html,
    ".htm": parse_html,
}


# --- Records: .json, .jsonl, .csv -------------------------------------------------------------


def parse_published(value: object) -> datetime | None:
    """A publication date: ISO 8601 (date, or date and time with or without offset) or RFC 2822."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if not isinstance(value, str):
        raise RefusedError(f"تاريخ النشر ليس نصًا: {value!r}"[:200])
    text = value.strip()
    try:
        published = datetime.fromisoformat(text)
    except ValueError:
        try:
            published = parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            raise RefusedError(
                f"تاريخ النشر غير مفهوم: «{text[:40]}» "
                "(المتوقع ISO 8601 مثل 2024-05-01T09:30+03:00)."
            ) from None
    if timezone.is_naive(published):
        published = timezone.make_aware(published)
    return published


def _field(record: dict[str, Any], key: str) -> str:
    value = record.get(key)
    if value is None:
        return ""
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return "\n".join(value)  # a body given as a list of paragraphs
    if isinstance(value, str | int | float):
        return str(value)
    raise RefusedError(f"الحقل «{key}» ليس نصًا.")


def _draft_from_record(record: object, label: str, metadata: dict[str, Any]) -> Parsed:
    """A JSON object or CSV row with title, body, source, published, url; the upload's source
    and date fill in what a record leaves out."""
    if not isinstance(record, dict):
        return refused(label, "العنصر ليس كائن JSON فيه الحقلان title و body.")
    record = {str(k).strip().lower(): v for k, v in record.items()}
    try:
        published = parse_published(record.get("published", record.get("published_at")))
        return ArticleDraft(
            title=_field(record, "title"),
            body=_field(record, "body"),
            source=_field(record, "source") or metadata.get("source") or "",
            published_at=published or metadata.get("published_at"),
            url=_field(record, "url") or metadata.get("url") or "",
            label=label,
        )
    except RefusedError as exc:
        return refused(label, str(exc))


def _iter_json(name: str, data: bytes, metadata: dict[str, Any]) -> Iterator[Parsed]:
    """A .json file: one article object, or an array of them."""
    try:
        document = json.loads(decode(data))
    except json.JSONDecodeError as exc:
        yield refused(name, f"JSON غير صالح (السطر {exc.lineno}): {exc.msg}.")
        return
    if isinstance(document, dict):
        yield _draft_from_record(document, name, metadata)
    elif isinstance(document, list):
        for number, record in enumerate(document, start=1):
            yield _draft_from_record(record, f"{name}#{number}", metadata)
    else:
        yield refused(name, "ملف JSON يجب أن يحوي كائنًا أو مصفوفة كائنات.")


def _iter_jsonl(name: str, lines: Iterable[str], metadata: dict[str, Any]) -> Iterator[Parsed]:
    """A .jsonl file: one article object per line; blank lines are skipped."""
    for number, line in enumerate(lines, start=1):
        label = f"{name}:{number}"
        if isinstance(line, OverlongLine):
            yield refused(label, "السطر أطول بكثير من أطول مقال مسموح؛ تُخطّي.")
            continue
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            yield refused(label, f"JSON غير صالح: {exc.msg} (العمود {exc.colno}).")
            continue
        yield _draft_from_record(record, label, metadata)


_CSV_FIELD_LIMIT = 64 * 1024 * 1024


def _iter_csv(name: str, lines: Iterator[str], metadata: dict[str, Any]) -> Iterator[Parsed]:
    """A .csv file: a header row naming the columns (title and body at least), then one row per
    article. The delimiter is the commonest of , ; and tab in the header."""
    first = next(lines, None)
    if first is None:
        yield refused(name, "ملف CSV فارغ.")
        return
    # Bodies are long; the module's default field limit (128 KiB) is shorter than an article.
    if csv.field_size_limit() < _CSV_FIELD_LIMIT:
        csv.field_size_limit(_CSV_FIELD_LIMIT)
    delimiter = max(",;\t", key=first.count)
    reader = csv.reader(itertools.chain([first], lines), delimiter=delimiter)
    header = [column.strip().lstrip("\ufeff").lower() for column in next(reader)]
    if "title" not in header or "body" not in header:
        yield refused(name, "صف العناوين في ملف CSV يجب أن يسمّي العمودين title و body.")
        return
    row_number = 1
    try:
        for row_number, row in enumerate(reader, start=2):
            if any(cell.strip() for cell in row):
                yield _draft_from_record(
                    dict(zip(header, row, strict=False)), f"{name}:{row_number}", metadata
                )
    except csv.Error as exc:
        yield refused(f"{name}:{row_number + 1}", f"تعذّرت قراءة بقية ملف CSV: {exc}.")


# --- Archives and dispatch -------------------------------------------------------------------


class _CappedReader(io.RawIOBase):
    """Pass bytes through up to `cap`, then end as if the stream ended there, noting whether
    there was more: the bytes really expanded count, not what an archive header says."""

    def __init__(self, stream: IO[bytes], cap: int, message: str) -> None:
        self._stream, self._cap, self.message = stream, cap, message
        self.consumed = 0
        self.exceeded = False

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        left = self._cap - self.consumed
        data = self._stream.read(min(len(buffer), left + 1)) if not self.exceeded else b""
        if len(data) > left:
            data, self.exceeded = data[:left], True
        self.consumed += len(data)
        buffer[: len(data)] = data
        return len(data)


def _check_complete(stream: Any) -> None:
    """Refuse if a capped reader anywhere under `stream` cut it short: call this before
    trusting the end of what was read (the last line, a whole file)."""
    while stream is not None:
        if isinstance(stream, _CappedReader) and stream.exceeded:
            raise RefusedError(stream.message)
        stream = getattr(stream, "raw", None) or getattr(stream, "_stream", None)


def _read_capped(stream: IO[bytes], cap: int, message: str) -> bytes:
    data = stream.read(cap + 1)
    if len(data) > cap:
        raise RefusedError(message)
    _check_complete(stream)
    return data


class _Gunzip(io.RawIOBase):
    """Stream-decompress gzip without trusting its header."""

    def __init__(self, stream: IO[bytes]) -> None:
        self._stream = stream
        self._inflater = zlib.decompressobj(wbits=zlib.MAX_WBITS | 16)
        self._buffer = b""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        while not self._buffer:
            if self._inflater.eof:
                rest = self._inflater.unused_data
                if not rest:
                    return 0
                self._inflater = zlib.decompressobj(wbits=zlib.MAX_WBITS | 16)  # concatenated
            else:
                rest = self._inflater.unconsumed_tail or self._stream.read(_CHUNK_BYTES)
                if not rest:
                    raise RefusedError("ملف gzip مبتور: انتهى قبل آخره.")
            try:
                self._buffer = self._inflater.decompress(rest, _CHUNK_BYTES)
            except zlib.error:
                raise RefusedError("ليس ملف gzip صالحًا.") from None
        n = min(len(buffer), len(self._buffer))
        buffer[:n] = self._buffer[:n]
        self._buffer = self._buffer[n:]
        return n


def _suffix(name: str) -> str:
    return PurePosixPath(name.lower()).suffix


def _zip_entry_name(info: zipfile.ZipInfo) -> str:
    """Entry names written as UTF-8 without the zip flag that says so are common; repair them."""
    if info.flag_bits & 0x800:
        return info.filename
    try:
        return info.filename.encode("cp437").decode("utf-8")
    except UnicodeError:
        return info.filename


def _iter_zip(
    name: str, stream: IO[bytes], limits: Limits, metadata: dict[str, Any]
) -> Iterator[Parsed]:
    """A .zip of supported files. Its directory is checked against the limits before anything
    is expanded, and the bytes actually expanded are counted too (a header can lie)."""
    try:
        archive = zipfile.ZipFile(stream)
    except (zipfile.BadZipFile, OSError, ValueError):
        yield refused(name, "ليس أرشيف zip صالحًا.")
        return
    with archive:
        entries = [
            info
            for info in archive.infolist()
            if not info.is_dir()
            and not PurePosixPath(info.filename).name.startswith(".")
            and not info.filename.startswith("__MACOSX/")
        ]
        if len(entries) > limits.archive_entries:
            yield refused(
                name,
                ngettext(
                    "الأرشيف فيه ملف واحد، والحد %(limit)s؛ لم يُفتح.",
                    "الأرشيف فيه %(n)s ملفات، والحد %(limit)s؛ لم يُفتح.",
                    len(entries),
                )
                % {"n": len(entries), "limit": limits.archive_entries},
            )
            return
        expanded = sum(info.file_size for info in entries)
        if expanded > limits.archive_bytes:
            yield refused(
                name,
                f"محتوى الأرشيف بعد فكّه {format_size(expanded)}، والحد "
                f"{format_size(limits.archive_bytes)}؛ لم يُفتح.",
            )
            return
        budget = limits.archive_bytes
        over_budget = f"محتوى الأرشيف بعد فكّه أكبر من {format_size(limits.archive_bytes)}؛ لم يُفك."
        for info in entries:
            entry = f"{name}/{_zip_entry_name(info)}"
            if entry.lower().endswith((".zip", ".zip.gz")):
                yield refused(entry, "لا تُفتح الأرشيفات داخل الأرشيفات.")
            elif info.flag_bits & 0x1:
                yield refused(entry, "الملف مشفّر بكلمة سر.")
            elif budget <= 0:
                yield refused(entry, over_budget)
            else:
                try:
                    with archive.open(info) as member:
                        raw = _CappedReader(member, budget, over_budget)
                        stream = io.BufferedReader(raw)
                        yield from parse_stream(entry, stream, limits=limits, metadata=metadata)
                except (zipfile.BadZipFile, zlib.error, OSError, EOFError, NotImplementedError):
                    yield refused(entry, "الملف تالف داخل الأرشيف.")
                budget = 0 if raw.exceeded else budget - raw.consumed


def parse_stream(
    name: str,
    stream: IO[bytes],
    *,
    limits: Limits,
    metadata: dict[str, Any] | None = None,
    format_name: str = "",
) -> Iterator[Parsed]:
    """Every item in one file, read from a binary stream; the name's suffix (or that of
    `format_name`) says the format. `metadata` (source, published_at, url) fills in what the
    file does not say.
    """
    metadata = metadata or {}
    suffix = _suffix(format_name or name)
    too_big = f"الملف أكبر من الحد المسموح ({format_size(limits.file_bytes)})."
    try:
        if suffix == ".gz":
            inner = (format_name or name)[: -len(".gz")]
            if not inner.lower().endswith(SINGLE_SUFFIXES + RECORD_SUFFIXES):
                raise RefusedError("يُقبل ملف ‎.gz‎ لملف واحد من الأنواع المدعومة، مثل ‎.jsonl.gz‎.")
            message = f"محتوى الملف بعد فكّه أكبر من {format_size(limits.archive_bytes)}."
            gunzipped = _CappedReader(
                io.BufferedReader(_Gunzip(stream)), limits.archive_bytes, message
            )
            yield from parse_stream(
                name,
                io.BufferedReader(gunzipped),
                limits=limits,
                metadata=metadata,
                format_name=inner,
            )
        elif suffix == ".zip":
            yield from _iter_zip(name, stream, limits, metadata)
        elif suffix in SINGLE_PARSERS:
            data = _read_capped(stream, limits.file_bytes, too_big)
            if not data.strip():
                raise RefusedError(EMPTY_FILE)
            yield SINGLE_PARSERS[suffix](name, data, **metadata)
        elif suffix == ".json":
            message = f"ملف JSON أكبر من {format_size(limits.archive_bytes)}؛ استعمل ‎.jsonl‎."
            data = _read_capped(stream, limits.archive_bytes, message)
            if not data.strip():
                raise RefusedError(EMPTY_FILE)
            yield from _iter_json(name, data, metadata)
        elif suffix in (".jsonl", ".ndjson", ".csv"):
            # Room for the longest article with every character escaped as \\uXXXX.
            max_line = settings.MAX_ARTICLE_CHARS * 6 + 64 * 1024
            if suffix == ".csv":
                yield from _iter_csv(name, iter_lines(stream, max_line_chars=max_line), metadata)
            else:
                lines = iter_lines(stream, max_line_chars=max_line, skip_overlong=True)
                yield from _iter_jsonl(name, lines, metadata)
        else:
            raise RefusedError(
                "نوع الملف غير مدعوم: يُقبل " + "، ".join(SUPPORTED_SUFFIXES) + " فقط."
            )
    except RefusedError as exc:
        yield refused(name, str(exc))


def parse_file(name: str, data: bytes, **metadata: Any) -> list[Parsed]:
    """Every item in one file given as bytes (see parse_stream)."""
    return list(
        parse_stream(name, io.BytesIO(data), limits=Limits.from_settings(), metadata=metadata)
    )


def iter_paths(
    paths: Iterable[Path], *, limits: Limits, metadata: dict[str, Any] | None = None
) -> Iterator[Parsed]:
    """Every item in files and folders (recursively, in name order; hidden files skipped)."""
    for path in paths:
        if path.is_dir():
            files = sorted(
                p
                for p in path.rglob("*")
                if p.is_file()
                and not any(part.startswith(".") for part in p.relative_to(path).parts)
            )
            labelled = [(f, f"{path.name}/{f.relative_to(path).as_posix()}") for f in files]
        else:
            labelled = [(path, path.name)]
        for file, label in labelled:
            try:
                stream = file.open("rb")
            except OSError as exc:
                yield refused(label, f"تعذّر فتح الملف: {exc.strerror}.")
                continue
            with stream:
                yield from parse_stream(label, stream, limits=limits, metadata=metadata)


def _line_too_long(line_no: int, limit: int) -> str:
    return ngettext(
        "السطر %(line)s أطول من حرف واحد.", "السطر %(line)s أطول من %(n)s حرف.", limit
    ) % {"line": line_no, "n": limit}


def cap_items(items: Iterable[Parsed], max_items: int) -> Iterator[Parsed]:
    """At most `max_items` items; one refusal line says the rest was not read."""
    iterator = iter(items)
    yield from itertools.islice(iterator, max_items)
    if next(iterator, None) is not None:
        yield refused(
            "(بقية الرفع)",
            ngettext(
                "توقّفت القراءة: الرفع الواحد يقبل عنصرًا واحدًا على الأكثر، ولم يُقرأ الباقي.",
                "توقّفت القراءة: الرفع الواحد يقبل %(n)s عناصر على الأكثر، ولم يُقرأ الباقي.",
                max_items,
            )
            % {"n": max_items},
        )
