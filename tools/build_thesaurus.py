"""Build ``reliability/data/thesaurus.tsv.gz``: single-word synonyms from WordNet 3.0, for garbled_text's check for
a spinner's thesaurus swaps (:mod:`reliability.signals._swaps`).

Two words are synonyms here when they are lemmas of one WordNet synset (nouns, verbs, adjectives and adverbs).
Only lowercase words of letters are kept (no names, no phrases), and only words the swap check's language model
knows (the US English trigram model that ships with PocketSphinx): a word it does not know cannot be compared in
context. One line per word: the word, a tab, its synonyms separated by spaces, most frequent first (by the model's
unigram probability), at most ``--max-synonyms``.

WordNet's database files come from Debian's ``wordnet-base`` package (``apt-get install wordnet-base``): this is a
build step, not a run-time need; the built file is committed. WordNet's licence is in reliability/data/NOTICE.

    /work/venv/bin/python tools/build_thesaurus.py [--wordnet /usr/share/wordnet] [--max-synonyms 12]
"""

from __future__ import annotations

import argparse
import gzip
from collections import defaultdict
from pathlib import Path

from reliability.signals._swaps import load_model

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "reliability" / "data" / "thesaurus.tsv.gz"


def synsets(wordnet: Path) -> list[list[str]]:
    """The lemmas of every synset, lowercase single words of letters only."""
    out = []
    for part in ("noun", "verb", "adj", "adv"):
        for line in (wordnet / f"data.{part}").read_text(encoding="utf-8").splitlines():
            if line.startswith("  "):
                continue  # the licence header
            fields = line.split(" ")
            count = int(fields[3], 16)
            lemmas = [fields[4 + 2 * i].split("(")[0] for i in range(count)]  # adjectives may carry "(a)" markers
            words = sorted({w for w in lemmas if w.isalpha() and w.islower() and w.isascii()})
            if len(words) > 1:
                out.append(words)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--wordnet", type=Path, default=Path("/usr/share/wordnet"))
    parser.add_argument("--max-synonyms", type=int, default=12)
    args = parser.parse_args()
    model = load_model()
    if model is None:
        raise SystemExit("the PocketSphinx language model is not installed (pip install pocketsphinx)")
    synonyms: dict[str, set[str]] = defaultdict(set)
    for words in synsets(args.wordnet):
        for w in words:
            synonyms[w].update(words)
    lines = []
    for word in sorted(synonyms):
        if len(word) < 3 or not model.knows(word):
            continue
        others = [s for s in synonyms[word] if s != word and model.knows(s)]
        others.sort(key=lambda s: (-model.unigram(s), s))
        if others:
            lines.append(f"{word}\t{' '.join(others[: args.max_synonyms])}\n")
    with gzip.open(OUT, "wt", encoding="utf-8", compresslevel=9) as fh:
        fh.writelines(lines)
    print(f"{len(lines)} words with synonyms -> {OUT.relative_to(ROOT)} ({OUT.stat().st_size / 1e6:.2f} MB)")


if __name__ == "__main__":
    main()
