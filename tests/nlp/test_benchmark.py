"""The NER benchmark's pieces on small data (the full run is a manual command, not a test)."""

from __future__ import annotations

import gzip
import io
import json

import pytest
from django.core.management import CommandError, call_command

from newsroom.nlp import benchmark as bench


def test_read_articles_takes_titles_and_bodies_of_the_first_n(tmp_path):
    path = tmp_path / "c.jsonl.gz"
    items = [{"title": f"عنوان {i}", "body": f"نص {i}."} for i in range(5)]
    with gzip.open(path, "wt", encoding="utf-8") as fh:
        fh.writelines(json.dumps(item, ensure_ascii=False) + "\n" for item in items)
    assert bench.read_articles(path, 2) == ["عنوان 0", "نص 0.", "عنوان 1", "نص 1."]


def test_stand_in_wordpieces_and_packing():
    assert [bench.stand_in_pieces(w, 4) for w in ["،", "بغداد", "والعراقيين"]] == [1, 2, 3]
    text = " ".join(["بغداد"] * 300)  # 600 pieces: one full sequence and the rest
    seqs = bench.pack([text, "قال"], chars_per_piece=4)
    assert [(s.words, s.pieces) for s in seqs] == [(255, 512), (45, 92), (1, 3)]
    assert sum(s.words for s in seqs) == len(bench.word_tokens(text)) + 1


def test_evenly_spaced_sample():
    seqs = [bench.Packed(i, 10) for i in range(10)]
    assert [s.words for s in bench.evenly_spaced(seqs, 2)] == [2, 7]
    assert bench.evenly_spaced(seqs, 20) == seqs


def test_bert_runner_on_a_tiny_config():
    tiny = {"num_hidden_layers": 1, "hidden_size": 16, "num_attention_heads": 2}
    model = bench.bert_base(**tiny, intermediate_size=32, vocab_size=100)
    assert not model.training and model.config.num_labels == bench.NUM_LABELS
    times = bench.time_runs(bench.bert_runner(model, [bench.Packed(3, 512)]), 2)
    assert len(times) == 2 and bench.median_rate(3, times) > 0


def test_command_refuses_a_missing_corpus(tmp_path):
    with pytest.raises(CommandError, match="no corpus at"):
        call_command(
            "benchmark_ner", "--corpus", str(tmp_path / "none.jsonl.gz"), stdout=io.StringIO()
        )
