"""The HTML report opened in headless Chromium: it renders, has the expected title and logs no console errors.

``open_in_chromium`` is shared with tests/test_report_security.py.
"""

from __future__ import annotations

import re
import struct
import subprocess
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

import pytest

from reliability import load_config, score_paths
from reliability.report.html import render_html
from test_report_html import sample_batch

CHROMIUM = Path("/usr/bin/chromium")
SEEDS = Path(__file__).resolve().parent.parent / "seeds"
WINDOW = (1280, 2000)

needs_chromium = pytest.mark.skipif(
    not CHROMIUM.exists(),
    reason="needs Debian's chromium at /usr/bin/chromium (apt-get install -y chromium; .ci/run installs it)",
)
pytestmark = [pytest.mark.browser, needs_chromium]

# Quiet, offline, single-shot: no sync, no update checks, no network from the browser itself.
_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--enable-logging=stderr",
    "--v=0",
)
_CONSOLE = re.compile(r":CONSOLE[:(]\d*\)?\]\s*(.*)$", re.M)


@dataclass(frozen=True)
class Visit:
    dom: str  # the DOM after the page ran (what --dump-dom serialises)
    console: tuple[str, ...]  # every console message, including CSP violation reports

    @property
    def title(self) -> str:
        m = re.search(r"<title>(.*?)</title>", self.dom, re.S)
        return m.group(1) if m else ""


def _chromium(page: Path, workdir: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    profile = workdir / "chromium-profile"
    cmd = [str(CHROMIUM), *_FLAGS, f"--user-data-dir={profile}", *extra, page.resolve().as_uri()]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=60, check=False)


def open_in_chromium(page: Path, workdir: Path) -> Visit:
    """Load ``page`` from file:// and return the resulting DOM and console messages."""
    done = _chromium(page, workdir, "--dump-dom")
    assert done.returncode == 0, done.stderr[-2000:]
    return Visit(done.stdout, tuple(_CONSOLE.findall(done.stderr)))


def screenshot(page: Path, workdir: Path, png: Path) -> Path:
    done = _chromium(page, workdir, f"--screenshot={png}", f"--window-size={WINDOW[0]},{WINDOW[1]}")
    assert done.returncode == 0 and png.exists(), done.stderr[-2000:]
    return png


def png_size(png: Path) -> tuple[int, int]:
    data = png.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()
        self.anchors: list[str] = []
        self.marks = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if a.get("id"):
            self.ids.add(a["id"] or "")
        if tag == "a" and (a.get("href") or "").startswith("#"):
            self.anchors.append((a["href"] or "")[1:])
        self.marks += tag == "mark"


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("report") / "report.html"
    path.write_text(render_html(sample_batch()), encoding="utf-8")
    return path


def test_report_renders_with_title_and_no_console_errors(report: Path, tmp_path: Path) -> None:
    visit = open_in_chromium(report, tmp_path)
    assert visit.title == "Reliability report: 5 articles"
    assert visit.console == (), visit.console  # no CSP violation, no blocked resource, nothing logged
    tags = _Tags()
    tags.feed(visit.dom)
    assert tags.marks >= 10  # highlights survived parsing
    assert set(tags.anchors) <= tags.ids  # every in-page link lands somewhere
    assert {"ranking", "reuse", "articles", "skipped", "d1", "d5"} <= tags.ids


def test_screenshot_is_not_blank(report: Path, tmp_path: Path) -> None:
    shot = screenshot(report, tmp_path, tmp_path / "report.png")
    blank_page = tmp_path / "blank.html"
    blank_page.write_text("<!DOCTYPE html><title>blank</title>", encoding="utf-8")
    blank = screenshot(blank_page, tmp_path, tmp_path / "blank.png")
    assert png_size(shot) == WINDOW
    # A white page compresses to almost nothing; tables, text and colour do not.
    assert shot.stat().st_size > 10 * blank.stat().st_size, (shot.stat().st_size, blank.stat().st_size)


def test_real_pipeline_report_opens_cleanly(tmp_path: Path) -> None:
    page = tmp_path / "seeds.html"
    page.write_text(render_html(score_paths([str(SEEDS)], load_config())), encoding="utf-8")
    visit = open_in_chromium(page, tmp_path)
    assert visit.title == "Reliability report: 5 articles"
    assert visit.console == ()
