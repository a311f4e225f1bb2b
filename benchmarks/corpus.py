"""Deterministic benchmark corpus: N news-length articles from real text, with planted copies and their truth.

Articles are windows of about 600 words cut at sentence ends from the PAN13 source documents
(/work/shared/eval/pan13-train/src, ~2.3M words). That is enough for ~1,300 distinct windows (one per source long enough), far fewer than the
100k articles a newsroom batch needs. Reusing windows would make thousands of *unplanted* real copies, so every further
pass over the windows rewrites the vocabulary through a frequency-preserving word permutation: the ~150 commonest
words (the grammar) stay, every other word is swapped with a word of similar corpus frequency, capitalisation kept.
The extra articles keep real sentence lengths, punctuation, paragraphing and a Zipf vocabulary, but share no content
shingles with each other.

Planted copies (``--copy-rate``, default 5% of N) reuse an earlier *original* article, in three kinds, one third each:

- ``verbatim``: the same body under another outlet and title;
- ``partial``: a contiguous 60-85% stretch of the original's sentences between fresh sentences;
- ``obfuscated``: the whole text with adjacent sentences swapped, adjacent words swapped, words replaced by a
  synonym (small table) or a word of similar frequency, and a few words dropped (like PAN13 random obfuscation).

Output: ``corpus-<N>-s<seed>-g<version>.jsonl`` (``id``, ``title``, ``outlet``, ``published``, ``text``) and
``corpus-<N>-s<seed>-g<version>.truth.tsv`` (``original<TAB>copy<TAB>kind``); the version is a digest of this
file, so a changed generator never reuses a cached corpus.

    python benchmarks/corpus.py 10000 --out /tmp/bench
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import random
import re
import sys
from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Iterator, Sequence

from wordfreq import top_n_list

PAN_SRC = Path("/work/shared/eval/pan13-train/src")
OUTLETS_CSV = Path(__file__).resolve().parents[1] / "reliability" / "data" / "outlets.csv"
TARGET_WORDS = 600
MIN_WORDS = 450
# Words never permuted: articles, pronouns, prepositions keep the text's grammar. Not more: the commonest 150 of the
# PAN sources already hold content words ("american", "world", "part"), and two passes over one window then shared
# enough of them in the same order to be a genuine (unplanted) paraphrase.
KEEP_COMMONEST = 80
BUCKET = 40  # a word is swapped only with words within this many frequency ranks

_WORD = re.compile(r"[^\W\d_]+|\d")  # letter runs are words; every digit is permuted on its own
_STOPWORDS = frozenset(top_n_list("en", 150))
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"'\u201d\u2019)]*\s+")

# A small hand-written synonym table for the obfuscated copies (what a rewriter or spinner swaps first).
SYNONYMS = {
    "said": "stated", "says": "states", "big": "large", "large": "big", "small": "little", "help": "assist",
    "show": "demonstrate", "shows": "demonstrates", "use": "utilise", "used": "utilised", "many": "numerous",
    "important": "significant", "major": "key", "begin": "start", "began": "started", "buy": "purchase",
    "get": "obtain", "make": "create", "made": "created", "people": "individuals", "new": "fresh",
    "often": "frequently", "also": "additionally", "however": "nevertheless", "about": "approximately",
    "before": "prior to", "after": "following", "because": "since", "country": "nation", "city": "town",
    "car": "vehicle", "children": "kids", "house": "home", "money": "funds", "job": "position", "need": "require",
    "needs": "requires", "want": "wish", "try": "attempt", "end": "finish", "fast": "quick", "quickly": "rapidly",
    "problem": "issue", "problems": "issues", "answer": "response", "enough": "sufficient", "whole": "entire",
}


@dataclass(frozen=True)
class Article:
    id: str
    title: str
    outlet: str
    published: str
    text: str

    def as_json(self) -> str:
        return json.dumps(
            {"id": self.id, "title": self.title, "outlet": self.outlet, "published": self.published, "text": self.text},
            ensure_ascii=False,
        )


def read_windows(src: Path = PAN_SRC) -> list[list[str]]:
    """~600-word windows (lists of sentences, paragraph breaks kept as a leading newline) of every source file.

    The PAN sources hold near-duplicate text (the same story scraped twice or reworded, a notice or a quotation in
    several documents, census and infobox templates). A sentence sharing a word 8-gram, or four consecutive content
    words, with any earlier sentence is dropped before windows are cut, so no unplanted pair in the corpus shares a
    passage (the first version dropped only windows sharing more than 5% of their 8-grams; the rest came back as
    hundreds of real but unplanted copies at 10k articles). Only the first window of each source is used.
    """
    windows: list[list[str]] = []
    seen: set[int] = set()
    for path in sorted(src.glob("*.txt")):
        text = path.read_text(encoding="utf-8", errors="replace")
        fresh = []
        for sentence in _sentences(text):
            grams = _fingerprints(sentence)
            if not grams & seen:
                fresh.append(sentence)
            seen |= grams
        # One window per source: windows of one long source (a statute, a manual) restate each other's clauses, and
        # the detector rightly called such pairs paraphrase although nobody planted them.
        windows += list(_cut(fresh))[:1]
    return windows


def _fingerprints(sentence: str) -> set[int]:
    """Word 8-grams of a sentence, plus 4-grams of its content words (reworded copies of one story keep those)."""
    words = _WORD.findall(sentence.lower())
    content = [w for w in words if w not in _STOPWORDS and not w.isdigit()]
    grams = {hash(("content", *content[i : i + 4])) for i in range(len(content) - 3)}
    if len(words) < 8:  # a short sentence is compared whole: "Click here to subscribe." repeats as well
        return grams | ({hash(tuple(words))} if len(words) >= 4 else set())
    return grams | {hash(tuple(words[i : i + 8])) for i in range(len(words) - 7)}


def _sentences(text: str) -> list[str]:
    out: list[str] = []
    for para in re.split(r"\n\s*", text):
        parts = [s.strip() for s in _SENTENCE_END.split(para) if s.strip()]
        if parts:
            parts[0] = "\n" + parts[0]  # remembers the paragraph break; joined back by render()
            out.extend(parts)
    return out


def _cut(sentences: Sequence[str]) -> Iterator[list[str]]:
    window: list[str] = []
    words = 0
    for s in sentences:
        window.append(s)
        words += len(s.split())
        if words >= TARGET_WORDS:
            yield window
            window, words = [], 0
    if words >= MIN_WORDS:
        yield window


def render(sentences: Sequence[str]) -> str:
    """Sentences back to text: a space between sentences, a newline where a paragraph began."""
    parts: list[str] = []
    for s in sentences:
        if s.startswith("\n"):
            parts.append("\n" if parts else "")
            parts.append(s[1:])
        else:
            parts.append(" " if parts else "")
            parts.append(s)
    return "".join(parts)


class Vocabulary:
    """Frequency-preserving word permutations: pass 0 is the identity, pass p > 0 a distinct seeded permutation."""

    def __init__(self, windows: Sequence[Sequence[str]], seed: int) -> None:
        counts = Counter(w.lower() for win in windows for s in win for w in _WORD.findall(s))
        self.ranked = [w for w, _ in counts.most_common() if not w.isdigit()]
        self.seed = seed
        self._maps: dict[int, dict[str, str]] = {}

    def mapping(self, p: int) -> dict[str, str]:
        if p not in self._maps:
            rng = random.Random(self.seed * 1_000_003 + p)
            digits = list("0123456789")
            rng.shuffle(digits)  # numbers keep their shape but not their value: tables do not repeat across passes
            mapped: dict[str, str] = {str(d): v for d, v in enumerate(digits)}
            words = self.ranked[KEEP_COMMONEST:]
            for lo in range(0, len(words), BUCKET):
                # A random cycle through the bucket: every word moves (a plain shuffle leaves 1 in 40 in place,
                # and two passes over one window then share those words in the same order).
                cycle = words[lo : lo + BUCKET]
                rng.shuffle(cycle)
                mapped.update(zip(cycle, cycle[1:] + cycle[:1]))
            self._maps[p] = mapped
        return self._maps[p]

    def similar(self, word: str, rng: random.Random) -> str:
        """A different word of about the same corpus frequency (the spinner's fallback when no synonym is known)."""
        return rng.choice(self.ranked[KEEP_COMMONEST : KEEP_COMMONEST + 5000])

    def translate(self, sentence: str, p: int) -> str:
        if p == 0:
            return sentence
        mapping = self.mapping(p)
        return _WORD.sub(lambda m: _same_case(m.group(0), mapping.get(m.group(0).lower())), sentence)


def _same_case(original: str, replacement: str | None) -> str:
    if replacement is None or not original.isalpha():
        return replacement or original
    if original.isupper() and len(original) > 1:
        return replacement.upper()
    if original[0].isupper():
        return replacement[:1].upper() + replacement[1:]
    return replacement


def obfuscate(sentences: Sequence[str], vocab: Vocabulary, rng: random.Random) -> list[str]:
    """PAN-style random obfuscation: sentence and word swaps, synonyms, similar-frequency words, dropped words."""
    out = list(sentences)
    for i in range(0, len(out) - 1, 2):
        if rng.random() < 0.25:
            out[i], out[i + 1] = out[i + 1], out[i]
    return [_obfuscate_sentence(s, vocab, rng) for s in out]


def _obfuscate_sentence(sentence: str, vocab: Vocabulary, rng: random.Random) -> str:
    lead = "\n" if sentence.startswith("\n") else ""
    words = sentence.strip().split(" ")
    out: list[str] = []
    for w in words:
        r = rng.random()
        core = w.strip(".,;:!?\"'()").lower()
        if r < 0.02 and len(words) > 6:
            continue  # dropped
        if r < 0.10 and core.isalpha():
            new = SYNONYMS.get(core) or vocab.similar(core, rng)
            w = w.replace(w.strip(".,;:!?\"'()"), _same_case(w.strip(".,;:!?\"'()") or core, new), 1)
        out.append(w)
    for i in range(len(out) - 1):
        if rng.random() < 0.04:
            out[i], out[i + 1] = out[i + 1], out[i]
    return lead + " ".join(out)


def load_outlets(limit: int = 400) -> list[str]:
    if not OUTLETS_CSV.exists():
        return [f"outlet{i}.example" for i in range(limit)]
    with OUTLETS_CSV.open(encoding="utf-8") as fh:
        rows = [r.get("domain", "") for r in csv.DictReader(fh)]
    domains = sorted(d for d in rows if d)
    return domains[:: max(1, len(domains) // limit)][:limit]


def generate(n: int, seed: int = 7, copy_rate: float = 0.05) -> tuple[Iterator[Article], list[tuple[str, str, str]]]:
    """The articles (lazily) and the planted (original, copy, kind) pairs, both deterministic for (n, seed)."""
    windows = read_windows()
    vocab = Vocabulary(windows, seed)
    rng = random.Random(seed)
    order = list(range(len(windows)))
    rng.shuffle(order)
    n_copies = int(round(n * copy_rate))
    copy_slots = set(rng.sample(range(n // 10 + 1, n), min(n_copies, max(0, n - n // 10 - 1)))) if n > 10 else set()
    kinds = ("verbatim", "partial", "obfuscated")
    plan: dict[int, tuple[int, str]] = {}
    originals: list[int] = []
    truth: list[tuple[str, str, str]] = []
    for i in range(n):
        if i in copy_slots and originals:
            # Each original is copied at most once, so two copies of one original never form an unlisted pair.
            src = originals.pop(rng.randrange(len(originals)))
            kind = kinds[len(plan) % 3]
            plan[i] = (src, kind)
            truth.append((_doc_id(src), _doc_id(i), kind))
        else:
            originals.append(i)
    outlets = load_outlets()
    start = date(2025, 1, 1)

    def body(fresh: int) -> list[str]:
        # ``fresh`` counts originals only, so fresh text never repeats: pass p = fresh // windows permutes words.
        w = order[fresh % len(order)]
        return [vocab.translate(s, fresh // len(order)) for s in windows[w]]

    def articles() -> Iterator[Article]:
        original_text: dict[int, list[str]] = {}
        copy_sources = {src for src, _ in plan.values()}
        n_fresh = n_copied = 0
        for i in range(n):
            r = random.Random(seed * 7_919 + i)
            outlet = outlets[r.randrange(len(outlets))]
            published = (start + timedelta(days=i * 365 // max(n, 1))).isoformat()
            if i in plan:
                src, kind = plan[i]
                sents = _copy(original_text[src], kind, vocab, r, windows, n_copied)
                n_copied += 1
            else:
                sents = body(n_fresh)
                n_fresh += 1
                if i in copy_sources:
                    original_text[i] = sents
            text = render(sents)
            yield Article(_doc_id(i), _title(text), outlet, published, text)

    return articles(), truth


def _copy(src: list[str], kind: str, vocab: Vocabulary, r: random.Random, windows: list[list[str]], k: int) -> list[str]:
    if kind == "verbatim":
        return list(src)
    if kind == "obfuscated":
        return obfuscate(src, vocab, r)
    # A contiguous stretch holding 60-85% of the original's words, between fresh sentences of about the same length
    # as what was left out. The filler comes from a permutation pass no original uses (1000 + k): it matches nothing.
    sizes = [len(s.split()) for s in src]
    want = r.uniform(0.60, 0.85) * sum(sizes)
    lo = r.randrange(0, len(src))
    hi, got = lo, 0
    while got < want:
        if hi < len(src):
            got += sizes[hi]
            hi += 1
        else:
            lo -= 1
            got += sizes[lo]
    filler_src = windows[r.randrange(len(windows))]
    filler = [vocab.translate(s, 1000 + k) for s in filler_src]
    cut, words = 0, 0
    while cut < len(filler) and words < (sum(sizes) - got) / 2:
        words += len(filler[cut].split())
        cut += 1
    tail, words = cut, 0
    while tail < len(filler) and words < (sum(sizes) - got) / 2:
        words += len(filler[tail].split())
        tail += 1
    return filler[:cut] + src[lo:hi] + filler[cut:tail]


def _title(text: str) -> str:
    words = text.split()[:9]
    return " ".join(words).strip(".,;:[]()<>\"'- ")


def _doc_id(i: int) -> str:
    return f"a{i:07d}"


def generator_version() -> str:
    """A digest of this file: a cached corpus from an older generator has another name and is never reused (a stale
    cache once made a benchmark report the old generator's precision for the new code)."""
    return hashlib.sha256(Path(__file__).read_bytes()).hexdigest()[:8]


def write(n: int, out_dir: Path, seed: int = 7, copy_rate: float = 0.05) -> tuple[Path, Path]:
    """Write the corpus and its truth (skipped when both files exist); returns their paths."""
    out_dir.mkdir(parents=True, exist_ok=True)
    stem = f"corpus-{n}-s{seed}" + ("" if copy_rate == 0.05 else f"-c{copy_rate:g}") + f"-g{generator_version()}"
    jsonl, truth_path = out_dir / f"{stem}.jsonl", out_dir / f"{stem}.truth.tsv"
    if jsonl.exists() and truth_path.exists():
        return jsonl, truth_path
    articles, truth = generate(n, seed, copy_rate)
    tmp = jsonl.with_suffix(".tmp")
    with tmp.open("w", encoding="utf-8") as fh:
        for a in articles:
            fh.write(a.as_json() + "\n")
    tmp.replace(jsonl)
    truth_path.write_text("".join(f"{a}\t{b}\t{k}\n" for a, b, k in truth), encoding="utf-8")
    return jsonl, truth_path


def read_truth(path: Path) -> list[tuple[str, str, str]]:
    rows = [line.split("\t") for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [(a, b, k) for a, b, k in rows]


def main(argv: Sequence[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("n", type=int, help="number of articles")
    ap.add_argument("--out", type=Path, default=Path("/tmp/reliability-bench"), help="output folder")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--copy-rate", type=float, default=0.05, help="share of articles that are planted copies")
    args = ap.parse_args(argv)
    jsonl, truth = write(args.n, args.out, args.seed, args.copy_rate)
    print(f"{jsonl}\n{truth}", file=sys.stdout)


if __name__ == "__main__":
    main()
