"""The interface's translation catalogues: compiled with Babel, so no GNU gettext is needed.

The Arabic source strings are the msgids, so a singular message needs no entry; the catalogue
holds the counted messages, whose six Arabic forms (zero, one, two, few 3-10, many 11-99,
other 100+) the source strings cannot express, and the English strings of other packages
shown in the Arabic admin. ``python -m newsroom.catalogue`` (``make install`` runs it)
writes each ``locale/<language>/LC_MESSAGES/django.mo`` from its ``.po``.
"""

from __future__ import annotations

import io
import sys
from collections.abc import Iterator
from pathlib import Path

from babel.messages import mofile, pofile
from babel.messages.catalog import Catalog

ROOT = Path(__file__).resolve().parent.parent
LOCALE_DIR = ROOT / "locale"
# The plural rule the catalogue must declare: CLDR's Arabic categories in gettext's notation.
ARABIC_PLURAL_FORMS = (
    "nplurals=6; plural=n==0 ? 0 : n==1 ? 1 : n==2 ? 2 : "
    "n%100>=3 && n%100<=10 ? 3 : n%100>=11 ? 4 : 5;"
)


def read_catalogue(po_path: Path) -> Catalog:
    with po_path.open("rb") as handle:
        return pofile.read_po(handle, abort_invalid=True)


def compiled(po_path: Path) -> bytes:
    """The .mo file for ``po_path``, as bytes."""
    out = io.BytesIO()
    mofile.write_mo(out, read_catalogue(po_path), use_fuzzy=False)
    return out.getvalue()


def catalogues(locale_dir: Path = LOCALE_DIR) -> Iterator[Path]:
    yield from sorted(locale_dir.glob("*/LC_MESSAGES/*.po"))


def compile_catalogues(locale_dir: Path = LOCALE_DIR) -> list[Path]:
    """Write every catalogue's .mo beside its .po where it is missing or stale; the paths
    written."""
    written = []
    for po_path in catalogues(locale_dir):
        mo_path = po_path.with_suffix(".mo")
        data = compiled(po_path)
        if not mo_path.exists() or mo_path.read_bytes() != data:
            mo_path.write_bytes(data)
            written.append(mo_path)
    return written


def counted_messages(root: Path = ROOT) -> dict[tuple[str, str], str]:
    """Every counted message of the source, (singular, plural) -> where it is first used: the
    ``ngettext`` calls of the Python code and the ``blocktranslate count`` blocks of the
    templates (read through Django's ``templatize``, as ``makemessages`` does)."""
    from babel.messages.extract import extract_python
    from django.utils.translation.template import templatize

    keywords = {"ngettext": (1, 2), "ngettext_lazy": (1, 2)}
    found: dict[tuple[str, str], str] = {}
    python = sorted((root / "newsroom").rglob("*.py"))
    sources = [(path, path.read_text(encoding="utf-8")) for path in python]
    for path in sorted((root / "templates").rglob("*.html")):
        code = templatize(path.read_text(encoding="utf-8"), origin=str(path))
        # Its padding is not indented as Python would be; the calls are one line each.
        sources.append((path, "\n".join(line.lstrip() for line in code.splitlines())))
    for path, code in sources:
        if "ngettext" not in code:
            continue
        for line, func, message, _ in extract_python(io.BytesIO(code.encode()), keywords, [], {}):
            if func in keywords and isinstance(message, tuple) and all(message[:2]):
                where = f"{path.relative_to(root)}:{line}"
                found.setdefault((message[0], message[1]), where)
    return found


def main() -> int:
    written = compile_catalogues()
    for path in written:
        print(f"compiled {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
