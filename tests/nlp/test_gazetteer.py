"""The gazetteer artefact, its loader, the build script and the evaluation helper, on small
data written here (the corpora under /work/shared are not needed)."""

from __future__ import annotations

import gzip
import time

from newsroom.nlp.build_gazetteer import main as build_main
from newsroom.nlp.corpus import read_conll, spans_of
from newsroom.nlp.evaluate import score
from newsroom.nlp.gazetteer import (
    CORE_PATH,
    GAZETTEER_PATH,
    LIST_KINDS,
    NAME_KINDS,
    default_gazetteer,
    load_gazetteer,
    read_core,
)
from newsroom.nlp.text import norm_token


def test_artefact_is_small_and_well_formed():
    assert GAZETTEER_PATH.exists(), "run python -m newsroom.nlp.build_gazetteer"
    assert GAZETTEER_PATH.stat().st_size < 3 * 1024 * 1024
    kinds = NAME_KINDS | LIST_KINDS
    n = 0
    with gzip.open(GAZETTEER_PATH, "rt", encoding="utf-8") as fh:
        for line in fh:
            if line.startswith("#"):
                continue
            kind, name = line.rstrip("\n").split("\t")
            assert kind in kinds, line
            toks = name.split(" ")
            assert all(t and norm_token(t) == t for t in toks), line
            n += 1
    assert n > 10_000


def test_core_list_parses():
    entries = read_core(CORE_PATH)
    assert len(entries) > 200
    assert {k for k, _ in entries} <= NAME_KINDS | {"FIRST"}


def test_loads_fast_and_once():
    t0 = time.perf_counter()
    gaz = load_gazetteer()
    elapsed = time.perf_counter() - t0
    print(f"gazetteer load: {elapsed:.2f} s")
    # generous: the machine running the suite may be busy; speed targets belong in benchmarks
    assert elapsed < 5.0, f"gazetteer took {elapsed:.2f} s to load"
    assert gaz.size > 10_000
    assert default_gazetteer() is default_gazetteer()
    assert gaz.lookup(("العراق",)) == "LOC"
    assert gaz.lookup(("كتائب", "حزب", "الله")) == "ORG"
    assert gaz.lookup(("قاسم", "سليماني")) == "PERS"
    assert "اسماعيل" in gaz.first


ANERCORP = """\
زار O
بغداد B-LOC
مدينتون B-LOC
. O

وصل O
ومدينتون B-LOC
مدينتون B-LOC
. O

قال O
سلام B-PERS
سلام B-PERS
إن O
سلام O
سلام O
سلام O
سلام O
سلام O
. O

هاجم O
الزمبوري B-LOC
زمبورا B-LOC
زمبورا B-LOC
الزمبوري B-LOC
. O

أعلنت O
شركة B-ORG
زيت I-ORG
الشمال I-ORG
أن O
كرستوفو B-PERS
زيدان I-PERS
كرستوفو B-PERS
ملوان I-PERS
سافر O
. O
"""
WIKIFANE = """\
تقع O
مدينتون B-LOC
في O
زمبورا B-LOC
. O
"""


def test_build_script_on_small_data(tmp_path):
    (tmp_path / "aner.txt").write_text(ANERCORP, encoding="utf-8")
    (tmp_path / "wiki.conll").write_text(WIKIFANE, encoding="utf-8")
    gazet = tmp_path / "anergazet"
    gazet.mkdir()
    (gazet / "AlignedPersGazetteer.txt").write_text("فلنتيكو\nاب\n", encoding="utf-8")
    (gazet / "AlignedLocGazetteer.txt").write_text("====\nقرنبيط\n****\n", encoding="utf-8")
    (tmp_path / "anetac.tsv").write_text("PERSON\tشارلمونت\nLOCATION\tزنكلوبيا\n", encoding="utf-8")
    out = tmp_path / "gaz.tsv.gz"
    args = ["--anercorp", str(tmp_path / "aner.txt"), "--wikifane", str(tmp_path / "wiki.conll")]
    args += ["--anergazet", str(gazet), "--anetac", str(tmp_path / "anetac.tsv")]
    build_main([*args, "--out", str(out), "--holdout", "0"])
    first_bytes = out.read_bytes()

    gaz = load_gazetteer(out, core=None)
    assert gaz.lookup(("مدينتون",)) == "LOC"
    assert gaz.lookup(("ومدينتون",)) is None  # proclitic merged into the bare name
    assert gaz.lookup(("زمبورا",)) == "LOC"
    assert gaz.lookup(("الزمبوري",)) is None  # nationality adjective of a known place
    assert gaz.lookup(("سلام",)) is None  # mostly O in the corpus
    assert gaz.lookup(("شركه", "زيت", "الشمال")) == "ORG"  # multi-word names need 1 occurrence
    assert gaz.lookup(("فلنتيكو",)) == "PERS"  # ANERGazet
    assert gaz.lookup(("قرنبيط",)) == "LOC"
    assert gaz.lookup(("اب",)) is None  # too short
    assert gaz.lookup(("شارلمونت",)) == "PERS"  # ANETAC persons
    assert gaz.lookup(("زنكلوبيا",)) is None  # ANETAC places are left out by default
    assert gaz.lookup(("الارجنتين",)) == "LOC"  # CLDR country names
    assert gaz.lookup(("العراق",)) is None  # core names are read from core_names.tsv
    assert "كرستوفو" in gaz.first  # starts two-word person names in the corpus
    assert "زيدان" in gaz.nametok

    build_main([*args, "--out", str(out), "--holdout", "0"])
    assert out.read_bytes() == first_bytes  # reproducible


def test_conll_reading_and_scoring(tmp_path):
    path = tmp_path / "s.txt"
    path.write_text("زار O\nبغداد B-LOC\nو O\nقاسم B-PERS\nسليماني I-PERS\n\nقال O\n", "utf-8")
    sents = read_conll(path)
    assert len(sents) == 2
    assert list(spans_of([t for _, t in sents[0]])) == [(1, 2, "LOC"), (3, 5, "PERS")]
    res = score(sents, default_gazetteer())
    assert res["ALL"]["precision"] == 1.0 and res["ALL"]["recall"] == 1.0
