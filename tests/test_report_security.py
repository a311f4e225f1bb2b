"""Untrusted article text in the HTML report: escaped, never executed, never linked unless http(s).

The browser tests include controls: the same hostile article rendered *without* escaping and without the CSP does
run its script (so the harness can see execution), and without escaping but *with* the CSP does not.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import jinja2
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reliability import load_config
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
from reliability.report.html import render_html, safe_url, signal_colour, view
from reliability.report.markdown import render_markdown
from reliability.report.table import render_table_text
from reliability.score import rank, score_article
from test_report_browser import needs_chromium, open_in_chromium

SCRIPT = "<script>document.title='pwned'</script>"
IMG = "<img src=x onerror=\"document.title='pwned'\">"
ATTR = "\" onmouseover=\"document.title='pwned'\" data-pwned=\""


def hostile_batch() -> BatchResult:
    """Two articles whose text, metadata, evidence notes and reuse passages all carry markup and javascript: links."""
    text = (
        f"City council approves budget {SCRIPT}\n\n"
        f"Officials said the vote was close. {IMG} A spokesperson, who asked not to be named, said more cuts are due.\n"
        "Read the [full statement](javascript:document.title='pwned') or visit "
        "<a href=\"javascript:document.title='pwned'\">our site</a>.\n"
        # No network address anywhere: the unescaped control page must not wait on a fetch.
        "<style>body{display:none}</style><iframe srcdoc=\"pwned\"></iframe>\n"
    )
    other = f"Budget vote: {SCRIPT} officials said the vote was close. {IMG} More cuts are expected, a source said.\n"
    config = load_config()
    doc = Document(
        f"evil{ATTR}",
        text,
        Metadata(
            title=f"Budget {SCRIPT}",
            outlet=f"Daily {IMG}",
            author=ATTR,
            url="javascript:document.title='pwned'",
            published="2025-11-08",
        ),
    )
    doc2 = Document("copy<b>", other, Metadata(title="Copy", url=f"data:text/html,{SCRIPT}"))
    anon_start = text.index("A spokesperson")
    sig = Signal(
        "anonymous_framing",
        0.8,
        (
            Evidence.of(text, anon_start, text.index("said more cuts"), f"Unnamed source {ATTR}{SCRIPT}"),
            Evidence.of(text, text.index("<img"), text.index("said more cuts"), "Overlaps the markup on purpose"),
            Evidence.of(text, text.index("<script>"), text.index("</script>") + 9, "Markup in the headline"),
        ),
        f"Anonymous {SCRIPT}",
        {"agencies": [{"name": SCRIPT, "domain": IMG, "rating": -1}], "author_kind": ATTR},
    )
    a_img = text.index("<img")
    b_img = other.index("<img")
    match = Match(
        doc.id,
        doc2.id,
        "copy",
        0.7,
        (Passage(a_img, a_img + len(IMG), b_img, b_img + len(IMG), "copy", 1.0),),
        earlier=doc.id,
        credited=False,
        history={"outlet": SCRIPT, "first_seen": IMG},
    )
    results = rank([score_article(doc, [sig], config), score_article(doc2, [], config)])
    dup = DuplicationResult(matches=(match,), clusters=((doc.id, doc2.id),))
    return BatchResult(results, dup, (Skipped(f"in/{SCRIPT}.txt", f"unreadable {IMG}"),), "default")


class _Elements(HTMLParser):
    """Elements and attributes as a browser would build them (what escaping must prevent)."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.attrs: list[tuple[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attrs += [(k, v or "") for k, v in attrs]


def _elements(page: str) -> _Elements:
    parser = _Elements()
    parser.feed(page)
    return parser


@pytest.fixture(scope="module")
def page() -> str:
    return render_html(hostile_batch())


def test_no_markup_from_articles_becomes_an_element(page: str) -> None:
    found = _elements(page)
    for tag in ("script", "img", "iframe", "b", "base", "form", "object", "embed", "link"):
        assert tag not in found.tags, tag
    assert found.tags.count("style") == 1  # ours, in <head>
    assert not [k for k, _ in found.attrs if k.startswith("on")]
    assert "data-pwned" not in [k for k, _ in found.attrs]  # ATTR did not break out of an attribute


def test_only_http_links_and_in_page_anchors(page: str) -> None:
    hrefs = [v for k, v in _elements(page).attrs if k in ("href", "src", "action", "formaction", "xlink:href")]
    assert hrefs and all(h.startswith("#") for h in hrefs), hrefs
    assert "javascript:document.title=&#39;pwned&#39;" in page  # the claimed URL is shown as text


def test_hostile_text_is_visible_as_text(page: str) -> None:
    assert "&lt;script&gt;document.title=&#39;pwned&#39;&lt;/script&gt;" in page
    assert "&lt;img src=x onerror=&#34;document.title=&#39;pwned&#39;&#34;&gt;" in page


def test_csp_forbids_scripts_and_fetches(page: str) -> None:
    m = re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]*)">', page)
    assert m and "default-src &#39;none&#39;" in m.group(1)
    assert page.index("Content-Security-Policy") < page.index("<title>")  # before any article-derived text


