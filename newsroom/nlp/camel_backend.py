"""CAMeL Tools' BERT recogniser behind ``nlp.annotate`` (``NER_BACKEND=camel``).

The model is CAMeL Tools' ``ner-arabert`` data package (AraBERT fine-tuned on ANERcorp), which
``camel_data -i ner-arabert`` installs under ``$CAMELTOOLS_DATA`` (default ``~/.camel_tools``):
``catalogue.json`` at the top, the model in ``data/ner/arabert`` (or wherever the catalogue's
``NamedEntityRecognition`` component points): ``config.json`` with the labels, the weights
(``pytorch_model.bin`` or ``model.safetensors``) and ``vocab.txt``.

Nothing here touches the network. The model files are checked before ``camel_tools.ner`` is
imported, because that import loads the catalogue and downloads it when it is missing; the model
is loaded from its directory on the first ``annotate`` call.

Offsets: the text is cut into sentences and tokens by the project's own tokenizer (the same
split as camel-tools' simple_word_tokenize, with offsets); the model labels those tokens, and a
chunk of labels becomes the span from its first token to its last. Difference from the built-in
backend: a proclitic is kept out of a span only where the article ال follows it (والعراق →
العراق, للعراق → لعراق); other clitic-looking letters may be part of a name (وليد، بغداد, لندن),
and without a name list there is no telling, so ولبنان stays whole.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from .backends import ENTITY_KINDS, BackendUnavailable, Span
from .cleanup import clean_spans
from .conll import chunks
from .text import (
    ARTICLE,
    INVISIBLE_CHARS,
    Token,
    clitic_analyses,
    entity_key,
    sentence_bounds,
    source_offset,
    tokenize,
)

INSTALL_HINT = (
    "run `camel_data -i ner-arabert` (needs network) or set CAMELTOOLS_DATA to a directory "
    "that holds catalogue.json and the model"
)
COMPONENT = "NamedEntityRecognition"
DEFAULT_DATASET = "arabert"
DEFAULT_PATH = "ner/arabert"  # relative to $CAMELTOOLS_DATA/data, as camel-tools' catalogue says
REQUIRED_FILES = ("config.json", "vocab.txt")
WEIGHT_FILES = ("model.safetensors", "pytorch_model.bin")
_KIND_ALIASES = {"PER": "PERS", "PERSON": "PERS", "LOCATION": "LOC", "ORGANIZATION": "ORG"}


def data_dir() -> Path:
    """camel-tools' data directory: $CAMELTOOLS_DATA, else ~/.camel_tools."""
    value = os.environ.get("CAMELTOOLS_DATA")
    if value:
        return Path(value).expanduser().absolute()
    return Path.home() / ".camel_tools"


def model_location(root: Path) -> tuple[str, Path]:
    """(dataset name, model directory) as root/catalogue.json names them, else the default."""
    dataset, rel = DEFAULT_DATASET, DEFAULT_PATH
    catalogue = root / "catalogue.json"
    if catalogue.is_file():
        try:
            component = json.loads(catalogue.read_text(encoding="utf-8"))["components"][COMPONENT]
            dataset = component["default"]
            rel = component["datasets"][dataset]["path"]
        except (KeyError, TypeError, ValueError):
            dataset, rel = DEFAULT_DATASET, DEFAULT_PATH
    return dataset, root / "data" / rel


def check_model(root: Path | None = None) -> tuple[str, Path]:
    """(dataset name, model directory); raises BackendUnavailable naming the install command."""
    root = data_dir() if root is None else root
    dataset, path = model_location(root)
    missing = [name for name in REQUIRED_FILES if not (path / name).is_file()]
    if not any((path / name).is_file() for name in WEIGHT_FILES):
        missing.append(" or ".join(WEIGHT_FILES))
    if not (root / "catalogue.json").is_file():
        missing.append(f"{root / 'catalogue.json'} (camel-tools would download it)")
    if missing:
        where = "no model directory" if not path.is_dir() else "missing " + ", ".join(missing)
        raise BackendUnavailable(
            f"NER_BACKEND=camel needs CAMeL Tools' ner-arabert model at {path} ({where}): "
            + INSTALL_HINT
        )
    return dataset, path


