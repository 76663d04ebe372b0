"""Build data/gazetteer.tsv.gz from the NER corpora and name lists.

    python -m newsroom.nlp.build_gazetteer \\
        --anercorp /work/shared/ner/anercorp/train.txt \\
        --wikifane /work/shared/ner/wikifane/WikiFANE_Gold_2014_500K.coarse4.conll \\
        --anergazet /work/shared/ner/gazetteers/anergazet \\
        --anetac /work/shared/ner/gazetteers/anetac/anetac_ar_by_class.tsv \\
        --out newsroom/nlp/data/gazetteer.tsv.gz

Sources, merged (a name's kind comes from the first source that has it, in this order):

1. data/core_names.tsv (hand-written; also read at run time, where it wins);
2. Arabic country / region names from CLDR (Babel) and pycountry's iso3166 translations;
3. names tagged in ANERcorp (train part, the last --holdout of it is left out for evaluation)
   and WikiFANE (its MISC, mostly nationalities, is left out), kind by majority;
4. ANERGazet lists, and ANETAC's PERSON list (its LOCATION / ORGANIZATION lists cost more
   precision than they bring recall on held-out ANERcorp; --anetac-kinds brings them back).

Filtering, for precision: proclitics are taken off the first word of corpus names when the rest
is itself a known name; one-word names need at least --min-count corpus occurrences, 3 letters
(4 for ANETAC) and must not be a nationality adjective of a known place (عراقي، الإيرانية); then
the recogniser runs over the training sentences and every non-core name (and given name) that
matched more often over O tokens than over entity tokens is dropped.

Besides names, the artefact lists given names (FIRST), words seen inside person names (NAMETOK)
and ordinary words (COMMON, mostly O in the corpora) for the person rule.
"""

from __future__ import annotations

import argparse
import gettext
import gzip
import re
import sys
from collections import Counter, defaultdict
from pathlib import Path

from .corpus import (
    Sentence,
    neutralise,
    read_conll,
    sentence_text,
    spans_of,
    split_holdout,
    tokens_covered,
)
from .gazetteer import CORE_PATH, ENTITY_KINDS, Gazetteer, read_core
from .recognizer import PARTICLES, STOP, find_matches
from .text import ARTICLE, clitic_analyses, letter_count, norm_token, tokenize_norm

Name = tuple[str, ...]

_BAD_NAME_TOKENS = frozenset({".", "!", "?", "؟", "…", "،", ",", "؛", ";", ":", '"'})
_ARABIC_RE = re.compile("[\u0621-\u064a]")
_NISBA_SUFFIXES = ("يون", "يين", "يات", "يان", "يه", "ي")
_BABEL_SKIP = {"001", "EZ", "QO", "XA", "XB", "ZZ"}
_BABEL_ORG = {"UN", "EU"}
_ANETAC_KINDS = {"PERSON": "PERS", "LOCATION": "LOC", "ORGANIZATION": "ORG"}
_ANERGAZET_KINDS = {"Loc": "LOC", "Org": "ORG", "Pers": "PERS"}


def log(*args: object) -> None:
    print(*args, file=sys.stderr, flush=True)


# --- sources ----------------------------------------------------------------------------------


def country_names() -> dict[Name, str]:
    """Arabic territory names from CLDR (Babel) and pycountry, parentheticals split off."""
    raw: list[tuple[str, str]] = []
    import babel

    for code, name in babel.Locale("ar").territories.items():
        if code in _BABEL_SKIP:
            continue
        raw.append(("ORG" if code in _BABEL_ORG else "LOC", name))
    try:
        import pycountry

        tr = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["ar"])
        for c in pycountry.countries:
            for attr in ("name", "common_name", "official_name"):
                value = getattr(c, attr, None)
                if value:
                    translated = tr.gettext(value)
                    if translated != value:
                        raw.append(("LOC", translated))
    except (ImportError, OSError) as exc:  # pragma: no cover - optional source
        log("pycountry Arabic names unavailable:", exc)
    out: dict[Name, str] = {}
    for kind, name in raw:
        parts = [re.sub(r"\(.*?\)", " ", name), *re.findall(r"\((.*?)\)", name)]
        for part in parts:
            toks = tokenize_norm(part)
            if toks and toks not in out:
                out[toks] = kind
    return out


def read_anergazet(folder: Path) -> dict[str, set[Name]]:
    out: dict[str, set[Name]] = defaultdict(set)
    for path in sorted(folder.glob("*.txt")):
        kind = next((k for key, k in _ANERGAZET_KINDS.items() if key in path.name), None)
        if kind is None:
            continue
        for line in path.read_text(encoding="utf-8").splitlines():
            line = line.strip()
            if not line or set(line) <= set("=*"):
                continue
            toks = tokenize_norm(line)
            if toks:
                out[kind].add(toks)
    return out


