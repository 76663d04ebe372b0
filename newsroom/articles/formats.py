"""Turn uploaded files into article drafts. Parsing only: storing is ingest_article's job."""

from __future__ import annotations

from newsroom.articles.ingest import ArticleDraft, RefusedError

SUPPORTED_SUFFIXES = (".txt",)


def decode(data: bytes) -> str:
    """Decode UTF-8 text (with or without a byte-order mark); refuse anything else."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise RefusedError(
            f"تعذّر قراءة الملف: ليس نصًا بترميز UTF-8 (بايت غير صالح عند الموضع {exc.start})."
        ) from None


def parse_txt(name: str, data: bytes, **metadata) -> ArticleDraft:
    """A .txt file: the first non-empty line is the title, the rest is the body."""
    text = decode(data).lstrip("\n\r \t")
    title, _, body = text.partition("\n")
    return ArticleDraft(title=title, body=body, label=name, **metadata)


def parse_file(name: str, data: bytes, **metadata) -> ArticleDraft:
    if not name.lower().endswith(SUPPORTED_SUFFIXES):
        raise RefusedError("نوع الملف غير مدعوم: يُقبل " + "، ".join(SUPPORTED_SUFFIXES) + " فقط.")
    return parse_txt(name, data, **metadata)
