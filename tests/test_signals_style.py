"""The word-order model behind garbled_text: word classes, machine-made word order, evidence inside the text."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import numpy as np
import pytest

from reliability import load_config
from reliability.model import Document
from reliability.signals import SignalContext, garbled
from reliability.signals._style import NEWS_MODEL_PATH, SEPARATOR, Classifier, class_names, default_model, score
from reliability.signals._text import sentence_spans

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "articles"
PAN = ROOT.parent / "shared" / "eval" / "pan13-train"
MODEL = default_model()
CLASSES = Classifier(list(MODEL.function_words))
NAMES = class_names(list(MODEL.function_words))
CTX = SignalContext(load_config())


def log_odds(text: str) -> float:
    return score(text, sentence_spans(text), MODEL, CLASSES).log_odds


def test_common_words_keep_their_identity_and_other_words_become_shapes():
    ids = CLASSES.text_ids("The Kremlin sent the mini-sub, said officials on 2 August.", [(0, 58)])
    names = [NAMES[i] for i in ids]
    assert names[0] == names[-1] == "|"  # the sentence is framed
    assert names[1] == names[4] == "the"  # case does not matter for the commonest words
    assert names[2].startswith("A") and names[3].startswith("a")  # "Kremlin" is a capitalised word, "sent" not
    assert "NUM" in names and "," in names and "." in names
    assert not any(word in names for word in ("Kremlin", "kremlin", "officials", "August"))  # no content words


def test_translation_round_trip_reads_more_machine_made_than_its_original():
    """A PAN13-style translation chain (article dropped, prepositions scrambled) vs the sentence it came from."""
    original = ("The melting sparked territorial ambitions and international tensions, particularly after the "
                "Kremlin sent a mini-sub to plant the Russian flag on the Arctic seafloor. Most women who have heart "
                "disease can safely give birth to healthy children, without any permanent ill effects on heart "
                "function or life span.")
    round_trip = ("Crucible territorial ambitions raised international tensions, especially in the Kremlin sent "
                  "factory on the Arctic seabed, Russia flag. Most women who have diseases, such as heart, can "
                  "without risk of giving birth to healthy children without permanent negative effects on the "
                  "cardiac function and service life.")
    assert log_odds(round_trip) > log_odds(original) + 0.5


def test_translationese_reads_more_machine_made_to_the_model_learned_from_news():
    """Calques of a Polish or French original ("About the delay informed on Monday the representatives", "the
    inhabitants of the district", articles before every abstract noun) against the same report in idiomatic
    English, under the word-order model learned from spun and machine-translated news."""
    news = default_model(NEWS_MODEL_PATH)
    translated = ("The construction of the new bridge over the river will finish not in the spring, as it was "
                  "announced, but only in the end of the next year. About the delay informed on Monday the "
                  "representatives of the company responsible for the investment, indicating on the problems with "
                  "the ground and the increase of the costs of the materials. The inhabitants of the district do not "
                  "hide the disappointment. The users are invited to postpone the travels or to favour the public "
                  "transport when it is possible.")
    idiomatic = ("Work on the new river bridge will not be finished in the spring as promised, but late next year. "
                 "Officials from the company running the project announced the delay on Monday, blaming poor ground "
                 "conditions and rising material costs. Residents say they are disappointed. Commuters have been "
                 "asked to put off trips or take public transport where they can.")

    def news_log_odds(text: str) -> float:
        return score(text, sentence_spans(text), news, CLASSES).log_odds

    assert news_log_odds(translated) > news_log_odds(idiomatic) + 1.0


def test_the_news_model_weighs_no_names_or_numbers():
    """How many names and figures a story holds (a results table, a court list) is its topic, not its grammar: the
    model learned from news gives no weight to a word-class pair with a number or a capitalised word in it."""
    news = default_model(NEWS_MODEL_PATH)
    size = len(NAMES)
    weighted = np.flatnonzero(news.table)
    assert len(weighted) > 1000
    for key in weighted.tolist():
        for name in (NAMES[key // size], NAMES[key % size]):
            assert name != "NUM" and not name.startswith("A"), name


def test_a_separator_character_in_the_text_does_not_make_sentences():
    text = "The council approved the budget on Tuesday. It takes effect in July."
    hostile = text.replace("approved the", "approved\x1ethe")
    assert SEPARATOR == "\x1e"
    assert log_odds(hostile) == pytest.approx(log_odds(text))


def test_whole_text_evidence_is_inside_the_text_and_names_what_it_weighs():
    for name in ("mt_flood_report.txt", "spun_council_budget.txt"):
        text = (FIXTURES / name).read_text(encoding="utf-8")
        signal = garbled.compute(Document("t", text), CTX)
        whole = [e for e in signal.evidence if "likely" in e.note]
        assert whole, name
        for e in whole:
            assert text[e.start : e.end] == e.text and len(e.text) < 60  # a few words, not a whole paragraph
            assert re.search(r"\d+% likely", e.note) and re.search(r"typical clean copy: \d+%", e.note)


def test_a_short_text_is_not_judged_as_a_whole():
    text = "Crucible territorial ambitions raised tensions, especially in the Kremlin sent factory on the seabed."
    signal = garbled.compute(Document("t", text), CTX)
    assert not any("likely" in e.note for e in signal.evidence)


def test_clean_wire_copy_reads_less_machine_made_than_machine_translated_copy_on_average():
    def mean_order(prefix: str) -> float:
        values = [log_odds(p.read_text(encoding="utf-8")) for p in FIXTURES.glob(f"{prefix}_*.txt")]
        return sum(values) / len(values)

    assert mean_order("mt") > mean_order("clean") + 0.5


@pytest.mark.skipif(not PAN.is_dir(), reason="needs ../shared/eval/pan13-train")
def test_pan_translation_round_trips_rank_above_their_originals_on_the_tuning_fold():
    """The fold the model was not trained on (tools/build_style_model.py trains on 'table' only)."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from garbled_auc import pan_pairs
    from sklearn.metrics import roc_auc_score

    pairs = pan_pairs("04-translation-obfuscation", "tune")
    assert len(pairs) > 100
    scores = [log_odds(text) for pair in pairs for text in pair]
    labels = [1, 0] * len(pairs)
    assert roc_auc_score(labels, scores) > 0.72  # measured 0.79; chance is 0.5


def test_chunked_classification_gives_the_ids_of_a_plain_token_scan():
    """The fast path (chunks split on spaces, classified once) against reading every token with the regex."""
    from reliability.signals._style import TOKEN

    texts = [p.read_text(encoding="utf-8") for p in sorted(FIXTURES.glob("*.txt"))]
    texts.append("Tabs\tand\u00a0no-break spaces,\nline breaks;  double  spaces (AP) “quotes” 1,000's 3.5%\x1e ok.")
    fresh = Classifier(list(MODEL.function_words))
    for text in texts:
        sentences = sentence_spans(text)
        plain = [0]
        for i, (start, end) in enumerate(sentences):
            plain += ([0] if i else []) + [fresh.token_id(t) for t in TOKEN.findall(text.replace("\x1e", " "), start, end)]
        assert CLASSES.text_ids(text, sentences) == plain + [0]


def test_a_slight_lean_adds_nothing_and_shows_no_evidence():
    """Clean wire copy reads as clean as typical clean copy: below a point's worth, the whole-text model stays silent."""
    text = (FIXTURES / "clean_wire_court_ruling.txt").read_text(encoding="utf-8")
    signal = garbled.compute(Document("t", text), CTX)
    assert signal.details["p_machine_made"] < 0.05
    assert not any("likely" in e.note for e in signal.evidence)
    assert signal.summary == "Clean copy: no garbled sentences"


def test_word_pair_evidence_is_not_half_of_a_hyphenated_compound():
    """"a no-fly zone" is read as a phrase by a person; "a no" is not evidence of spinning."""
    for path in sorted((ROOT / "seeds").glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        for e in garbled.compute(Document("t", text), CTX).evidence:
            if "word pair" in e.note:
                assert text[e.end : e.end + 1] != "-", (path.name, e.text)


def test_word_pair_evidence_says_how_much_rarer_than_chance_each_pair_is():
    """An editor shown "and the" as an unusual pair would stop trusting the list: each pair states its rarity, only
    a pair at least twice rarer than chance is called unusual, and near-chance pairs appear only when nothing is
    rarer."""
    unusual = 0
    # Every statistic's evidence shown, not only that of those leaning the text towards machine-made (min_lean).
    every = SignalContext(load_config(overrides={"signals": {"garbled_text": {"min_lean": -100.0}}}))
    for path in sorted(FIXTURES.glob("*.txt")):
        evidence = garbled.compute(Document("t", path.read_text(encoding="utf-8")), every).evidence
        notes = [e.note for e in evidence if "word pair" in e.note and not e.note.startswith("Unusual wording")]
        for note in notes:
            assert "rarer in clean English than its words' frequencies predict" in note, (path.name, note)
            assert "least usual word pair" in note or note.startswith("Unusual word pair")
            m = re.match(r"Unusual word pair: about (\d+) times rarer", note)
            if m:
                assert int(m.group(1)) >= 2
                unusual += path.name.startswith(("spun_", "mt_"))
        if any(n.startswith("Unusual word pair") for n in notes):
            assert not any("though near chance" in n for n in notes), path.name
    assert unusual >= 6  # the spun and machine-translated fixtures have pairs far rarer than chance
