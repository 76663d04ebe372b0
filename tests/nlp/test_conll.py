"""CoNLL evaluation: conlleval chunking, span → token mapping, counts on a hand-made file, and
the evaluate_ner command (no database)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from newsroom.nlp import Span
from newsroom.nlp.backends import BUILTIN
from newsroom.nlp.conll import (
    Counts,
    Mismatch,
    chunks,
    drop_first,
    evaluate,
    micro,
    read_conll,
    repeated_first_token,
    report,
    scores,
    sentence_text,
    split_holdout,
    starts_article,
    tags_from_spans,
)

SHARED_NER = Path(__file__).resolve().parents[3] / "shared" / "ner"
ANERCORP = SHARED_NER / "anercorp" / "train.txt"

# Four sentences, six gold entities; the comments say what the fake annotator predicts.
GOLD = """\
التقى O
جو B-PERS
بايدن I-PERS
في O
بغداد B-LOC

أعلنت O
شركة B-ORG
زيت I-ORG
الشمال I-ORG
أرباحها O

زار O
ماكرون B-PERS
والعراق B-LOC
اليوم O

قال O
سلام I-PERS
فياض I-PERS
"""
PREDICTED = {
    "جو بايدن": "PERS",  # correct
    "بغداد": "ORG",  # wrong type
    "زيت الشمال": "ORG",  # boundary error (gold: شركة زيت الشمال); ماكرون is missed
    "العراق": "LOC",  # inside the token والعراق: tags that token, correct
    "اليوم": "MISC",  # spurious
    "سلام فياض": "PERS",  # correct: gold I-PERS after O starts a chunk, as in conlleval
}


def fake_annotate(text: str) -> list[Span]:
    spans = []
    for name, kind in PREDICTED.items():
        start = text.find(name)
        if start >= 0:
            spans.append(Span(start, start + len(name), kind, name, name))
    return sorted(spans, key=lambda s: s.start)


@pytest.fixture
def gold_file(tmp_path):
    path = tmp_path / "gold.txt"
    path.write_text(GOLD, encoding="utf-8")
    return path


def test_chunks_follow_conlleval():
    tags = ["I-PERS", "I-PERS", "O", "B-LOC", "I-ORG", "I-ORG", "B-PERS", "B-PERS", "I-LOC"]
    assert chunks(tags) == [
        (0, 2, "PERS"),  # I- after the start of the sentence starts a chunk
        (3, 4, "LOC"),
        (4, 6, "ORG"),  # I- after another kind starts a chunk
        (6, 7, "PERS"),  # B- after B- of the same kind: two chunks
        (7, 8, "PERS"),
        (8, 9, "LOC"),  # a chunk that runs to the end
    ]
    assert chunks(["O", "X", "B-MISC", "X"]) == [(2, 3, "MISC")]
    assert chunks([]) == []


def test_read_conll_and_sentence_text(gold_file):
    sents = read_conll(gold_file)
    assert [len(s) for s in sents] == [5, 5, 4, 3]
    text, offs = sentence_text(sents[2])
    assert text == "زار ماكرون والعراق اليوم"
    assert [text[s:e] for s, e in offs] == ["زار", "ماكرون", "والعراق", "اليوم"]


def test_span_inside_a_clitic_token_tags_the_token():
    text, offs = sentence_text([("زار", "O"), ("والعراق", "B-LOC"), ("أمس", "O")])
    span = Span(5, 11, "LOC", "العراق", "عراق")
    assert text[span.start : span.end] == "العراق"
    assert tags_from_spans([span], offs) == ["O", "B-LOC", "O"]


def test_spans_over_several_tokens_and_shared_tokens():
    text, offs = sentence_text([(t, "O") for t in ["قال", "جو", "بايدن", "وماكرون"]])
    biden = Span(4, 12, "PERS", "جو بايدن", "")
    macron = Span(14, 20, "PERS", "ماكرون", "")
    assert tags_from_spans([biden, macron], offs) == ["O", "B-PERS", "I-PERS", "B-PERS"]
    # a span ending inside a token and the next starting in it: the token keeps the first
    a, b = Span(0, 5, "ORG", text[0:5], ""), Span(5, 12, "LOC", text[5:12], "")
    assert tags_from_spans([a, b], offs) == ["B-ORG", "I-ORG", "B-LOC", "O"]


def test_counts_on_a_hand_made_file(gold_file):
    mismatches: list[Mismatch] = []
    counts = evaluate(read_conll(gold_file), fake_annotate, mismatches=mismatches)
    assert (counts.sentences, counts.tokens) == (4, 17)
    assert counts.gold == {"PERS": 3, "LOC": 2, "ORG": 1}
    assert counts.predicted == {"PERS": 2, "ORG": 2, "LOC": 1, "MISC": 1}
    assert counts.correct == {"PERS": 2, "LOC": 1}

    by_kind = {s.kind: s for s in scores(counts)}
    assert list(by_kind) == ["LOC", "MISC", "ORG", "PERS", "micro"]
    assert (by_kind["PERS"].precision, by_kind["PERS"].recall) == (1.0, 2 / 3)
    assert by_kind["PERS"].f1 == pytest.approx(0.8)
    assert by_kind["LOC"].f1 == pytest.approx(2 / 3)
    assert by_kind["ORG"].f1 == by_kind["MISC"].f1 == 0.0
    total = by_kind["micro"]
    assert (total.correct, total.predicted, total.gold) == (3, 6, 6)
    assert total.f1 == 0.5

    core = micro(counts, ("LOC", "ORG", "PERS"))  # MISC's spurious chunk left out
    assert (core.correct, core.predicted, core.gold) == (3, 5, 6)
    lines = report(counts)
    assert lines[-1] == "micro-F1 50.00"
    assert lines[-2].startswith(f"micro-F1 LOC+ORG+PERS {100 * core.f1:.2f} ")
    assert any(line.split()[:4] == ["PERS", "100.00", "66.67", "80.00"] for line in lines)

    assert mismatches == [
        Mismatch(missed=[("بغداد", "LOC")], spurious=[("بغداد", "ORG")]),
        Mismatch(missed=[("شركة زيت الشمال", "ORG")], spurious=[("زيت الشمال", "ORG")]),
        Mismatch(missed=[("ماكرون", "PERS")], spurious=[("اليوم", "MISC")]),
    ]


def test_counts_reject_misaligned_tags():
    with pytest.raises(ValueError, match="2 gold tags but 1 predicted"):
        Counts().add(["O", "O"], ["O"])


def test_no_entities_scores_zero_not_an_error():
    counts = Counts()
    counts.add(["O"], ["O"])
    assert report(counts)[-1] == "micro-F1 0.00"


def test_evaluate_ner_command_with_the_builtin_backend(tmp_path):
    path = tmp_path / "s.txt"
    path.write_text("زار O\nوالعراق B-LOC\nأمس O\n\nوصل O\nإلى O\nطهران B-LOC\n", "utf-8")
    out, err = io.StringIO(), io.StringIO()
    call_command("evaluate_ner", str(path), "--backend", "builtin", stdout=out, stderr=err)
    lines = out.getvalue().strip().splitlines()
    assert lines[0] == f"s.txt: backend {BUILTIN.version}"
    assert lines[-1] == "micro-F1 100.00"


def test_evaluate_ner_command_refuses_a_missing_file(tmp_path):
    with pytest.raises(CommandError, match="no such file"):
        call_command("evaluate_ner", str(tmp_path / "nothing.txt"), stdout=io.StringIO())


# --- the development split: the held-out tail of ANERcorp -------------------------------------


def _numbered(n: int, datelines: tuple[int, ...] = ()) -> list[list[tuple[str, str]]]:
    """n sentences whose first token is their index; those in `datelines` open an article."""
    out = []
    for i in range(n):
        head = [("بغداد", "B-LOC"), ("ـ", "O"), ("وكالات", "O"), (":", "O")]
        out.append([(str(i), "O"), *(head if i in datelines else []), ("قال", "O")])
    return out


def test_holdout_is_the_tail_by_position_never_interleaved():
    sents = _numbered(100)
    train, held = split_holdout(sents)
    assert len(held) == 10 and train + held == sents
    assert [s[0][0] for s in held] == [str(i) for i in range(90, 100)]


def test_holdout_moves_forward_to_the_next_article_start():
    sents = _numbered(100, datelines=(40, 93))
    assert starts_article(sents[93]) and not starts_article(sents[92])
    train, held = split_holdout(sents)
    assert held[0][0][0] == "93" and len(held) == 7 and train + held == sents
    # no article start near the cut: the cut stays where it is (40 is far before it)
    train, held = split_holdout(_numbered(100, datelines=(40,)))
    assert len(held) == 10


@pytest.mark.skipif(not ANERCORP.is_file(), reason="needs shared/ner/anercorp/train.txt")
def test_anercorp_holdout_is_whole_articles_at_the_end_with_no_sentence_in_training():
    from newsroom.nlp.training.data import anercorp_split

    sents = read_conll(ANERCORP)
    train, held = split_holdout(sents)
    assert train + held == sents
    assert 0.09 * len(sents) < len(held) <= 0.1 * len(sents) + 1
    assert starts_article(held[0])  # it opens with an article's dateline
    seen = {tuple(tok for tok, _ in s) for s in train}
    assert not any(tuple(tok for tok, _ in s) in seen for s in held)
    # the tagger's training data is the same split
    tr, dv = anercorp_split(ANERCORP)
    assert [toks for toks, _ in dv] == [[tok for tok, _ in s] for s in held]
    assert len(tr) == len(train)


def test_evaluate_ner_holdout_scores_the_tail_of_the_first_file_only(tmp_path):
    sents = _numbered(20)
    sents[19] = [("زار", "O"), ("بغداد", "B-LOC")]  # the held-out tail: 18 and 19
    sents[5] = [("زار", "O"), ("طهران", "B-LOC")]  # in the training part: not scored
    first = tmp_path / "train.txt"
    first.write_text(
        "\n\n".join("\n".join(f"{t} {g}" for t, g in s) for s in sents) + "\n", "utf-8"
    )
    second = tmp_path / "dev.conll"
    second.write_text("وصل O\nإلى O\nطهران B-LOC\n", "utf-8")
    out = io.StringIO()
    call_command(
        "evaluate_ner",
        str(first),
        str(second),
        "--holdout",
        "--backend",
        "builtin",
        stdout=out,
        stderr=io.StringIO(),
    )
    blocks = out.getvalue().strip().split("\n\n")
    assert len(blocks) == 2
    assert blocks[0].splitlines()[0].startswith("train.txt (held-out tail: sentences 19-20)")
    assert blocks[0].splitlines()[1] == "2 sentences, 4 tokens"
    assert blocks[0].splitlines()[-1] == "micro-F1 100.00"
    assert blocks[1].splitlines()[1] == "1 sentences, 3 tokens"
    assert blocks[1].splitlines()[-1] == "micro-F1 100.00"


def test_context_annotates_neighbouring_sentences_but_scores_each_sentence_once(tmp_path):
    path = tmp_path / "three.txt"
    path.write_text("أ O\nزار O\nبغداد B-LOC\n\nب O\nبغداد B-LOC\n\nج O\nقال O\n", "utf-8")
    sents = read_conll(path)
    seen: list[str] = []

    def annotate(text: str) -> list[Span]:
        # marks every بغداد of the text it is given, whichever line it is on
        seen.append(text)
        out, at = [], text.find("بغداد")
        while at >= 0:
            out.append(Span(at, at + 5, "LOC", "بغداد", ""))
            at = text.find("بغداد", at + 1)
        return out

    counts = evaluate(sents, annotate, context=1)
    assert seen == ["أ زار بغداد\nب بغداد", "أ زار بغداد\nب بغداد\nج قال", "ب بغداد\nج قال"]
    # two gold places, two found: the neighbours' spans are not counted again
    assert (counts.gold["LOC"], counts.predicted["LOC"], counts.correct["LOC"]) == (2, 2, 2)
    alone = evaluate(sents, annotate)
    assert alone.predicted == counts.predicted


def test_a_token_opening_most_sentences_is_reported_and_can_be_dropped():
    sents = [
        [("فرانكفورت", "O"), ("قال", "O"), ("أحمد", "B-PERS")],
        [("فرانكفورت", "B-LOC"), ("أعلنت", "O"), ("الوزارة", "O")],
    ] * 6 + [[("وقال", "O"), ("زيد", "B-PERS")]]
    rep = repeated_first_token(sents)
    assert rep is not None and rep.token == "فرانكفورت" and rep.sentences == 12
    assert rep.tags == {"O": 6, "B-LOC": 6}
    dropped = drop_first(sents, rep.token)
    assert dropped[0] == [("قال", "O"), ("أحمد", "B-PERS")]
    assert dropped[-1] == sents[-1]
    # an I- tag left at the head opens the chunk
    assert drop_first([[("x", "B-ORG"), ("y", "I-ORG")]], "x") == [[("y", "B-ORG")]]


def test_an_ordinary_file_has_no_repeated_first_token():
    sents = [[(w, "O"), ("قال", "O")] for w in ("وقال", "وأعلن", "قال", "أكد")] * 5
    assert repeated_first_token(sents) is None  # «وقال» opens 5 of 20: not most
    assert repeated_first_token([[("وقال", "O"), ("x", "O")]] * 5) is None  # too few to tell


def test_evaluate_ner_notes_a_repeated_first_token_and_scores_without_it_on_request(tmp_path):
    path = tmp_path / "r.txt"
    sent = "فرانكفورت O\nوصل O\nإلى O\nطهران B-LOC\n"
    path.write_text("\n".join([sent] * 10), "utf-8")
    out = io.StringIO()
    call_command("evaluate_ner", str(path), "--context", "0", stdout=out, stderr=io.StringIO())
    lines = out.getvalue().strip().splitlines()
    assert lines[0].startswith("note: 10 of 10 sentences open with the same token 'فرانكفورت'")
    assert "gold tags there: O 10" in lines[0] and "scored as given" in lines[0]
    assert lines[-1] != "micro-F1 100.00"  # the city is marked where the gold says O
    out = io.StringIO()
    call_command(
        "evaluate_ner",
        str(path),
        "--context",
        "0",
        "--drop-repeated-first",
        stdout=out,
        stderr=io.StringIO(),
    )
    lines = out.getvalue().strip().splitlines()
    assert "scored without it" in lines[0] and lines[-1] == "micro-F1 100.00"
