"""The Markdown report: what an editor sees pasted into a merge request or chat."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from reliability import load_config, score_paths
from reliability.model import BatchResult, Document, Evidence, Metadata, Signal, Skipped
from reliability.report import render
from reliability.report.markdown import md_code, md_text, render_markdown
from reliability.score import rank, score_article
from test_report_html import sample_batch

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


@pytest.fixture(scope="module")
def batch() -> BatchResult:
    return sample_batch()


@pytest.fixture(scope="module")
def md(batch: BatchResult) -> str:
    return render_markdown(batch)


def _ranking_rows(md: str) -> list[list[str]]:
    section = md[md.index("## Ranking") : md.index("## Reuse")]
    rows = [line for line in section.splitlines() if line.startswith("| ") and not line.startswith("| #")]
    # Split on pipes not escaped with a backslash: what a GFM renderer does.
    return [[c.strip() for c in re.split(r"(?<!\\)\|", row)[1:-1]] for row in rows]


def test_ranking_table_is_in_rank_order_with_scores(batch: BatchResult, md: str) -> None:
    rows = _ranking_rows(md)
    assert [int(r[0]) for r in rows] == [a.rank for a in batch.articles] == [1, 2, 3, 4, 5]
    assert [float(r[1]) for r in rows] == [a.score for a in batch.articles]
    assert all(len(r) == 6 for r in rows)
    assert "Garbled sentences typical of spun text (-27)" in rows[-1][5]


def test_triage_summary_names_counts_and_thresholds(batch: BatchResult, md: str) -> None:
    counts = {t: sum(a.triage == t for a in batch.articles) for t in ("accept", "review", "reject")}
    assert f"**{counts['accept']} accept** (score ≥ 70)" in md
    assert f"**{counts['review']} review** (45 ≤ score < 70)" in md
    assert f"**{counts['reject']} reject** (score < 45)" in md


def test_evidence_is_quoted_with_its_note_and_offsets(batch: BatchResult, md: str) -> None:
    doc = next(a.document for a in batch.articles if a.document.id.startswith("004"))
    start = doc.text.index("TASS quotes Stoltenberg as saying")
    assert (
        f"> “TASS quotes Stoltenberg as saying” — Relayed from TASS, Russian state media rated unreliable "
        f"*(chars {start}–{start + 33})*"
    ) in md
    assert "**Relayed agencies:** TASS (rated unreliable, tass.ru); AFP (rated reliable, afp.com)" in md


def test_reuse_pairs_and_repetitions_are_listed(md: str) -> None:
    reuse = md[md.index("## Reuse") : md.index("## Articles")]
    assert "#### paraphrase, similarity 42%" in reuse
    assert "“such a move would have required a far more aggressive stance”" in reuse
    assert "**no credit to the source**" in reuse
    assert "stored article from tass.ru, first seen 2024-07-15" in reuse
    assert "Stoltenberg explained NATO's paradoxical decisions” appears again" in reuse


def test_dispatch_gives_the_same_markdown(batch: BatchResult, md: str) -> None:
    assert render(batch, "md") == md


def test_skipped_inputs_are_listed(md: str) -> None:
    assert "- ` inbox/scan.pdf `: not a text, HTML or JSONL file" in md


def test_only_http_links_become_links(md: str) -> None:
    assert "<https://cryptonewshub.example/nato-red-line?a=1&b=2>" in md
    assert "**URL:** javascript:alert(1)" in md  # shown, not linked


def test_hostile_article_text_stays_inert() -> None:
    text = (
        "Officials | said <script>alert(1)</script> the deal was [signed](javascript:alert(2)) ![x](http://t.example/p.png)\n"
        "Follow @newsdesk on X and see issue #12; the fund lost $5 million and $3 million.\n"
    )
    title = "Deal | signed <b>today</b>"
    doc = Document("hostile`id", text, Metadata(title=title, outlet="*Bold* Outlet", url="javascript:alert(3)"))
    ev = Evidence.of(text, 0, len(text) - 1, "Unnamed officials <i>quoted</i>")
    result = score_article(doc, [Signal("anonymous_framing", 1.0, (ev,), "Anonymous [source](http://x)")], load_config())
    md = render_markdown(BatchResult(rank([result]), skipped=(Skipped("a|b`.txt", "not UTF-8 <x>"),)))
    assert "<script" not in md and "<b>" not in md and "<i>" not in md
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in md
    assert not re.search(r"(?<!\\)\]\(", md)  # no unescaped "](": no link or image syntax survives
    assert "\\[signed\\]" in md and "\\[source\\]" in md and "\\*Bold\\* Outlet" in md
    assert "@\u200bnewsdesk" in md and "#\u200b12" in md and "\\$5 million" in md
    row = _ranking_rows(md)[0]
    assert len(row) == 6 and row[3].startswith("Deal \\| signed")
    assert "- `` a\\|b`.txt ``: not UTF-8 &lt;x&gt;" in md


def test_inline_helpers() -> None:
    assert md_text("a\n\n b\t c") == "a b c"
    assert md_text("x" * 50, limit=10) == "x" * 9 + "…"
    assert md_code("plain_id") == "` plain_id `" and md_code("a``b") == "``` a``b ```"


def test_real_pipeline_on_seeds() -> None:
    batch = score_paths([str(SEEDS)], load_config())
    md = render_markdown(batch)
    rows = _ranking_rows(md)
    assert [int(r[0]) for r in rows] == [1, 2, 3, 4, 5]
    assert md.count("\n### ") == 5


def test_notes_about_the_whole_article_are_quoted_without_offsets(md: str) -> None:
    assert "  > No byline: nobody signs this article *(whole article)*" in md
    assert "“” —" not in md


def test_batch_where_everything_was_skipped_says_so() -> None:
    md = render_markdown(BatchResult((), skipped=(Skipped("scan.pdf", "not a text, HTML or JSONL file"),)))
    assert "No article could be scored." in md and "|--:|" not in md and "## Articles" not in md
    assert "- ` scan.pdf `: not a text, HTML or JSONL file" in md


def test_http_links_cannot_break_out_of_their_autolink() -> None:
    text = "The council approved the budget on Tuesday after a long debate, officials said."
    url = "https://news.example/a b>\n<script>x</script>`c`"
    doc = Document("link", text, Metadata(url=url))
    md = render_markdown(BatchResult(rank([score_article(doc, [], load_config())])))
    assert "- **URL:** <https://news.example/a%20b%3E%0A%3Cscript%3Ex%3C/script%3E%60c%60>" in md


def test_every_heading_stands_on_its_own_after_a_blank_line(md: str) -> None:
    """A signal that costs points but quotes no span is the last item of its article's evidence list in the seeds'
    report (garbled_text's "Nearly clean copy" on seed 004); a heading right under it would render as part of the
    list item in some Markdown renderers."""
    seeds_md = render_markdown(score_paths([str(SEEDS)], load_config()))
    for text in (md, seeds_md):
        lines = text.splitlines()
        for i, line in enumerate(lines):
            if line.startswith("#") and i > 0:
                assert lines[i - 1] == "", f"no blank line before {line!r}"