def read_anetac(path: Path) -> dict[str, set[Name]]:
    out: dict[str, set[Name]] = defaultdict(set)
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            cls, _, name = line.rstrip("\n").partition("\t")
            kind = _ANETAC_KINDS.get(cls.strip())
            toks = tokenize_norm(name)
            if kind and toks:
                out[kind].add(toks)
    return out


class CorpusStats:
    """Entity names and per-token counts of the training sentences (normalised tokens)."""

    def __init__(self) -> None:
        self.names: dict[Name, Counter[str]] = defaultdict(Counter)
        self.o_count: Counter[str] = Counter()
        self.ent_count: Counter[str] = Counter()
        self.pers_inner: Counter[str] = Counter()

    def add(self, sent: Sentence) -> None:
        toks = [norm_token(t) for t, _ in sent]
        tags = [tag for _, tag in sent]
        for tok, tag in zip(toks, tags, strict=True):
            if tag != "X":
                (self.o_count if tag == "O" else self.ent_count)[tok] += 1
        for s, e, kind in spans_of(tags):
            name = tuple(toks[s:e])
            self.names[name][kind] += 1
            if kind == "PERS":
                for tok in name[1:]:
                    self.pers_inner[tok] += 1


# --- filters ----------------------------------------------------------------------------------


def is_nisba(name: Name, places: set[str]) -> bool:
    """One word that is a nationality / relation adjective of a known place: عراقي، الإيرانية،
    أمريكيين (places: normalised one-word place names, article removed)."""
    if len(name) != 1:
        return False
    w = name[0]
    for form, _ in clitic_analyses(w):
        if form.startswith(ARTICLE):
            form = form[2:]
        for suf in _NISBA_SUFFIXES:
            if form.endswith(suf) and len(form) > len(suf) + 1:
                base = form[: -len(suf)]
                if {base, base + "ا", base + "ه", base + "ان", base + "يا"} & places:
                    return True
    return False


def plausible(name: Name, min_letters: int) -> bool:
    if any(t in _BAD_NAME_TOKENS for t in name):
        return False
    if not any(_ARABIC_RE.search(t) for t in name):
        return False
    if name[0] in STOP or name[-1] in STOP - {"ال"}:
        return False
    if len(name) == 1 and (letter_count(name[0]) < min_letters or name[0] in PARTICLES):
        return False
    if name[0][:1] in ("و", "ف") and name[0][1:] in PARTICLES:
        return False  # وأبو، وبن: a conjunction + a name particle
    return letter_count("".join(name)) >= 3


def strip_first_clitic(name: Name, known: dict[Name, int]) -> Name:
    """The name without a proclitic on its first word, when the rest is a known name at least
    as frequent (والعراق → العراق, but لبنان stays)."""
    best = name
    own = known.get(name, 0)
    for form, strip in clitic_analyses(name[0]):
        if not strip:
            continue
        cand = (form, *name[1:])
        if cand in known and known[cand] >= own and known[cand] >= known.get(best, 0):
            best = cand
    return best


# --- evidence from the corpora -----------------------------------------------------------------


def evidence(gaz: Gazetteer, sents: list[Sentence]):
    """Run the recogniser over the sentences; per rule source (('G', name) or ('F', given
    name)) count matches over entity tokens (good), over O tokens (bad), and gold kinds."""
    good: Counter = Counter()
    bad: Counter = Counter()
    kinds: dict[tuple, Counter[str]] = defaultdict(Counter)
    for sent in sents:
        text, offs = sentence_text(sent)
        for m in find_matches(text, gaz):
            idx = tokens_covered(m, offs)
            gold = [sent[i][1] for i in idx]
            if m.via[0] == "F":
                gold = gold[:1]
            if "X" in gold:
                continue
            if all(t != "O" for t in gold):
                good[m.via] += 1
                kinds[m.via].update(t[2:] for t in gold)
            elif all(t == "O" for t in gold):
                bad[m.via] += 1
    return good, bad, kinds


# --- build ------------------------------------------------------------------------------------