def _unescaped(batch: BatchResult, keep_csp: bool) -> str:
    """The report as a careless template would make it: autoescape off. Controls only, never shipped."""
    env = jinja2.Environment(loader=jinja2.PackageLoader("reliability.report", "templates"), autoescape=False)
    env.filters["colour"] = signal_colour
    page = env.get_template("report.html.j2").render(**view(batch))
    return page if keep_csp else re.sub(r"<meta http-equiv=\"Content-Security-Policy\"[^>]*>", "", page)


@pytest.mark.browser
@needs_chromium
def test_nothing_executes_in_chromium(page: str, tmp_path: Path) -> None:
    path = tmp_path / "hostile.html"
    path.write_text(page, encoding="utf-8")
    visit = open_in_chromium(path, tmp_path)
    assert visit.title.startswith("Reliability report")
    assert "pwned" not in visit.title
    assert visit.console == ()  # not even a blocked attempt: nothing tried to run
    dom = _elements(visit.dom)
    assert "script" not in dom.tags and "img" not in dom.tags and "iframe" not in dom.tags
    assert "&lt;script&gt;document.title='pwned'&lt;/script&gt;" in visit.dom  # shown, as text


@pytest.mark.browser
@needs_chromium
def test_control_unescaped_report_without_csp_does_execute(tmp_path: Path) -> None:
    path = tmp_path / "careless.html"
    path.write_text(_unescaped(hostile_batch(), keep_csp=False), encoding="utf-8")
    assert open_in_chromium(path, tmp_path).title == "pwned"


@pytest.mark.browser
@needs_chromium
def test_control_csp_alone_still_blocks_execution(tmp_path: Path) -> None:
    path = tmp_path / "careless-csp.html"
    path.write_text(_unescaped(hostile_batch(), keep_csp=True), encoding="utf-8")
    visit = open_in_chromium(path, tmp_path)
    assert "pwned" not in visit.title
    assert any("Content Security Policy" in line for line in visit.console)


_TEMPLATE_TAGS = {
    "html", "head", "meta", "title", "style", "body", "header", "h1", "h2", "h3", "p", "span", "code", "div", "nav",
    "a", "main", "section", "table", "thead", "tbody", "tr", "th", "td", "svg", "rect", "ul", "li", "mark", "sup",
    "article", "dl", "dt", "dd", "strong", "details", "summary", "ol", "blockquote", "footer",
}  # fmt: skip
_NASTY = st.sampled_from(
    [SCRIPT, IMG, ATTR, "javascript:alert(1)", "</textarea><svg onload=alert(1)>", "{{ 7*7 }}", "]]>", "<!--", "\x00", "\x1b[2J", "\u202e", "|", "`"]
)
_TEXT = st.lists(st.one_of(_NASTY, st.text(max_size=20)), max_size=6).map("".join)


@given(text=_TEXT, title=_TEXT, note=_TEXT, url=_TEXT, span=st.tuples(st.integers(-5, 300), st.integers(-5, 300)))
@settings(max_examples=60, deadline=None)
def test_any_article_content_yields_only_the_templates_own_elements(
    text: str, title: str, note: str, url: str, span: tuple[int, int]
) -> None:
    start, end = span
    doc = Document(title or "id", text, Metadata(title=title, url=url, outlet=note, author=title))
    ev = Evidence(start, end, text[max(start, 0) : max(end, 0)], note)
    sig = Signal("anonymous_framing", 0.5, (ev,), note, {"agencies": [{"name": title, "domain": url, "rating": note}]})
    match = Match(doc.id, "other", "quote", 0.5, (Passage(start, end, 0, 3, "quote", 0.5),), history={"outlet": note})
    batch = BatchResult(
        rank([score_article(doc, [sig], load_config())]),
        DuplicationResult(matches=(match,), repetitions=(Repetition(doc.id, (start, end), (0, 2), 0.9),)),
        (Skipped(url, note),),
    )
    page = render_html(batch)
    found = _elements(page)
    assert set(found.tags) <= _TEMPLATE_TAGS
    assert not [k for k, _ in found.attrs if k.startswith("on")]
    external = {v for k, v in found.attrs if k in ("href", "src") and not v.startswith("#")}
    assert external <= {safe_url(url)}  # the article's own URL, and only when it is http(s)
    if "{{ 7*7 }}" in text:  # shown as typed, never evaluated (a highlight and its footnote number may split it)
        assert "{{ 7*7 }}" in re.sub(r"<[^>]*>", "", re.sub(r"<sup\b.*?</sup>", "", page, flags=re.S))
    # The other human formats take the same input without failing and without passing markup or escapes through.
    # Code spans (ids, paths) are shown literally by every Markdown renderer: only text outside them can be markup.
    md = re.sub(r"(`+) .*? \1", "", render_markdown(batch))
    assert "<script" not in md and "<img" not in md and "<svg" not in md
    assert "\x1b" not in render_table_text(batch, verbose=True)