def fingerprint(path: Path) -> str:
    """Short hash of the model's configuration, vocabulary and weight file sizes."""
    h = hashlib.sha256()
    for name in REQUIRED_FILES:
        h.update((path / name).read_bytes())
    for name in WEIGHT_FILES:
        if (path / name).is_file():
            h.update(f"{name}:{(path / name).stat().st_size}".encode())
    return h.hexdigest()[:10]


class CamelBackend:
    """camel_tools.ner.NERecognizer over the project's sentences and tokens."""

    name = "camel"

    def __init__(self, model_path: Path, version: str) -> None:
        self.model_path = model_path
        self.version = version
        self._recognizer: Any = None
        self._lock = threading.Lock()

    @classmethod
    def from_environment(cls) -> CamelBackend:
        """The backend for the model under $CAMELTOOLS_DATA (checked now, loaded later)."""
        dataset, path = check_model()
        return cls(path, f"camel-{dataset}-{fingerprint(path)}")

    def recognizer(self) -> Any:
        """The NERecognizer, loaded on first use."""
        if self._recognizer is None:
            with self._lock:
                if self._recognizer is None:
                    self._recognizer = self._load()
        return self._recognizer

    def _load(self) -> Any:
        check_model()  # the files may have gone since start-up; never let camel-tools download
        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()
        from camel_tools.ner import NERecognizer

        return NERecognizer(str(self.model_path), use_gpu=True)  # CPU when there is no GPU

    def annotate(self, text: str) -> list[Span]:
        rec = self.recognizer()
        wordpieces = rec.tokenizer.tokenize
        sents: list[list[Token]] = []
        for s, e in sentence_bounds(text):
            # camel-tools drops words that its tokenizer turns into no wordpiece, which would
            # shift its labels against our tokens: leave those words out here
            toks = [t for t in tokenize(text, s, e) if wordpieces(t.text)]
            if toks:
                sents.append(toks)
        if not sents:
            return []
        labels = rec.predict([[t.text for t in toks] for toks in sents])
        spans: list[Span] = []
        for toks, labs in zip(sents, labels, strict=True):
            spans.extend(spans_from_labels(text, toks, labs))
        return clean_spans(text, spans)

    def __repr__(self) -> str:
        return f"<camel backend {self.version} at {self.model_path}>"


def spans_from_labels(text: str, toks: Sequence[Token], labels: Sequence[str]) -> list[Span]:
    """Spans of one sentence from BIO labels of its tokens (chunks cut as conlleval does)."""
    if len(toks) != len(labels):
        raise ValueError(f"{len(toks)} tokens but {len(labels)} labels")
    spans = []
    for i, j, label_kind in chunks(labels):
        kind = _KIND_ALIASES.get(label_kind, label_kind)
        if kind not in ENTITY_KINDS:
            continue
        first, last = toks[i], toks[j - 1]
        strip, form = _without_proclitic(first)
        start = first.start + source_offset(first.text, strip)
        end = last.end - (len(last.text) - len(last.text.rstrip(INVISIBLE_CHARS)))
        if start >= end:
            continue
        key = entity_key(" ".join([form, *(t.norm for t in toks[i + 1 : j])]))
        if key:  # a chunk of punctuation alone names nothing
            spans.append(Span(start, end, kind, text[start:end], key))
    return spans


def _without_proclitic(tok: Token) -> tuple[int, str]:
    """(normalised characters to strip, normalised form): a proclitic goes only before ال."""
    for form, strip in clitic_analyses(tok.norm):
        if strip and form.startswith(ARTICLE) and len(form) >= 4:
            return strip, form
    return 0, tok.norm