def build(args: argparse.Namespace) -> list[tuple[str, str]]:
    core = read_core(Path(args.core))
    core_names = {toks: kind for kind, toks in core if kind in ENTITY_KINDS | {"O"}}
    core_first = {toks[0] for kind, toks in core if kind == "FIRST"}

    ner_sents = read_conll(args.anercorp)
    train, held = split_holdout(ner_sents, args.holdout)
    log(f"ANERcorp: {len(train)} training sentences, {len(held)} held out")
    wiki = [neutralise(s, frozenset({"MISC"})) for s in read_conll(args.wikifane)]
    log(f"WikiFANE: {len(wiki)} sentences")
    sents = train + wiki

    stats = CorpusStats()
    for s in sents:
        stats.add(s)

    countries = country_names()
    log(f"CLDR/pycountry: {len(countries)} names")
    lists = {
        "anergazet": read_anergazet(Path(args.anergazet)),
        "anetac": {} if args.no_anetac else read_anetac(args.anetac),
    }

    # -- corpus names: merge clitic-prefixed first words into the bare name
    totals = {name: sum(c.values()) for name, c in stats.names.items()}
    known = dict(totals)
    for name in (*core_names, *countries):
        known[name] = max(known.get(name, 0), 10**6)
    corpus_names: dict[Name, Counter[str]] = defaultdict(Counter)
    for name, counts in stats.names.items():
        corpus_names[strip_first_clitic(name, known)].update(counts)

    # -- candidate names with their kind and source, in priority order
    cands: dict[Name, tuple[str, str]] = {}
    for name, kind in countries.items():
        cands.setdefault(name, (kind, "cldr"))
    for name, counts in corpus_names.items():
        kind, n = counts.most_common(1)[0]
        total = sum(counts.values())
        need = args.min_count if len(name) == 1 else 1
        if total >= need and n * 2 > total and plausible(name, 3):
            cands.setdefault(name, (kind, "corpus"))
    for source, min_letters in (("anergazet", 3), ("anetac", args.anetac_min_letters)):
        for kind in ("LOC", "ORG", "PERS"):
            if source == "anetac" and kind not in args.anetac_kinds.split(","):
                continue
            for name in sorted(lists[source].get(kind, ())):
                if plausible(name, min_letters):
                    cands.setdefault(name, (kind, source))
    for name in core_names:
        cands.pop(name, None)

    # a name that is a proclitic + another candidate of the same kind is left to the matcher
    for name in list(cands):
        for form, strip in clitic_analyses(name[0])[1:]:
            other = (form, *name[1:])
            other_kind = cands.get(other, (core_names.get(other),))[0]
            if strip and other_kind == cands[name][0]:
                del cands[name]
                break

    places = {
        n[0][2:] if n[0].startswith(ARTICLE) else n[0]
        for n, (k, _) in [*cands.items(), *((n, (k, "core")) for n, k in core_names.items())]
        if k == "LOC" and len(n) == 1
    }
    dropped_nisba = [n for n, (_, src) in cands.items() if src != "cldr" and is_nisba(n, places)]
    for name in dropped_nisba:
        del cands[name]
    log(f"candidates: {len(cands)} names ({len(dropped_nisba)} nationality adjectives dropped)")

    # -- word lists for the person rule
    common = {
        t
        for t, o in stats.o_count.items()
        if o >= 3 and o > 2 * stats.ent_count[t] and letter_count(t) >= 2
    }
    first_multi: Counter[str] = Counter()
    for name, counts in corpus_names.items():
        if len(name) >= 2 and counts["PERS"] * 2 > sum(counts.values()):
            first_multi[name[0]] += counts["PERS"]
    first = {
        t
        for t, n in first_multi.items()
        if n >= args.min_first and n >= stats.o_count[t] and t not in STOP and letter_count(t) >= 2
    } | core_first
    nametok = {
        t
        for t, n in stats.pers_inner.items()
        if n >= 1 and stats.ent_count[t] >= stats.o_count[t] and letter_count(t) >= 2
    }
    for source in ("anergazet", "anetac"):
        for name in lists[source].get("PERS", ()):
            nametok.update(t for t in name if letter_count(t) >= 3)
    for name, kind in core_names.items():
        if kind == "PERS":
            nametok.update(t for t in name if letter_count(t) >= 2)
    nametok = {t for t in nametok if t not in common and t not in STOP and _ARABIC_RE.search(t)}
    # و + a name word (وأبو، ومحمد) starts another name: no given name, no name word
    conjoined = {
        t
        for t in first | nametok
        if t[:1] == "و"
        and t[1:] in first | nametok | PARTICLES
        and first_multi[t] <= first_multi[t[1:]] + stats.pers_inner[t[1:]]
    }
    first -= conjoined - core_first
    nametok -= conjoined
    common -= nametok | first
    log(f"word lists: {len(first)} given names, {len(nametok)} name words, {len(common)} common")

    # -- evidence: drop what matches O more often than entities
    dropped_first: set[str] = set()
    for rnd in range(args.rounds):
        gaz = Gazetteer()
        for name, (kind, _) in cands.items():
            gaz.add(kind, name)
        for name, kind in core_names.items():
            gaz.add(kind, name)
        for t in first - dropped_first:
            gaz.add("FIRST", (t,))
        for t in nametok:
            gaz.add("NAMETOK", (t,))
        for t in common:
            gaz.add("COMMON", (t,))
        good, bad, kinds = evidence(gaz, sents)
        n_drop = n_kind = 0
        for via in set(good) | set(bad):
            tag, key = via
            if tag == "G":
                if key in core_names or key not in cands:
                    continue
                if bad[via] > good[via]:
                    del cands[key]
                    n_drop += 1
                    continue
                kind_counts = kinds[via]
                top, top_n = kind_counts.most_common(1)[0] if kind_counts else (None, 0)
                total = sum(kind_counts.values())
                if good[via] >= 3 and top != cands[key][0] and top_n >= 0.6 * total:
                    cands[key] = (top, cands[key][1])
                    n_kind += 1
            elif key not in core_first and bad[via] > good[via]:
                dropped_first.add(key)
                n_drop += 1
        log(f"round {rnd + 1}: dropped {n_drop}, re-kinded {n_kind}")
        core_bad = sorted(
            (bad[v], good[v], " ".join(v[1])) for v in bad if v[0] == "G" and v[1] in core_names
        )
        if core_bad and rnd == 0:
            log("core names matching O tokens (bad, good):", core_bad[-15:])
    first -= dropped_first

    rows = [(kind, " ".join(name)) for name, (kind, _) in cands.items()]
    rows += [("FIRST", t) for t in first]
    rows += [("NAMETOK", t) for t in nametok]
    rows += [("COMMON", t) for t in common]
    by_source = Counter(src for _, src in cands.values())
    by_kind = Counter(kind for kind, _ in cands.values())
    log(f"final: {len(cands)} names {dict(by_kind)} from {dict(by_source)}")
    return sorted(set(rows))


