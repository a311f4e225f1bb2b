"""The HTML report on the seed articles with hand-placed evidence and a hand-made reuse pair.

``sample_batch()`` is also used by the other report tests: signals and duplication are being built in parallel,
so the report is tested on evidence placed where a careful editor would put it, found in the seed text by search.
"""

from __future__ import annotations

import html
from dataclasses import replace
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reliability import load_config, score_paths
from reliability.model import (
    BatchResult,
    Document,
    DuplicationResult,
    Evidence,
    Match,
    Metadata,
    Passage,
    Repetition,
    Signal,
    Skipped,
)
from reliability.report.data import article_data
from reliability.report.html import CSP, UNRATED, marks_for, rating_label, render_html, safe_url, segments
from reliability.score import rank, score_article

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


def _text(stem: str) -> str:
    return (SEEDS / f"{stem}.txt").read_text(encoding="utf-8")


def _ev(text: str, phrase: str, note: str, nth: int = 0) -> Evidence:
    start = -1
    for _ in range(nth + 1):
        start = text.index(phrase, start + 1)
    return Evidence.of(text, start, start + len(phrase), note)


def _span(text: str, phrase: str) -> tuple[int, int]:
    start = text.index(phrase)
    return start, start + len(phrase)


def _docs() -> dict[str, Document]:
    out = {}
    for path in sorted(SEEDS.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        out[path.stem[:3]] = Document(path.stem, text, Metadata(path=str(path)))
    return out


def sample_batch() -> BatchResult:
    """Five seeds scored from hand-made signals; one reuse pair (000/003), one stored match, a repetition.

    Weights and thresholds are pinned so retuning the defaults does not change what these report tests expect.
    """
    config = load_config(overrides={
        "weights": {"anonymous_framing": 20, "garbled_text": 30, "page_junk": 8, "byline_origin": 25, "duplication": 15},
        "triage": {"accept": 70, "review": 45},
    })
    d = _docs()
    t = {k: doc.text for k, doc in d.items()}
    d["003"] = Document(
        d["003"].id,
        t["003"],
        Metadata(
            outlet="CryptoNewsHub",
            author="CryptoNewsHub Staff",
            published="2025-11-08T10:51",
            url="https://cryptonewshub.example/nato-red-line?a=1&b=2",
            path=d["003"].meta.path,
        ),
    )
    d["001"] = Document(d["001"].id, t["001"], Metadata(title="Stoltenberg recalled a painful conversation with Zelensky in February 2022", url="javascript:alert(1)", path=d["001"].meta.path))
    signals = {
        "004": [
            Signal(
                "byline_origin",
                0.6,
                (
                    _ev(t["004"], "TASS quotes Stoltenberg as saying", "Relayed from TASS, Russian state media rated unreliable"),
                    _ev(t["004"], "the France Presse agency reported", "Relayed from AFP without a link to the dispatch"),
                ),
                "No byline; relays TASS (unreliable) and AFP",
                {
                    "author_kind": "none",
                    "agencies": [
                        # The registry's words here, its numbers (-2..1) for 001 below: the report shows both.
                        {"name": "TASS", "domain": "tass.ru", "rating": "unreliable", "span": list(_span(t["004"], "TASS"))},
                        {"name": "AFP", "domain": "afp.com", "rating": "reliable", "span": list(_span(t["004"], "France Presse"))},
                    ],
                },
            ),
            # Overlaps the AFP span above on purpose: the report must split it into segments.
            Signal(
                "anonymous_framing",
                0.4,
                (_ev(t["004"], "agency reported, citing Ukrainian officials", "Officials are not named"),),
                "1 of 3 attributions is anonymous",
            ),
        ],
        "002": [
            Signal(
                "page_junk",
                1.0,
                (
                    _ev(t["002"], "Share this story via social media", "Share button text left in the article"),
                    _ev(t["002"], "Related Articles", "Navigation left in the article"),
                    _ev(t["002"], "Back to top button", "Navigation left in the article"),
                ),
                "3 lines of page furniture",
            ),
            Signal(
                "garbled_text",
                0.9,
                (
                    _ev(t["002"], "escalate and spread beyond Ukraine,”He said.", "Missing space after a closing quote, typical of machine rewriting"),
                    _ev(t["002"], "was “mentioned”Stoltenberg spoke at the meeting", "Quote glued to the next word; sentence does not parse"),
                ),
                "Garbled sentences typical of spun text",
            ),
            # Empty spans: notes about something missing, as byline_origin writes them.
            Signal(
                "byline_origin",
                0.8,
                (
                    Evidence(0, 0, "", "No byline: nobody signs this article"),
                    Evidence(0, 0, "", "No outlet: nothing says who published this"),
                ),
                "No byline, no outlet, no date",
                {"author_kind": "none"},
            ),
        ],
        "001": [
            Signal(
                "page_junk",
                0.5,
                (_ev(t["001"], "Jens Stoltenberg\n\nJens Stoltenberg\n\nNATO External Secretary", "Photo caption block"),),
                "Caption block in the body",
            ),
            Signal(
                "byline_origin",
                0.3,
                (_ev(t["001"], "Source:  online.ua", "Credited to online.ua only"),),
                "Credits online.ua, no author",
                {
                    "author_kind": "none",
                    "outlet": "online.ua",
                    "outlet_domain": "online.ua",
                    "outlet_rating": 0,
                    "credits": [{"role": "source", "name": "online.ua", "domain": "online.ua", "rating": 0, "span": list(_span(t["001"], "online.ua"))}],
                },
            ),
        ],
        "003": [
            Signal(
                "byline_origin",
                0.2,
                (_ev(t["003"], "By CryptoNewsHub Staff", "Staff byline from a crypto outlet writing on defence"),),
                "Staff byline, off-beat outlet",
                {"author_kind": "staff", "outlet_domain": "cryptonewshub.example", "outlet_rating": None, "off_beat": "crypto outlet writing about politics/security"},
            ),
        ],
        "000": [Signal("anonymous_framing", 0.0, (), "No vague attribution found")],
    }
    a_para = _span(t["000"], "such a move would have required a far more aggressive stance")
    b_para = _span(t["003"], "enforcing a no-fly zone would require NATO pilots to enter Ukrainian airspace")
    a_quote = _span(t["000"], "NATO explicitly refused Ukraine’s request to establish a no-fly zone")
    b_quote = _span(t["003"], "NATO’s restraint is a deliberate decision")
    match = Match(
        d["000"].id,
        d["003"].id,
        "paraphrase",
        0.42,
        (
            Passage(*a_para, *b_para, "paraphrase", 0.61),
            Passage(*a_quote, *b_quote, "quote", 0.35),
        ),
        earlier=d["000"].id,
        credited=False,
    )
    stored_b = _span(t["004"], "“NATO’s policy remains unchanged: we will not participate in this conflict.")
    stored = Match(
        "history:tass-2024-07-15",
        d["004"].id,
        "copy",
        0.88,
        (Passage(0, 76, *stored_b, "copy", 0.97),),
        earlier="history:tass-2024-07-15",
        credited=True,
        history={"outlet": "tass.ru", "first_seen": "2024-07-15"},
    )
    dup_signal = {
        d["003"].id: Signal("duplication", 0.5, (Evidence.of(t["003"], *b_para, "Paraphrases 000 without credit"),), "Paraphrases another batch article without credit"),
        d["004"].id: Signal("duplication", 0.3, (Evidence.of(t["004"], *stored_b, "Copied from a stored TASS article (credited)"),), "Quote copied from TASS, credited"),
    }
    results = []
    for key, doc in d.items():
        sigs = list(signals[key])
        if doc.id in dup_signal:
            sigs.append(dup_signal[doc.id])
        results.append(score_article(doc, sigs, config))
    first = _span(t["001"], "Stoltenberg explained NATO's paradoxical decisions")
    second_start = t["001"].index("Stoltenberg explained NATO's paradoxical decisions", first[1])
    repetition = Repetition(d["001"].id, first, (second_start, second_start + first[1] - first[0]), 1.0)
    dup = DuplicationResult(
        matches=(match, stored),
        repetitions=(repetition,),
        clusters=((d["000"].id, d["003"].id),),
        signals=dup_signal,
    )
    skipped = (Skipped("inbox/scan.pdf", "not a text, HTML or JSONL file"),)
    return BatchResult(rank(results), dup, skipped, "default")


class _Marks(HTMLParser):
    """Collects, per evidence number, the text of every <mark> segment carrying it (in page order)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[list[str]] = []
        self.text: dict[str, str] = {}
        self.tags: list[str] = []
        self.title = ""
        self._in_title = False
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        self.tags.append(tag)
        if tag == "mark":
            self.stack.append((a.get("data-marks") or "").split())
        if tag == "a" and a.get("href"):
            self.hrefs.append(a["href"] or "")
        self._in_title = tag == "title"

    def handle_endtag(self, tag: str) -> None:
        if tag == "mark":
            self.stack.pop()
        self._in_title = False

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title += data
        for numbers in self.stack:
            for n in numbers:
                self.text[n] = self.text.get(n, "") + data


def _article_html(page: str, anchor: str) -> str:
    m = re.search(rf'<article id="{anchor}".*?</article>', page, re.S)
    assert m, anchor
    return m.group(0)


@pytest.fixture(scope="module")
def batch() -> BatchResult:
    return sample_batch()


@pytest.fixture(scope="module")
def page(batch: BatchResult) -> str:
    return render_html(batch)


def test_ranking_lists_articles_best_first(batch: BatchResult, page: str) -> None:
    table = page[page.index('<table class="ranking">') : page.index("</table>", page.index('<table class="ranking">'))]
    positions = [table.index(f'href="#d{a.rank}"') for a in batch.articles]
    assert positions == sorted(positions)
    scores = [float(s) for s in re.findall(r'<td class="num score">([\d.]+)</td>', table)]
    assert scores == sorted(scores, reverse=True) and len(scores) == 5
    # The worst article (seed 002: page junk, garbled sentences, no byline) is last.
    assert batch.articles[-1].document.id.startswith("002")


def test_triage_summary_counts_each_band_with_thresholds(batch: BatchResult, page: str) -> None:
    for triage in ("accept", "review", "reject"):
        count = sum(a.triage == triage for a in batch.articles)
        assert re.search(rf'<div class="band {triage}"><span class="count">{count}</span>', page)
    assert "score ≥ 70" in page and "45 ≤ score &lt; 70" in page and "score &lt; 45" in page


def test_every_highlight_is_exactly_the_evidence_span(batch: BatchResult, page: str) -> None:
    for article in batch.articles:
        parser = _Marks()
        parser.feed(_article_html(page, f"d{article.rank}"))
        marks = marks_for(article.document.text, article_data(article)["signals"])
        placed = [m for m in marks if m.placed]
        assert len(parser.text) == len(placed)
        for mark in placed:
            assert parser.text[str(mark.number)] == article.document.text[mark.start : mark.end]


def test_overlapping_spans_from_two_signals_are_split_into_segments(batch: BatchResult, page: str) -> None:
    article = next(a for a in batch.articles if a.document.id.startswith("004"))
    html = _article_html(page, f"d{article.rank}")
    both = re.search(r'<mark data-marks="(\d+) (\d+)"[^>]*linear-gradient[^>]*>agency reported</mark>', html)
    assert both, "the words both signals flagged should be one striped segment"
    assert "Relayed from AFP" in html and "Officials are not named" in html


def test_text_between_highlights_is_kept_verbatim(batch: BatchResult) -> None:
    for article in batch.articles:
        text = article.document.text
        marks = marks_for(text, article_data(article)["signals"])
        assert "".join(seg.text for seg in segments(text, marks)) == text


def test_evidence_with_wrong_offsets_is_listed_but_not_highlighted() -> None:
    text = "Officials said the plan would go ahead, according to sources familiar with the matter."
    signals = {"anonymous_framing": {"evidence": [{"start": 40, "end": 999, "text": "according to sources", "note": "stale offsets"}]}}
    marks = marks_for(text, signals)
    assert [m.placed for m in marks] == [False]
    assert [s.marks for s in segments(text, marks)] == [()]


def test_reuse_pair_shows_both_passages_side_by_side(batch: BatchResult, page: str) -> None:
    reuse = page[page.index('<section id="reuse">') : page.index("</section>", page.index('<section id="reuse">'))]
    t000 = batch.articles[[a.document.id[:3] for a in batch.articles].index("000")].document.text
    assert "such a move would have required a far more aggressive stance" in t000
    assert "such a move would have required a far more aggressive stance" in reuse
    assert "enforcing a no-fly zone would require NATO pilots to enter Ukrainian airspace" in reuse
    assert "paraphrase</strong>, similarity 42%" in reuse
    assert "no credit to the source" in reuse
    assert "stored article from tass.ru, first seen 2024-07-15" in reuse
    assert "stored: history:tass-2024-07-15" in reuse
    assert "Stoltenberg explained NATO&#39;s paradoxical decisions" in reuse  # the repetition


def test_metadata_shows_relayed_agencies_with_ratings(batch: BatchResult, page: str) -> None:
    article = next(a for a in batch.articles if a.document.id.startswith("004"))
    html = _article_html(page, f"d{article.rank}")
    assert re.search(r"TASS <span class=\"muted\">\(tass.ru\)</span> · <strong>rated unreliable</strong>", html)
    assert "AFP" in html and "<strong>rated reliable</strong>" in html


def test_only_http_links_are_clickable(batch: BatchResult, page: str) -> None:
    parser = _Marks()
    parser.feed(page)
    external = [h for h in parser.hrefs if not h.startswith("#")]
    assert external == ["https://cryptonewshub.example/nato-red-line?a=1&b=2"]
    assert "javascript:alert(1)" in page  # shown as text so the editor sees what the page claimed
    assert safe_url("javascript:alert(1)") is None and safe_url("  HTTP://x.org/a ") == "HTTP://x.org/a"
    assert safe_url("data:text/html,hi") is None and safe_url("//evil.example/x") is None


def test_page_is_self_contained_and_script_free(page: str) -> None:
    csp = re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]*)">', page)
    assert csp and html.unescape(csp.group(1)) == CSP and "script-src" not in CSP
    assert "<script" not in page.lower()
    assert not re.search(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", page.replace('href="https://cryptonewshub', ""))
    assert "@import" not in page and "url(" not in page


def test_skipped_inputs_are_listed_with_reason(page: str) -> None:
    assert "inbox/scan.pdf" in page and "not a text, HTML or JSONL file" in page


def test_real_pipeline_on_seeds_renders_every_article() -> None:
    batch = score_paths([str(SEEDS)], load_config())
    page = render_html(batch)
    assert page.count('<article id="d') == len(batch.articles) == 5
    for article in batch.articles:
        assert f"{article.score:.1f}" in page


@given(st.data())
@settings(max_examples=200, deadline=None)
def test_segments_rebuild_text_and_every_span_for_any_overlap(data: st.DataObject) -> None:
    text = data.draw(st.text(alphabet="ab \n“é<&", min_size=1, max_size=60))
    n = len(text)
    spans = data.draw(st.lists(st.tuples(st.integers(0, n), st.integers(0, n)), max_size=8))
    signals: dict[str, Any] = {}
    for i, (x, y) in enumerate(spans):
        start, end = min(x, y), max(x, y)
        ev = {"start": start, "end": end, "text": text[start:end], "note": f"n{i}"}
        signals.setdefault(("anonymous_framing", "page_junk", "garbled_text")[i % 3], {"evidence": []})["evidence"].append(ev)
    marks = marks_for(text, signals)
    segs = segments(text, marks)
    assert "".join(s.text for s in segs) == text
    for mark in marks:
        if mark.placed:
            assert "".join(s.text for s in segs if mark in s.marks) == text[mark.start : mark.end]
            assert sum(mark.number in s.ends for s in segs) == 1


def test_article_section_links_to_its_reuse_pairs(batch: BatchResult, page: str) -> None:
    article = next(a for a in batch.articles if a.document.id.startswith("003"))
    html = _article_html(page, f"d{article.rank}")
    link = re.search(r'Shares text with:\s*<a href="#(p\d+)">000_567c832a25c03b87</a> \(paraphrase, 42%\)', html)
    assert link
    pair = page[page.index(f'<div class="pair" id="{link.group(1)}">') :]
    assert pair.index("paraphrase</strong>, similarity 42%") < pair.index("</div>")


def test_reuse_pairs_are_listed_strongest_first(page: str) -> None:
    heads = re.findall(r"<strong>(copy|paraphrase|quote)</strong>, similarity (\d+)%", page)
    assert [int(s) for _, s in heads] == [88, 42]


def test_metadata_shows_credited_outlet_and_beat(batch: BatchResult, page: str) -> None:
    html_001 = _article_html(page, f"d{next(a.rank for a in batch.articles if a.document.id.startswith('001'))}")
    assert "<dt>Outlet</dt><dd>online.ua" in html_001 and "<strong>rated mixed</strong>" in html_001
    assert '<span class="muted">source:</span> online.ua' in html_001
    html_003 = _article_html(page, f"d{next(a.rank for a in batch.articles if a.document.id.startswith('003'))}")
    assert "<dt>Beat</dt><dd>crypto outlet writing about politics/security</dd>" in html_003
    assert "CryptoNewsHub Staff <span class=\"muted\">(staff)</span>" in html_003


def test_notes_about_the_whole_article_are_listed_not_highlighted(batch: BatchResult, page: str) -> None:
    article = next(a for a in batch.articles if a.document.id.startswith("002"))
    html = _article_html(page, f"d{article.rank}")
    assert re.search(r'<span class="offsets">about the whole article</span> No byline: nobody signs this article', html)
    refs = [int(n) for n in re.findall(r'<sup class="ref"[^>]*><a [^>]*>(\d+)</a></sup>', html)]
    assert refs == sorted(refs) and refs[0] == 1  # numbers in the text run 1, 2, 3 … in reading order
    assert "5 highlighted spans" in html  # 3 junk + 2 garbled; the two notes are not spans


def test_quiet_signals_are_named_in_one_line_not_a_table_row(batch: BatchResult, page: str) -> None:
    article = next(a for a in batch.articles if a.document.id.startswith("000"))
    html = _article_html(page, f"d{article.rank}")
    assert "Found nothing: anonymous_framing." in html
    assert "No vague attribution found" not in html


def test_outlet_column_only_when_some_article_names_an_outlet(batch: BatchResult, page: str) -> None:
    assert ">Outlet</th>" in page and '<td class="col-outlet">CryptoNewsHub</td>' in page
    # 000 and 002 name no outlet, neither in metadata nor through byline_origin.
    plain = BatchResult(rank([replace(a, rank=0) for a in batch.articles if a.document.id[:3] in ("000", "002")]))
    assert ">Outlet</th>" not in render_html(plain)


def test_articles_sharing_an_id_each_show_their_own_text() -> None:
    config = load_config()
    first = "Officials said the bridge would reopen on Monday, according to a source close to the project."
    second = "The mayor told reporters on Friday that the bridge repairs were finished ahead of schedule."
    results = []
    for text, phrase in ((first, "according to a source"), (second, "told reporters")):
        ev = _ev(text, phrase, "Checked phrase")
        results.append(score_article(Document("bridge", text), [Signal("anonymous_framing", 0.5, (ev,), "s")], config))
    page = render_html(BatchResult(rank(results)))
    for anchor in ("d1", "d2"):
        parser = _Marks()
        parser.feed(_article_html(page, anchor))
        assert list(parser.text.values()) in (["according to a source"], ["told reporters"])
    assert "according to a source" in page and "told reporters</mark>" in page


def test_ratings_read_the_same_whether_the_signal_gives_words_or_numbers() -> None:
    assert rating_label(-2) == "rated blacklisted" and rating_label("unreliable") == "rated unreliable"
    assert rating_label(1) == rating_label("reliable") == "rated reliable"
    assert rating_label("unrated") == rating_label(None) == rating_label(True) == UNRATED


def test_batch_where_everything_was_skipped_says_so() -> None:
    page = render_html(BatchResult((), skipped=(Skipped("scan.pdf", "not a text, HTML or JSONL file"),)))
    assert "No article could be scored." in page and '<table class="ranking">' not in page
    assert "<title>Reliability report: 0 articles</title>" in page and "scan.pdf" in page


def test_stored_match_with_partial_history_still_renders(batch: BatchResult) -> None:
    stored = replace(batch.duplication.matches[1], history={"first_seen": "2024-07-15"})
    page = render_html(replace(batch, duplication=replace(batch.duplication, matches=(batch.duplication.matches[0], stored))))
    assert "stored article, first seen 2024-07-15" in page
