"""Backend selection (NER_BACKEND), the start-up check, and the camel backend on a tiny randomly
initialised BERT saved here — all offline: sockets are blocked where the camel path runs."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from django.apps import apps
from django.core.exceptions import ImproperlyConfigured

from newsroom import nlp
from newsroom.nlp import backends
from newsroom.nlp.camel_backend import CamelBackend, spans_from_labels
from newsroom.nlp.text import tokenize

ROOT = Path(__file__).resolve().parents[2]
LABELS = ["B-LOC", "B-ORG", "B-PERS", "B-MISC", "I-LOC", "I-ORG", "I-PERS", "I-MISC", "O"]
TEXT = "زار وفدٌ من والعراق طهران أمس، والتقى الرئيس.\nوقال «مصدر» إن الزيارة ناجحة!"


@pytest.fixture(autouse=True)
def fresh_selection(monkeypatch):
    """Each test chooses its own backend; the app's choice is restored afterwards."""
    monkeypatch.delenv("NER_BACKEND", raising=False)
    backends.reset()
    yield
    backends.reset()


@pytest.fixture
def no_network(monkeypatch):
    """Any attempt to open a connection fails the test."""

    def refuse(*args, **kwargs):
        raise AssertionError("network access attempted")

    class NoSocket(socket.socket):
        def __init__(self, *args, **kwargs):
            refuse()

    monkeypatch.setattr(socket, "socket", NoSocket)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)


def save_tiny_model(root: Path, favour: str | None = None) -> Path:
    """A one-layer BERT token classifier with camel-tools' labels, saved as ner-arabert is laid
    out under $CAMELTOOLS_DATA; with `favour`, every token gets that label."""
    import torch
    from transformers import BertConfig, BertForTokenClassification

    path = root / "data" / "ner" / "arabert"
    path.mkdir(parents=True)
    letters = "ءآأؤإئابةتثجحخدذرزسشصضطظعغفقكلمنهوىي"
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", *letters, *(f"##{c}" for c in letters)]
    (path / "vocab.txt").write_text("\n".join([*vocab, ".", "،", "!"]) + "\n", encoding="utf-8")
    torch.manual_seed(0)
    config = BertConfig(
        vocab_size=len(vocab) + 3,
        hidden_size=16,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=32,
        max_position_embeddings=256,  # camel-tools pads every sentence to 256
        num_labels=len(LABELS),
        id2label=dict(enumerate(LABELS)),
        label2id={label: i for i, label in enumerate(LABELS)},
    )
    model = BertForTokenClassification(config)
    if favour is not None:
        with torch.no_grad():
            model.classifier.weight.zero_()
            model.classifier.bias.zero_()
            model.classifier.bias[LABELS.index(favour)] = 5.0
    model.save_pretrained(path)
    component = {"default": "arabert", "datasets": {"arabert": {"path": "ner/arabert"}}}
    catalogue = {
        "version": "1.6",
        "packages": {},
        "components": {"NamedEntityRecognition": component},
    }
    (root / "catalogue.json").write_text(json.dumps(catalogue), encoding="utf-8")
    return path


def use_camel(monkeypatch, root: Path) -> None:
    monkeypatch.setenv("NER_BACKEND", "camel")
    monkeypatch.setenv("CAMELTOOLS_DATA", str(root))
    backends.reset()


def check_spans(text: str, spans: list[nlp.Span]) -> None:
    assert spans == sorted(spans, key=lambda s: s.start)
    for a, b in zip(spans, spans[1:], strict=False):
        assert a.end <= b.start
    bounds = nlp.sentence_bounds(text)
    for s in spans:
        assert 0 <= s.start < s.end <= len(text)
        assert text[s.start : s.end] == s.text
        assert s.kind in {"PERS", "ORG", "LOC", "MISC"}
        assert s.norm and s.norm == s.norm.strip()
        assert any(bs <= s.start and s.end <= be for bs, be in bounds)


# --- selection --------------------------------------------------------------------------------


def test_builtin_is_the_default():
    assert backends.configured_name() == "builtin"
    assert nlp.check_backend() is backends.BUILTIN
    assert backends.BUILTIN.version == nlp.ANNOTATOR_VERSION
    [span] = nlp.annotate("زار والعراق")
    assert (span.text, span.kind) == ("العراق", "LOC")


def test_the_choice_is_made_once(monkeypatch):
    monkeypatch.setenv("NER_BACKEND", "builtin")
    assert nlp.check_backend() is backends.BUILTIN
    monkeypatch.setenv("NER_BACKEND", "camel")  # too late: already chosen
    assert nlp.check_backend() is backends.BUILTIN
    assert backends.BUILTIN.version == nlp.ANNOTATOR_VERSION


def test_unknown_backend_is_refused(monkeypatch):
    monkeypatch.setenv("NER_BACKEND", "spacy")
    with pytest.raises(nlp.BackendUnavailable, match="builtin, camel"):
        nlp.annotate("نص")