def write(rows: list[tuple[str, str]], out: Path) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    header = (
        "# Newsroom Arabic gazetteer, built by python -m newsroom.nlp.build_gazetteer.\n"
        "# KIND<TAB>normalised name (tokens separated by one space). Kinds: PERS ORG LOC MISC O,\n"
        "# FIRST (given names), NAMETOK (words of person names), COMMON (ordinary words).\n"
        "# Sources: CLDR/pycountry country names; names tagged in ANERcorp (train split, last\n"
        "# 10% held out) and WikiFANE (CC BY-SA 3.0); ANERGazet; ANETAC (arXiv 1907.03110).\n"
    )
    # mtime=0 keeps the file byte-identical between identical builds
    with open(out, "wb") as raw, gzip.GzipFile("", "wb", fileobj=raw, mtime=0) as gz:
        gz.write(header.encode("utf-8"))
        for kind, name in rows:
            gz.write(f"{kind}\t{name}\n".encode())


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--anercorp", required=True, help="ANERcorp train.txt (CoNLL)")
    ap.add_argument("--wikifane", required=True, help="WikiFANE coarse4 CoNLL file")
    ap.add_argument("--anergazet", required=True, help="folder of ANERGazet *.txt lists")
    ap.add_argument("--anetac", required=True, help="anetac_ar_by_class.tsv")
    ap.add_argument("--out", required=True, help="output .tsv.gz")
    ap.add_argument("--core", default=str(CORE_PATH), help="hand-written core list")
    ap.add_argument(
        "--holdout",
        type=float,
        default=0.1,
        help="fraction of ANERcorp (its last sentences) left out for evaluation (default 0.1)",
    )
    ap.add_argument("--min-count", type=int, default=2, help="corpus count for one-word names")
    ap.add_argument("--min-first", type=int, default=1, help="corpus count for given names")
    ap.add_argument("--no-anetac", action="store_true", help="leave ANETAC out (experiments)")
    ap.add_argument(
        "--anetac-min-letters", type=int, default=4, help="letters for a one-word ANETAC name"
    )
    ap.add_argument(
        "--anetac-kinds",
        default="PERS",
        help="ANETAC classes used as names (default PERS; its LOC/ORG lists cost precision)",
    )
    ap.add_argument("--rounds", type=int, default=2, help="evidence filtering rounds")
    args = ap.parse_args(argv)
    rows = build(args)
    write(rows, Path(args.out))
    log(f"wrote {len(rows)} rows to {args.out} ({Path(args.out).stat().st_size:,} bytes)")


if __name__ == "__main__":
    main()
