from __future__ import annotations

import random

import pytest

from reliability import load_config
from reliability.calibrate import fit, read_labels, to_toml, write_config
from reliability.model import Document, Signal
from reliability.score import score_article


def _batch(config, n: int = 60, seed: int = 7):
    """Articles whose band is decided by sourcing (byline_origin, anonymous_framing); page_junk is noise."""
    rng = random.Random(seed)
    results, labels = [], {}
    for i in range(n):
        band = ("accept", "review", "reject")[i % 3]
        level = {"accept": 0.05, "review": 0.45, "reject": 0.9}[band]
        values = {
            "byline_origin": min(1.0, max(0.0, level + rng.gauss(0, 0.08))),
            "anonymous_framing": min(1.0, max(0.0, level + rng.gauss(0, 0.12))),
            "page_junk": rng.random(),
        }
        signals = [Signal(name, round(v, 3)) for name, v in values.items()] + [Signal("duplication", 0.0)]
        doc = Document(f"a{i:03d}", f"Article {i} text.")
        results.append(score_article(doc, signals, config))
        labels[doc.id] = band
    return results, labels


def test_fit_learns_points_for_informative_signals_and_cross_validates(config):
    results, labels = _batch(config)
    calibration = fit(results, labels, config=config)
    w = calibration.weights
    assert w["byline_origin"] + w["anonymous_framing"] > 40
    assert w["page_junk"] < min(w["byline_origin"], w["anonymous_framing"])
    assert calibration.cv_accuracy is not None and calibration.cv_accuracy >= 0.85
    assert calibration.n == 60 and calibration.class_counts == {"accept": 20, "review": 20, "reject": 20}
    assert 0 <= calibration.review <= calibration.accept <= 100


def test_numeric_labels_are_accepted(config):
    results, bands = _batch(config, n=30)
    numeric = {k: {"accept": 0.9, "review": 0.55, "reject": 0.1}[v] for k, v in bands.items()}
    calibration = fit(results, numeric, config=config)
    assert calibration.cv_accuracy is not None and calibration.cv_accuracy >= 0.8


def test_written_config_loads_and_states_its_evidence(config, tmp_path):
    results, labels = _batch(config)
    calibration = fit(results, labels, config=config)
    path = write_config(calibration, tmp_path / "calibrated.toml")
    text = path.read_text()
    assert "cross-validated triage accuracy" in text and "60 labelled articles" in text
    adopted = load_config(path)
    assert adopted.weights["byline_origin"] == pytest.approx(calibration.weights["byline_origin"], abs=0.01)
    assert adopted.get("triage", "accept") == calibration.accept
    # Signals the file does not name keep their defaults.
    assert adopted.weights["garbled_text"] == config.weights["garbled_text"]


def test_too_few_labels_is_an_error_that_says_what_to_do(config):
    results, labels = _batch(config, n=9)
    with pytest.raises(ValueError, match="label at least 4"):
        fit(results, {k: labels[k] for k in list(labels)[:3]})


def test_small_sample_is_fitted_but_not_claimed_as_validated(config):
    results, labels = _batch(config, n=6)
    calibration = fit(results, labels, config=config)
    assert calibration.cv_accuracy is None
    assert "not cross-validated" in to_toml(calibration)


def test_read_labels_csv(tmp_path):
    path = tmp_path / "labels.csv"
    path.write_text("id,label\nseed-000,reject\nseed-001, Review \nwire-1,0.9\n", encoding="utf-8")
    assert read_labels(path) == {"seed-000": "reject", "seed-001": "review", "wire-1": 0.9}
    path.write_text("id,label\nx,maybe\n", encoding="utf-8")
    with pytest.raises(ValueError, match="labels.csv:2"):
        read_labels(path)


def test_a_signal_that_never_fired_keeps_its_configured_weight(config, tmp_path):
    results, labels = _batch(config)
    calibration = fit(results, labels, config=config)
    assert "duplication" not in calibration.weights
    path = write_config(calibration, tmp_path / "c.toml")
    assert load_config(path).weights["duplication"] == config.weights["duplication"]


def test_calibrate_command_writes_a_config_from_labelled_files(tmp_path, seeds_dir):
    from click.testing import CliRunner

    from reliability.cli import cli

    labels = tmp_path / "labels.csv"
    rows = ["id,label"] + [f"{p.stem},{'reject' if p.stem.startswith('002') else 'review'}" for p in sorted(seeds_dir.glob("*.txt"))]
    labels.write_text("\n".join(rows) + "\n", encoding="utf-8")
    out = tmp_path / "calibrated.toml"
    result = CliRunner().invoke(cli, ["calibrate", str(seeds_dir), "--labels", str(labels), "-o", str(out), "-q"])
    assert result.exit_code == 0, result.output
    assert "5 labelled articles" in result.output
    assert load_config(out).get("triage", "accept") is not None


def test_calibrate_command_reports_bad_labels_as_an_error(tmp_path, seeds_dir):
    from click.testing import CliRunner

    from reliability.cli import cli

    labels = tmp_path / "labels.csv"
    labels.write_text("id,label\n000_x,great\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["calibrate", str(seeds_dir), "--labels", str(labels), "-o", str(tmp_path / "c.toml")])
    assert result.exit_code == 2
    assert "great" in result.output
