"""Embedded LSH index: same candidates as datasketch's MinHashLSH, survives save/load, forgets rows."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from datasketch import MinHashLSH

from reliability.duplication.minhash import SignatureScheme, text_signatures
from reliability.index import Banding, EmbeddedIndex, IndexError_, WindowSketch, band_keys

PAN = Path("/work/shared/eval/pan13-train")
SEEDS = Path(__file__).resolve().parent.parent / "seeds"


def _pan_pairs(folder: str, n: int) -> list[tuple[str, str]]:
    lines = (PAN / folder / "pairs").read_text().split("\n")
    return [tuple(line.split()) for line in lines[:n] if line.strip()]  # type: ignore[misc]


def _light_edit(text: str, every: int = 12) -> str:
    """A rewrite an editor might do: every n-th word swapped for another."""
    words = text.split()
    return " ".join("reportedly" if i % every == every - 1 else w for i, w in enumerate(words))


def _spliced(first: str, second: str) -> str:
    """The first 60% of one article followed by the end of another (a common way of padding a lifted story)."""
    a, b = first.split(), second.split()
    return " ".join(a[: len(a) * 6 // 10] + b[len(b) * 6 // 10 :])


@pytest.fixture(scope="module")
def corpus() -> tuple[list[str], np.ndarray, list[tuple[int, int]]]:
    """PAN sources, the seeds, and rewritten copies of some of them; ``copies`` pairs (copy row, source row)."""
    if not PAN.is_dir():
        pytest.skip(f"PAN13 training corpus not found at {PAN}")
    names = sorted({src for _, src in _pan_pairs("02-no-obfuscation", 60)})[:40]
    texts = [(PAN / "src" / n).read_text(encoding="utf-8") for n in names]
    texts += [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))]
    copies = []
    for i in range(0, 20):
        copies.append((len(texts), i))
        texts.append(_light_edit(texts[i]))
        copies.append((len(texts), i))
        texts.append(_spliced(texts[i], texts[i + 20]))
    return texts, text_signatures(texts, SignatureScheme()), copies


def test_band_keys_do_not_depend_on_batch_composition(corpus):
    _, sigs, _ = corpus
    banding = Banding.for_threshold(0.3, 128)
    assert np.array_equal(band_keys(sigs, banding)[7], band_keys(sigs[7:8], banding)[0])


def test_candidates_equal_datasketch_minhashlsh(corpus):
    texts, sigs, _ = corpus
    scheme = SignatureScheme()
    banding = Banding.for_threshold(0.3, 128)
    index = EmbeddedIndex(banding)
    index.add(np.arange(len(texts)), sigs)
    lsh = MinHashLSH(threshold=0.3, num_perm=128)
    assert (lsh.b, lsh.r) == (banding.bands, banding.rows)
    for i, sig in enumerate(sigs):
        lsh.insert(i, scheme.minhash(sig))
    ours = index.query(sigs)
    theirs = [sorted(lsh.query(scheme.minhash(sig))) for sig in sigs]
    assert ours == theirs
    # Not a trivial agreement: some documents have other candidates than themselves.
    assert sum(len(c) > 1 for c in ours) >= 10


def test_rewritten_copies_find_their_sources(corpus):
    _, sigs, copies = corpus
    index = EmbeddedIndex(Banding.for_threshold(0.3, 128))
    sources = sorted({src for _, src in copies})
    index.add(np.array(sources), sigs[sources])
    found = index.query(sigs[[copy for copy, _ in copies]])
    hits = sum(src in row for (_, src), row in zip(copies, found))
    # Jaccard of these copies with their source is 0.35-0.7; banding 37x3 catches J=0.37 with p=0.85, J=0.6 with p>0.99.
    assert hits / len(copies) >= 0.85


def test_save_and_load_give_the_same_answers(corpus, tmp_path):
    texts, sigs, _ = corpus
    index = EmbeddedIndex(Banding.for_threshold(0.3, 128), tag={"store_id": "abc"})
    half = len(texts) // 2
    index.add(np.arange(half), sigs[:half])
    index.save(tmp_path / "h.lsh")
    index.add(np.arange(half, len(texts)), sigs[half:])  # delta on top of the saved base
    before = index.query(sigs)
    index.save(tmp_path / "h.lsh")
    loaded = EmbeddedIndex.load(tmp_path / "h.lsh")
    assert loaded.tag == {"store_id": "abc"} and loaded.watermark() == len(texts) - 1
    assert loaded.query(sigs) == before


def test_removed_rows_are_no_longer_candidates(corpus, tmp_path):
    texts, sigs, _ = corpus
    index = EmbeddedIndex(Banding.for_threshold(0.3, 128))
    index.add(np.arange(len(texts)), sigs)
    index.save(tmp_path / "h.lsh")
    index = EmbeddedIndex.load(tmp_path / "h.lsh")
    index.add(np.array([len(texts)]), sigs[3:4])  # same signature under a new row, in the delta
    index.remove([3, len(texts)], sigs[[3, 3]])
    assert all(3 not in row and len(texts) not in row for row in index.query(sigs))
    assert len(index) == len(texts) - 1


def test_truncated_or_foreign_files_are_rejected(tmp_path, corpus):
    _, sigs, _ = corpus
    (tmp_path / "x.lsh").write_bytes(b"not an index")
    with pytest.raises(IndexError_, match="not a reliability LSH index"):
        EmbeddedIndex.load(tmp_path / "x.lsh")
    index = EmbeddedIndex(Banding.for_threshold(0.3, 128))
    index.add(np.arange(3), sigs[:3])
    index.save(tmp_path / "h.lsh")
    data = (tmp_path / "h.lsh").read_bytes()
    (tmp_path / "h.lsh").write_bytes(data[:-8])
    with pytest.raises(IndexError_, match="truncated"):
        EmbeddedIndex.load(tmp_path / "h.lsh")


def test_banding_must_fit_the_signature():
    with pytest.raises(ValueError, match="does not fit"):
        Banding(50, 3, 128)


def _shingles(text: str) -> np.ndarray:
    from reliability.duplication.minhash import TokenHasher, combine, tokens

    return combine(TokenHasher()(tokens(text)), 3)


def test_window_keys_of_a_copied_span_do_not_depend_on_where_it_is_pasted(corpus):
    texts, _, _ = corpus
    sketch = WindowSketch()
    span = " ".join(texts[0].split()[100:220])
    early = sketch.keys(_shingles(span + " " + texts[1]))
    late = sketch.keys(_shingles(" ".join(texts[2].split()[:300]) + " " + span))
    alone = sketch.keys(_shingles(span))
    # Every window wholly inside the span is found in both articles, whatever precedes it.
    assert len(alone) >= 3
    assert len(set(alone) & set(early) & set(late)) >= len(alone) - 2


def test_stored_window_keys_are_capped_and_spread_over_the_text(corpus):
    texts, _, _ = corpus
    sketch = WindowSketch()
    long_text = max(texts, key=len)
    every = sketch.keys(_shingles(long_text))
    kept = sketch.keys(_shingles(long_text), stored=True)
    assert len(every) > sketch.per_article and len(kept) == sketch.per_article and set(kept) <= set(every)
    # The last third of the article is represented too, not only its lead.
    tail = sketch.keys(_shingles(" ".join(long_text.split()[-len(long_text.split()) // 3 :])))
    assert set(kept) & set(tail)


def test_window_tier_survives_save_and_load_and_forgets_rows(corpus, tmp_path):
    texts, sigs, _ = corpus
    sketch = WindowSketch()
    windows = [sketch.keys(_shingles(t), stored=True) for t in texts]
    index = EmbeddedIndex(Banding.for_threshold(0.3, 128))
    index.add(np.arange(len(texts)), sigs, windows)
    query = [sketch.keys(_shingles(" ".join(t.split()[50:170]))) for t in texts[:10]]
    before = index.query_windows(query)
    assert all(before[i].get(i, 0) >= 1 for i in range(10))
    index.save(tmp_path / "w.lsh")
    loaded = EmbeddedIndex.load(tmp_path / "w.lsh")
    assert loaded.query_windows(query) == before
    loaded.remove([3], sigs[3:4], windows[3:4])
    assert 3 not in loaded.query_windows(query)[3]
