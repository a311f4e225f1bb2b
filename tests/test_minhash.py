"""Signatures must equal datasketch's and behave like Jaccard estimates on real article text."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from datasketch import MinHash, MinHashLSH

from reliability.config import load_config
from reliability.duplication.minhash import (
    SignatureScheme,
    jaccard,
    permutations,
    shingle_hashes,
    signatures,
    text_signatures,
    to_hash32,
)

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
PAN_SRC = Path("/work/shared/eval/pan13-train/src")

WIRE = (
    "Former NATO Secretary General Jens Stoltenberg said on Friday that the alliance had refused Kyiv's request "
    "for a no-fly zone in 2022 because enforcing it would have meant shooting down Russian aircraft. "
    "Speaking to Danish broadcaster TV2, he said allies had instead sent weapons, ammunition and training."
)


def _seed_texts() -> list[str]:
    return [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))]


def test_signatures_equal_datasketch_minhash_update() -> None:
    scheme = SignatureScheme(num_perm=64, seed=7)
    texts = _seed_texts()
    ours = text_signatures(texts, scheme)
    for text, row in zip(texts, ours):
        theirs = MinHash(num_perm=64, seed=7, scheme="affine32", hashfunc=int)
        theirs.update_batch(to_hash32(shingle_hashes(text, scheme.shingle_size)).tolist())
        assert np.array_equal(theirs.hashvalues, row)


@pytest.mark.parametrize(("num_perm", "seed"), [(128, 1), (64, 7), (256, 0), (3, 2**31 - 1)])
def test_permutations_equal_datasketch(num_perm: int, seed: int) -> None:
    """Drawn without importing datasketch; they must stay the ones its MinHash draws."""
    ours = permutations(num_perm, seed, "affine32")
    theirs = MinHash(num_perm=num_perm, seed=seed, scheme="affine32").permutations
    assert all(o.dtype == np.uint32 and np.array_equal(o, t) for o, t in zip(ours, theirs))


def test_signatures_go_into_datasketch_lsh() -> None:
    scheme = SignatureScheme()
    texts = _seed_texts()
    sigs = text_signatures(texts, scheme)
    lsh = MinHashLSH(threshold=0.5, num_perm=scheme.num_perm)
    for i, sig in enumerate(sigs):
        lsh.insert(str(i), scheme.minhash(sig))
    assert lsh.query(scheme.minhash(sigs[2])) == ["2"]


def test_empty_text_gives_empty_minhash() -> None:
    scheme = SignatureScheme(num_perm=16)
    sig = text_signatures(["", "  — ", WIRE], scheme)
    empty = MinHash(num_perm=16, seed=scheme.seed, scheme="affine32").hashvalues
    assert np.array_equal(sig[0], empty) and np.array_equal(sig[1], empty)
    assert not np.array_equal(sig[2], empty)


def test_case_and_punctuation_do_not_change_shingles() -> None:
    shouted = WIRE.upper().replace(",", " ,").replace(".", " . ")
    assert np.array_equal(shingle_hashes(WIRE, 3), shingle_hashes(shouted, 3))


def test_word_order_matters_inside_a_shingle() -> None:
    assert not np.array_equal(shingle_hashes("NATO will not send troops", 3), shingle_hashes("troops send not will NATO", 3))


def test_short_headline_still_has_one_shingle() -> None:
    assert len(shingle_hashes("Stoltenberg speaks", 3)) == 1


def test_estimate_tracks_true_jaccard_on_pan_texts() -> None:
    if not PAN_SRC.is_dir():
        pytest.skip("PAN13 training corpus not available")
    scheme = SignatureScheme(num_perm=256)
    text = sorted(PAN_SRC.glob("*.txt"))[0].read_text(encoding="utf-8")
    half = len(text) // 2
    variants = [text, text[:half] + text[:half]]  # second shares about half the shingles
    a, b = (set(shingle_hashes(t, 3).tolist()) for t in variants)
    true = len(a & b) / len(a | b)
    sig = signatures([shingle_hashes(t, 3) for t in variants], scheme)
    assert abs(jaccard(sig[0], sig[1]) - true) < 0.1


def test_scheme_from_config_and_round_trip() -> None:
    config = load_config(overrides={"duplication": {"num_perm": 64, "seed": 3, "shingle_size": 4}})
    scheme = SignatureScheme.from_config(config)
    assert (scheme.num_perm, scheme.seed, scheme.shingle_size) == (64, 3, 4)
    assert SignatureScheme.from_dict(scheme.as_dict()) == scheme
    sig = text_signatures([WIRE], scheme)[0]
    assert np.array_equal(scheme.from_bytes(scheme.to_bytes(sig)), sig)
    assert len(scheme.to_bytes(sig)) == 64 * 4


def test_invalid_scheme_is_refused_with_advice() -> None:
    with pytest.raises(ValueError, match="num_perm"):
        SignatureScheme(num_perm=1)
    with pytest.raises(ValueError, match="minhash_scheme"):
        SignatureScheme(minhash_scheme="legacy")


def test_hasher_table_gives_each_hashers_own_values_also_after_it_starts_again():
    from reliability.duplication.candidates import ContentHasher
    from reliability.duplication.minhash import HasherTable, TokenHasher, tokens

    token, content = TokenHasher(), ContentHasher()
    table = HasherTable(TokenHasher(), ContentHasher(), max_entries=12)
    texts = ["The council approved two bus lanes on Tuesday", "Critics argue the plan was rushed, the council said",
             "Çà et là: naïve façades, STRASSE and straße"]
    for text in texts * 2:
        words = tokens(text)
        values = table(words)
        assert values.shape == (2, len(words)) and values.dtype == np.uint64
        assert np.array_equal(values[0], token(words)) and np.array_equal(values[1], content(words))
    assert len(table) <= 12


@settings(max_examples=500, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(list("aZ9_ -.,'’—\n\u00a0éßİΣ")), st.sampled_from(["ﬁnance", "Straße", "٣"])), max_size=40).map("".join))
def test_tokens_fast_path_finds_the_regexs_words(text: str) -> None:
    """tokens() splits an ASCII text in C instead of running TOKEN; the words must be TOKEN's over the folded text."""
    from reliability.duplication.minhash import TOKEN, tokens

    assert tokens(text) == TOKEN.findall(text.casefold())
