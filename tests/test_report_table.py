"""The terminal report (rich): ranked table, reasons, verbose evidence, safe with hostile text."""

from __future__ import annotations

import io
from dataclasses import replace
from pathlib import Path

from rich.console import Console

from reliability import load_config, score_paths
from reliability.model import BatchResult, Document, Evidence, Metadata, Signal, Skipped
from reliability.report import render
from reliability.report.table import print_table, render_table_text, thresholds
from reliability.score import rank, score_article
from test_report_html import sample_batch

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


def _rows(text: str) -> list[str]:
    """Table body lines that start a row (the rank column is filled)."""
    return [line for line in text.splitlines() if line.startswith("│") and line.split("│")[1].strip().isdigit()]


def _rank(row: str) -> int:
    return int(row.split("│")[1])


def test_table_ranks_articles_best_first_with_reasons() -> None:
    batch = sample_batch()
    text = render_table_text(batch, width=160)
    rows = _rows(text)
    assert [_rank(r) for r in rows] == [1, 2, 3, 4, 5]
    assert "Garbled sentences typical of spun text (-27)" in rows[-1]
    assert "45.0" in rows[-1] and "review" in rows[-1]
    assert "4 accept (score ≥ 70), 1 review (45 ≤ score < 70), 0 reject (score < 45)" in text
    assert "1 input skipped" in text and "inbox/scan.pdf: not a text, HTML or JSONL file" in text


def test_verbose_adds_each_signals_evidence_and_note() -> None:
    batch = sample_batch()
    quiet = render_table_text(batch, width=160)
    loud = render_table_text(batch, width=160, verbose=True)
    assert "“TASS quotes Stoltenberg as saying” — Relayed from TASS" not in quiet
    assert "“TASS quotes Stoltenberg as saying” — Relayed from TASS, Russian state media rated unreliable" in loud
    assert "anonymous_framing 0.40 (−8.0): 1 of 3 attributions is anonymous" in loud
    assert "[article] No byline: nobody signs this article" in loud and "“”" not in loud


def test_triage_is_coloured_on_a_terminal() -> None:
    out = io.StringIO()
    print_table(sample_batch(), Console(file=out, force_terminal=True, color_system="standard", width=160))
    assert "\x1b[1;32maccept" in out.getvalue() and "\x1b[1;33mreview" in out.getvalue()


def test_article_text_cannot_inject_markup_or_escape_codes() -> None:
    text = "Officials said the vote passed.\n[bold red]FAKE ALERT[/bold red] \x1b[2J\x1b]0;owned\x07 cleared screen"
    doc = Document("x", text, Metadata(title="[link=https://evil.example]Click[/link] \x1b[31mred", outlet="[blink]Outlet"))
    ev = Evidence.of(text, 32, len(text), "Junk \x1b[2J line")
    result = score_article(doc, [Signal("page_junk", 1.0, (ev,), "[red]junk[/red]")], load_config())
    out = io.StringIO()
    print_table(BatchResult(rank([result])), Console(file=out, force_terminal=True, width=200), verbose=True)
    shown = out.getvalue()
    assert "\x1b[2J" not in shown and "\x1b]0;" not in shown and "\x07" not in shown
    assert "[bold red]FAKE ALERT[/bold red]" in shown and "[link=https://evil.example]Click[/link]" in shown
    assert "[red]junk[/red]" in shown and "[blink]Outlet" in shown


def test_render_dispatch_and_real_pipeline() -> None:
    batch = score_paths([str(SEEDS)], load_config())
    text = render(batch, "table")
    assert [_rank(r) for r in _rows(text)] == [1, 2, 3, 4, 5]
    assert "\x1b[" not in text  # plain text for files and pipes


def test_narrow_terminal_keeps_reasons_and_drops_outlet() -> None:
    narrow = render_table_text(sample_batch(), width=80)
    assert "Outlet" not in narrow and "Main reasons" in narrow
    assert max(len(line) for line in narrow.splitlines()) <= 80
    assert [_rank(r) for r in _rows(narrow)] == [1, 2, 3, 4, 5]


def test_thresholds_are_left_out_when_they_disagree_with_the_batch() -> None:
    batch = sample_batch()
    # Scored elsewhere with a stricter config the report cannot see: the 72.5 article was marked "review".
    relabelled = replace(batch, articles=tuple(replace(a, triage="review") if a.score < 80 else a for a in batch.articles))
    text = render_table_text(relabelled, width=160)
    assert "3 accept, 2 review, 0 reject" in text and "score ≥" not in text
    assert thresholds(batch) == {"accept": 70.0, "review": 45.0}


def test_bidi_overrides_in_titles_cannot_reorder_the_row() -> None:
    text = "The council approved the budget on Tuesday after a long debate, officials said."
    doc = Document("rtl", text, Metadata(title="Budget \u202egnissap\u202c approved \u2067x\u2069"))
    result = score_article(doc, [], load_config())
    shown = render_table_text(BatchResult(rank([result])), width=160)
    assert not any(ch in shown for ch in "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
    assert "Budget �gnissap� approved �x�" in shown


def test_reuse_pairs_are_listed_under_the_table_strongest_first() -> None:
    text = render_table_text(sample_batch(), width=160)
    copy = text.index("copy 88%: history:tass-2024-07-15 ⇄ 004_fda2ae532541edc6")
    para = text.index("paraphrase 42%: 000_567c832a25c03b87 ⇄ 003_8c03106444488f96 (no credit)")
    assert copy < para


def test_batch_where_everything_was_skipped_says_so() -> None:
    text = render_table_text(BatchResult((), skipped=(Skipped("scan.pdf", "not a text, HTML or JSONL file"),)))
    assert "No article could be scored." in text and "┏" not in text
    assert "skipped scan.pdf: not a text, HTML or JSONL file" in text
