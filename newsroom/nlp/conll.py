"""CoNLL NER data and entity-level scoring with conlleval's rules (pure Python, no Django).

Data (the format of shared/ner): one ``TOKEN TAG`` per line, a blank line between sentences,
BIO tags; clitics stay attached to their word (``والعراق`` is one token, tagged as a whole).

Evaluating an annotator: each sentence's tokens are joined with single spaces, the text is
annotated, and a token overlapped by a predicted span takes the span's kind (so a span
``العراق`` inside the token ``والعراق`` tags the token). Gold and predicted tags are then cut into
chunks as conlleval does, and a predicted chunk counts only with exact boundaries and kind.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

Sentence = list[tuple[str, str]]  # (token, tag) with BIO tags
Chunk = tuple[int, int, str]  # (first token, end token exclusive, kind)
OUTSIDE = frozenset({"O", "X"})  # X: neither entity nor O evidence (see neutralise)


class Located(Protocol):
    """Anything with character offsets and a kind, such as nlp.Span."""

    @property
    def start(self) -> int: ...
    @property
    def end(self) -> int: ...
    @property
    def kind(self) -> str: ...


# --- reading ----------------------------------------------------------------------------------


def read_conll(path: str | Path) -> list[Sentence]:
    """Sentences of a ``TOKEN TAG`` per line file; a line with a token only is tagged O."""
    sents: list[Sentence] = []
    cur: Sentence = []
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            parts = line.split()
            if not parts:
                if cur:
                    sents.append(cur)
                    cur = []
                continue
            cur.append((parts[0], parts[-1] if len(parts) >= 2 else "O"))
    if cur:
        sents.append(cur)
    return sents


HOLDOUT_FRACTION = 0.1
# How far past the cut split_holdout looks for the first sentence of an article.
ARTICLE_LOOKAHEAD = 10
_DATELINE_DASHES = frozenset({"ـ", "-", "–"})


def starts_article(sent: Sentence) -> bool:
    """Whether a sentence opens a news article with a dateline: a place or an agency, a dash,
    and a colon within its first 14 tokens (``الخرطوم ـ وكالات الأنباء : ...``)."""
    head = [tok for tok, _ in sent[:14]]
    if ":" not in head:
        return False
    return any(tok in _DATELINE_DASHES for tok in head[: head.index(":")])


def split_holdout(
    sents: list[Sentence], fraction: float = HOLDOUT_FRACTION
) -> tuple[list[Sentence], list[Sentence]]:
    """(train, held out): the held-out part is the last `fraction` of the sentences, moved
    forward to the first article start (a dateline, see starts_article) among the next
    ARTICLE_LOOKAHEAD sentences when there is one, so that no article is cut in two.

    ANERcorp is a sequence of whole articles, so its tail is whole articles that share no
    sentence with the part before it. This is the project's development split: the tagger is
    trained on the first part, picks its epoch on the tail and never sees the tail otherwise.
    (A split that interleaves sentences keeps the same articles, and their names, on both
    sides, and overstates F1 by about ten points.)
    """
    cut = len(sents) - round(len(sents) * fraction)
    for i in range(cut, min(cut + ARTICLE_LOOKAHEAD, len(sents))):
        if starts_article(sents[i]):
            cut = i
            break
    return sents[:cut], sents[cut:]


# A token that opens at least this share of a file's sentences is a copying defect, not text.
REPEATED_FIRST_SHARE = 0.5
REPEATED_FIRST_MIN = 10


@dataclass(frozen=True)
class RepeatedFirst:
    """A token that opens most sentences of a file, and the gold tags it has there."""

    token: str
    sentences: int
    tags: Counter


def repeated_first_token(sents: Sequence[Sentence]) -> RepeatedFirst | None:
    """The token that opens at least REPEATED_FIRST_SHARE of the sentences, if one does.

    No text repeats one word at the head of most of its sentences; a file that does was
    damaged when it was made (the ANERcorp test split as published opens most of its sentences
    with the corpus's first token), and its scores measure the damage as well as the
    recogniser."""
    firsts = Counter(sent[0][0] for sent in sents if len(sent) > 1)
    if not firsts:
        return None
    token, n = firsts.most_common(1)[0]
    if n < REPEATED_FIRST_MIN or n < REPEATED_FIRST_SHARE * len(sents):
        return None
    tags = Counter(sent[0][1] for sent in sents if len(sent) > 1 and sent[0][0] == token)
    return RepeatedFirst(token, n, tags)


def drop_first(sents: Sequence[Sentence], token: str) -> list[Sentence]:
    """The sentences without ``token`` where it opens them (and is not all of the sentence);
    an I- tag left at the new head becomes B-."""
    out = []
    for sent in sents:
        if len(sent) > 1 and sent[0][0] == token:
            sent = list(sent[1:])
            tok, tag = sent[0]
            if tag.startswith("I-"):
                sent[0] = (tok, "B-" + tag[2:])
        out.append(sent)
    return out


def neutralise(sent: Sentence, kinds: frozenset[str]) -> Sentence:
    """Tags of the given kinds replaced by X: neither entity nor O evidence (WikiFANE's MISC
    mixes nationalities with products, and ANERcorp disagrees with it on both)."""
    return [(tok, "X" if tag not in OUTSIDE and tag[2:] in kinds else tag) for tok, tag in sent]


# --- chunks -----------------------------------------------------------------------------------


def _parse(tag: str) -> tuple[str, str | None]:
    """(prefix, kind) of a tag; anything but B-x / I-x is outside."""
    if tag in OUTSIDE or len(tag) < 3 or tag[1] != "-" or tag[0] not in "BI":
        return "O", None
    return tag[0], tag[2:]


def chunks(tags: Sequence[str]) -> list[Chunk]:
    """Chunks of a BIO sequence, as conlleval cuts them.

    A chunk starts at every B-, and at an I- after O or after a tag of another kind; it ends
    before O, before any B-, and before a tag of another kind.
    """
    out: list[Chunk] = []
    start, kind = -1, ""
    for i, tag in enumerate(tags):
        prefix, k = _parse(tag)
        if start >= 0 and (prefix != "I" or k != kind):
            out.append((start, i, kind))
            start = -1
        if k is not None and start < 0:
            start, kind = i, k
    if start >= 0:
        out.append((start, len(tags), kind))
    return out


# --- spans → tokens ---------------------------------------------------------------------------


def sentence_text(sent: Sentence) -> tuple[str, list[tuple[int, int]]]:
    """The sentence's tokens joined by single spaces, and each token's character span."""
    offs = []
    pos = 0
    for tok, _ in sent:
        offs.append((pos, pos + len(tok)))
        pos += len(tok) + 1
    return " ".join(tok for tok, _ in sent), offs


def tokens_covered(span: Located, offs: Sequence[tuple[int, int]]) -> list[int]:
    """Indexes of the tokens that the span overlaps by at least one character."""
    return [i for i, (s, e) in enumerate(offs) if s < span.end and span.start < e]


def tags_from_spans(spans: Iterable[Located], offs: Sequence[tuple[int, int]]) -> list[str]:
    """BIO tags of the tokens: a token overlapped by a span takes its kind.

    A token overlapped by two spans keeps the first; the second span's chunk then starts at
    the next token it overlaps.
    """
    tags = ["O"] * len(offs)
    for span in spans:
        first = True
        for i in tokens_covered(span, offs):
            if tags[i] == "O":
                tags[i] = ("B-" if first else "I-") + span.kind
                first = False
    return tags


# --- scoring ----------------------------------------------------------------------------------


@dataclass
class Counts:
    """Per-kind chunk counts: correct (exact boundaries and kind), predicted, gold."""

    correct: Counter[str] = field(default_factory=Counter)
    predicted: Counter[str] = field(default_factory=Counter)
    gold: Counter[str] = field(default_factory=Counter)
    sentences: int = 0
    tokens: int = 0

    def add(self, gold_tags: Sequence[str], predicted_tags: Sequence[str]) -> None:
        """Count one sentence."""
        if len(gold_tags) != len(predicted_tags):
            raise ValueError(f"{len(gold_tags)} gold tags but {len(predicted_tags)} predicted")
        gold = set(chunks(gold_tags))
        pred = set(chunks(predicted_tags))
        self.gold.update(k for _, _, k in gold)
        self.predicted.update(k for _, _, k in pred)
        self.correct.update(k for _, _, k in gold & pred)
        self.sentences += 1
        self.tokens += len(gold_tags)


@dataclass(frozen=True)
class Score:
    kind: str  # an entity kind, or "micro" for all kinds together
    precision: float  # fractions in [0, 1]
    recall: float
    f1: float
    correct: int
    predicted: int
    gold: int


def prf(correct: int, predicted: int, gold: int) -> tuple[float, float, float]:
    """Precision, recall and F1 (0 where undefined, as conlleval prints them)."""
    p = correct / predicted if predicted else 0.0
    r = correct / gold if gold else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def scores(counts: Counts) -> list[Score]:
    """One score per kind seen in gold or predictions (sorted), then the micro average."""
    out = []
    for kind in sorted(set(counts.gold) | set(counts.predicted)):
        c, p, g = counts.correct[kind], counts.predicted[kind], counts.gold[kind]
        out.append(Score(kind, *prf(c, p, g), c, p, g))
    c, p, g = (sum(x.values()) for x in (counts.correct, counts.predicted, counts.gold))
    out.append(Score("micro", *prf(c, p, g), c, p, g))
    return out


CORE_KINDS = ("LOC", "ORG", "PERS")  # people, organisations and places: MISC left out


def micro(counts: Counts, kinds: Iterable[str]) -> Score:
    """Micro average over the given kinds only (a kind absent from both sides counts 0)."""
    ks = list(kinds)
    c, p, g = (sum(x[k] for k in ks) for x in (counts.correct, counts.predicted, counts.gold))
    return Score("+".join(ks), *prf(c, p, g), c, p, g)


def report(counts: Counts) -> list[str]:
    """Printable lines: a table per kind, the micro average over people, organisations and
    places, then ``micro-F1 NN.NN`` (all kinds) as the last line."""
    lines = [
        f"{counts.sentences} sentences, {counts.tokens} tokens",
        f"{'kind':<6}{'precision':>10}{'recall':>8}{'F1':>8}{'gold':>7}{'pred':>7}{'correct':>8}",
    ]
    rows = scores(counts)
    for s in rows:
        lines.append(
            f"{s.kind:<6}{100 * s.precision:>10.2f}{100 * s.recall:>8.2f}{100 * s.f1:>8.2f}"
            f"{s.gold:>7}{s.predicted:>7}{s.correct:>8}"
        )
    core = micro(counts, CORE_KINDS)
    lines.append(
        f"micro-F1 {core.kind} {100 * core.f1:.2f} (precision {100 * core.precision:.2f}, "
        f"recall {100 * core.recall:.2f})"
    )
    lines.append(f"micro-F1 {100 * rows[-1].f1:.2f}")
    return lines


@dataclass(frozen=True)
class Mismatch:
    """A sentence whose predicted chunks differ from gold: (words, kind) of each side."""

    missed: list[tuple[str, str]]
    spurious: list[tuple[str, str]]


def evaluate(
    sents: Sequence[Sentence],
    annotate: Callable[[str], Iterable[Located]],
    *,
    context: int = 0,
    mismatches: list[Mismatch] | None = None,
    progress: Callable[[int], None] | None = None,
) -> Counts:
    """Annotate each sentence and count its chunks against gold.

    With `context` > 0 a sentence is annotated as part of a text: the `context` sentences
    before and after it, one per line, as an article's neighbouring sentences are (a CoNLL
    file keeps no article boundaries). Only the spans on its own line are scored, so every
    sentence is scored once.

    Sentences whose chunks differ are appended to `mismatches` when a list is given;
    `progress` is called with the number of sentences done after each one.
    """
    counts = Counts()
    texts = [sentence_text(sent) for sent in sents]
    for n, sent in enumerate(sents, 1):
        text, offs = texts[n - 1]
        if context > 0:
            before = [t for t, _ in texts[max(0, n - 1 - context) : n - 1]]
            after = [t for t, _ in texts[n : n + context]]
            shift = sum(len(t) + 1 for t in before)
            text = "\n".join([*before, text, *after])
            offs = [(s + shift, e + shift) for s, e in offs]
        gold_tags = [tag for _, tag in sent]
        pred_tags = tags_from_spans(annotate(text), offs)
        counts.add(gold_tags, pred_tags)
        if mismatches is not None:
            gold, pred = set(chunks(gold_tags)), set(chunks(pred_tags))
            if gold != pred:
                toks = [t for t, _ in sent]

                def words(cs: set[Chunk], toks: list[str] = toks) -> list[tuple[str, str]]:
                    return [(" ".join(toks[s:e]), k) for s, e, k in sorted(cs)]

                mismatches.append(Mismatch(words(gold - pred), words(pred - gold)))
        if progress is not None:
            progress(n)
    return counts
