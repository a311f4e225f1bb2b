"""PAN evaluation runner: pair files, detection XML, and a small end-to-end run scored by the PAN scorer."""

from __future__ import annotations

import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from reliability.config import load_config
from reliability.model import Passage
from reliability.pan import Pair, detection_xml, output_name, read_pairs, run

PAN = Path("/work/shared/eval/pan13-train")
SCORER = Path("/work/shared/eval/plagdet.py")


def test_read_pairs_skips_blank_lines_and_refuses_paths(tmp_path: Path) -> None:
    good = tmp_path / "pairs"
    good.write_text("suspicious-document00001.txt source-document00294.txt\n\nsusp-2.txt src-9.txt\n", encoding="utf-8")
    assert read_pairs(good) == [
        Pair("suspicious-document00001.txt", "source-document00294.txt"),
        Pair("susp-2.txt", "src-9.txt"),
    ]
    bad = tmp_path / "bad"
    bad.write_text("../../etc/passwd source-document00294.txt\n", encoding="utf-8")
    with pytest.raises(ValueError, match="bad:1"):
        read_pairs(bad)


def test_detection_xml_is_pan_format() -> None:
    pair = Pair("suspicious-document00006.txt", "source-document00560.txt")
    xml = detection_xml(pair, [Passage(1084, 1486, 1412, 1681, "paraphrase", 0.7)])
    root = ET.fromstring(xml)
    assert root.get("reference") == "suspicious-document00006.txt"
    (feature,) = list(root)
    assert feature.attrib == {
        "name": "detected-plagiarism",
        "this_offset": "1412",
        "this_length": "269",
        "source_reference": "source-document00560.txt",
        "source_offset": "1084",
        "source_length": "402",
    }
    assert output_name(pair) == "suspicious-document00006-source-document00560.xml"


@pytest.mark.skipif(not PAN.is_dir(), reason="PAN13 training corpus not available")
@pytest.mark.parametrize("jobs", [1, 2])
def test_run_writes_one_file_per_pair_and_scores_well(tmp_path: Path, jobs: int) -> None:
    lines = (PAN / "02-no-obfuscation" / "pairs").read_text(encoding="utf-8").splitlines()[:6]
    lines += (PAN / "01-no-plagiarism" / "pairs").read_text(encoding="utf-8").splitlines()[:4]
    pairs = tmp_path / "pairs"
    pairs.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "out"

    detections = run(pairs, PAN / "src", PAN / "susp", out, load_config(), jobs=jobs)

    assert len(list(out.glob("*.xml"))) == 10
    assert detections >= 6
    command = [sys.executable, str(SCORER), str(PAN), str(out), "--pairs", str(pairs)]
    score = subprocess.run(command, capture_output=True, text=True, check=True).stdout.split()
    plagdet, recall, precision = float(score[1]), float(score[3]), float(score[5])
    assert recall > 0.9 and precision > 0.8 and plagdet > 0.85


@pytest.mark.skipif(not PAN.is_dir(), reason="PAN13 training corpus not available")
def test_cli_eval_pan_writes_detections_and_reports_missing_files(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from reliability.cli import cli

    pairs = tmp_path / "pairs"
    pairs.write_text("suspicious-document00006.txt source-document00560.txt\n", encoding="utf-8")
    args = ["eval", "pan", "--pairs", str(pairs), "--susp", str(PAN / "susp"), "--out", str(tmp_path / "out")]
    args += ["--jobs", "1"]

    ok = CliRunner().invoke(cli, [*args, "--src", str(PAN / "src")])
    assert ok.exit_code == 0, ok.output
    assert (tmp_path / "out" / "suspicious-document00006-source-document00560.xml").is_file()

    missing = CliRunner().invoke(cli, [*args, "--src", str(tmp_path)])
    assert missing.exit_code != 0
    assert "source-document00560.txt" in missing.output