def test_a_new_core_is_one_line():
    class Found:
        def __init__(self, start, end, kind):
            self.start, self.end, self.kind = start, end, kind

    core = backends.CoreBackend("builtin", "tagger-1", lambda text: [Found(4, 10, "LOC")])
    [span] = core.annotate("زار العراق أمس")
    assert (span.text, span.norm, core.version) == ("العراق", "عراق", "tagger-1")


# --- camel: missing model ----------------------------------------------------------------------


def test_camel_without_model_fails_clearly_and_offline(monkeypatch, tmp_path, no_network):
    use_camel(monkeypatch, tmp_path)
    imported_before = "camel_tools.ner" in sys.modules
    with pytest.raises(nlp.BackendUnavailable) as exc:
        nlp.annotate("زار بغداد")
    message = str(exc.value)
    assert "camel_data -i ner-arabert" in message and "CAMELTOOLS_DATA" in message
    assert str(tmp_path / "data" / "ner" / "arabert") in message
    with pytest.raises(nlp.BackendUnavailable):
        _ = nlp.ANNOTATOR_VERSION
    assert ("camel_tools.ner" in sys.modules) == imported_before  # never imported for this


def test_camel_without_catalogue_is_refused_before_camel_tools_could_download_it(
    monkeypatch, tmp_path, no_network
):
    save_tiny_model(tmp_path)
    (tmp_path / "catalogue.json").unlink()
    use_camel(monkeypatch, tmp_path)
    with pytest.raises(nlp.BackendUnavailable, match="catalogue.json"):
        nlp.check_backend()


def test_startup_check_raises_improperly_configured(monkeypatch, tmp_path, no_network):
    use_camel(monkeypatch, tmp_path)
    with pytest.raises(ImproperlyConfigured, match="run `camel_data -i ner-arabert` \\(needs net"):
        apps.get_app_config("articles").ready()


def test_django_start_up_fails_without_model_and_without_network(tmp_path):
    code = (
        "import socket, sys\n"
        "class NoSocket(socket.socket):\n"
        "    def __init__(self, *a, **k):\n"
        "        raise SystemExit('network access attempted')\n"
        "socket.socket = NoSocket\n"
        "import django\n"
        "try:\n"
        "    django.setup()\n"
        "except Exception as exc:\n"
        "    print(type(exc).__name__, exc)\n"
        "    print('camel_tools.ner imported:', 'camel_tools.ner' in sys.modules)\n"
        "    sys.exit(3)\n"
    )
    env = {
        **os.environ,
        "NER_BACKEND": "camel",
        "CAMELTOOLS_DATA": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "newsroom.settings",
        # settings only parse it: nothing connects during start-up
        "DATABASE_URL": "postgres://nobody@127.0.0.1:9/none",
    }
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 3, done.stdout + done.stderr
    assert "ImproperlyConfigured" in done.stdout
    assert "camel_data -i ner-arabert" in done.stdout and "CAMELTOOLS_DATA" in done.stdout
    assert "camel_tools.ner imported: False" in done.stdout


# --- camel: tiny model -------------------------------------------------------------------------


def test_camel_backend_with_a_tiny_random_model(monkeypatch, tmp_path, no_network):
    save_tiny_model(tmp_path)
    use_camel(monkeypatch, tmp_path)
    backend = nlp.check_backend()
    assert isinstance(backend, CamelBackend)
    assert nlp.ANNOTATOR_VERSION.startswith("camel-arabert-")
    text = TEXT * 3 + " " + " ".join(["كلمة"] * 300)  # a sentence longer than 256 wordpieces
    spans = nlp.annotate(text)
    assert spans, "a random model labels some tokens as entities"
    check_spans(text, spans)
    assert nlp.annotate(text) == spans
    assert nlp.annotate("") == []


def test_camel_backend_offsets_and_proclitics(monkeypatch, tmp_path, no_network):
    save_tiny_model(tmp_path, favour="B-LOC")  # every token its own LOC chunk
    use_camel(monkeypatch, tmp_path)
    text = "زار والعراق\u200f ولبنان، للعراق."
    spans = nlp.annotate(text)
    check_spans(text, spans)
    assert [(s.text, s.norm) for s in spans] == [
        ("زار", "زار"),
        ("العراق", "عراق"),  # the proclitic before ال stays out; the bidi mark too
        ("لبنان", "لبنان"),  # no article, but a known place: the و comes off too
        ("لعراق", "عراق"),  # ل + ال written لل, as the built-in backend does
    ]  # punctuation labelled as an entity names nothing and is dropped


def test_spans_from_labels_joins_chunks_as_conlleval_does():
    text = "قال وزير خارجية فرنسا جان إيف لودريان في باريس"
    toks = tokenize(text)
    labels = ["O", "O", "O", "B-LOC", "I-PERS", "I-PERS", "I-PERS", "O", "B-PER"]
    spans = spans_from_labels(text, toks, labels)
    assert [(s.text, s.kind) for s in spans] == [
        ("فرنسا", "LOC"),
        ("جان إيف لودريان", "PERS"),  # I- after another kind starts a chunk
        ("باريس", "PERS"),  # PER is read as PERS
    ]
    with pytest.raises(ValueError, match="9 tokens but 1 labels"):
        spans_from_labels(text, toks, ["O"])
