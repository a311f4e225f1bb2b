"""The scheduled ``reliability report`` job: dated report files plus a "since the last report" section.

Run it from cron or a systemd timer. Each run writes ``<out>/YYYY-MM-DDTHHMM.{json,md,html}`` and
``<out>/latest.{json,md,html}``, every file atomically (temp file + ``os.replace``), so a reader never sees half a
report. The JSON carries a ``since_last_report`` object (new clusters, articles whose triage changed, outlets whose
average score moved) and the compact state the next run compares against, so the job needs no other state file.

>>> files = run_report(config, paths=["inbox/"], out_dir="reports")        # doctest: +SKIP
>>> files = run_report(config, since=parse_since("24h"), out_dir="reports")  # doctest: +SKIP
"""

from __future__ import annotations

import html
import json
import logging
import os
import re
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence

from .config import Config
from .files import write_atomic
from .model import ArticleResult, BatchResult, Contribution, Document, DuplicationResult, Match, Metadata
from .score import thresholds_of

log = logging.getLogger(__name__)

FORMATS = ("json", "md", "html")
DIFF_KEY = "since_last_report"
_SINCE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhdw])\s*$")
_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days", "w": "weeks"}


def parse_since(text: str) -> timedelta:
    """``"24h"``, ``"30m"``, ``"7d"`` -> a timedelta; raises ValueError with the accepted forms."""
    m = _SINCE.match(text)
    if not m:
        raise ValueError(f"--since expects a number and a unit (s, m, h, d, w), e.g. 24h or 7d; got {text!r}")
    return timedelta(**{_UNITS[m.group(2)]: float(m.group(1))})


# -- snapshot and diff ---------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ArticleState:
    score: float
    triage: str
    outlet: str | None


@dataclass(frozen=True, slots=True)
class Snapshot:
    """What the next report compares against: scores, triage, clusters and outlet averages of this one."""

    generated: str
    articles: Mapping[str, ArticleState]
    clusters: tuple[tuple[str, ...], ...]

    def outlet_means(self) -> dict[str, tuple[float, int]]:
        scores: dict[str, list[float]] = defaultdict(list)
        for state in self.articles.values():
            if state.outlet:
                scores[state.outlet].append(state.score)
        return {o: (sum(s) / len(s), len(s)) for o, s in scores.items()}

    def to_json(self) -> dict[str, Any]:
        return {
            "generated": self.generated,
            "articles": {k: asdict(v) for k, v in self.articles.items()},
            "clusters": [list(c) for c in self.clusters],
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> "Snapshot":
        articles = {str(k): ArticleState(float(v["score"]), str(v["triage"]), v.get("outlet")) for k, v in data["articles"].items()}
        return cls(str(data["generated"]), articles, tuple(tuple(str(i) for i in c) for c in data["clusters"]))


def snapshot_of(batch: BatchResult, generated: str) -> Snapshot:
    articles = {a.document.id: ArticleState(round(a.score, 2), a.triage, a.document.meta.outlet) for a in batch.articles}
    return Snapshot(generated, articles, tuple(tuple(sorted(c)) for c in batch.duplication.clusters))


@dataclass(frozen=True, slots=True)
class Crossing:
    id: str
    outlet: str | None
    before: str
    after: str
    score_before: float
    score_after: float


@dataclass(frozen=True, slots=True)
class OutletMove:
    outlet: str
    before: float
    after: float
    articles: int


@dataclass(frozen=True, slots=True)
class ReportDiff:
    """The "since the last report" section. ``previous`` is None on the first report."""

    previous: str | None
    new_articles: tuple[str, ...] = ()
    new_clusters: tuple[tuple[str, ...], ...] = ()
    crossed: tuple[Crossing, ...] = ()
    outlets_moved: tuple[OutletMove, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "previous": self.previous,
            "new_articles": list(self.new_articles),
            "new_clusters": [list(c) for c in self.new_clusters],
            "crossed": [asdict(c) for c in self.crossed],
            "outlets_moved": [asdict(o) for o in self.outlets_moved],
        }


def diff(previous: Snapshot | None, current: Snapshot, *, outlet_move: float = 5.0, outlet_min: int = 3) -> ReportDiff:
    """Compare two reports.

    A cluster is new unless it lies wholly inside a cluster of the previous report (so a cluster that gained a
    member is reported again). An article crossed a threshold when its triage changed. An outlet moved when its
    average score changed by at least ``outlet_move`` points with at least ``outlet_min`` articles in both reports.
    """
    if previous is None:
        return ReportDiff(None, tuple(current.articles), current.clusters)
    old_clusters = [set(c) for c in previous.clusters]
    new_clusters = tuple(c for c in current.clusters if not any(set(c) <= old for old in old_clusters))
    crossed = tuple(
        Crossing(i, now.outlet, before.triage, now.triage, before.score, now.score)
        for i, now in current.articles.items()
        if (before := previous.articles.get(i)) is not None and before.triage != now.triage
    )
    old_means, new_means = previous.outlet_means(), current.outlet_means()
    moved = []
    for outlet, (mean, n) in sorted(new_means.items()):
        if outlet in old_means and min(n, old_means[outlet][1]) >= outlet_min and abs(mean - old_means[outlet][0]) >= outlet_move:
            moved.append(OutletMove(outlet, round(old_means[outlet][0], 1), round(mean, 1), n))
    new_articles = tuple(i for i in current.articles if i not in previous.articles)
    return ReportDiff(previous.generated, new_articles, new_clusters, crossed, tuple(moved))


# -- writing -------------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ReportFiles:
    dated: Mapping[str, Path]  # format -> YYYY-MM-DDTHHMM.<fmt>
    latest: Mapping[str, Path]  # format -> latest.<fmt>
    diff: ReportDiff = field(default_factory=lambda: ReportDiff(None))


def read_previous(out_dir: Path) -> Snapshot | None:
    """The state saved by the previous report in ``latest.json``; None (with a warning) if missing or unreadable."""
    path = out_dir / "latest.json"
    if not path.exists():
        return None
    try:
        return Snapshot.from_json(json.loads(path.read_text(encoding="utf-8"))[DIFF_KEY]["state"])
    except (OSError, ValueError, KeyError, TypeError) as exc:
        log.warning("%s: cannot read the previous report's state (%s); treating this as the first report", path, exc)
        return None


def diff_markdown(d: ReportDiff) -> str:
    lines = ["## Since the last report", ""]
    if d.previous is None:
        lines.append("This is the first report in this folder; everything below is new.")
        return "\n".join(lines) + "\n"
    lines.append(f"Compared with the report of {d.previous}: {len(d.new_articles)} new article(s).")
    lines += ["", "### New articles", ""]
    lines += [f"- {_md(i)}" for i in _listed(d.new_articles)] or ["- none"]
    lines += ["", "### New clusters of reused text", ""]
    lines += [f"- {', '.join(_md(i) for i in c)}" for c in d.new_clusters] or ["- none"]
    lines += ["", "### Articles that crossed a triage threshold", ""]
    lines += [
        f"- {_md(c.id)} ({_md(c.outlet or 'unknown outlet')}): {c.before} → {c.after} (score {c.score_before:.0f} → {c.score_after:.0f})"
        for c in d.crossed
    ] or ["- none"]
    lines += ["", "### Outlets whose average score moved", ""]
    lines += [f"- {_md(o.outlet)}: {o.before:.1f} → {o.after:.1f} over {o.articles} article(s)" for o in d.outlets_moved] or ["- none"]
    return "\n".join(lines) + "\n"


def _listed(ids: Sequence[str], limit: int = 20) -> list[str]:
    """At most ``limit`` ids, then a count: a daily report over thousands of articles stays readable."""
    return list(ids[:limit]) + ([f"… and {len(ids) - limit} more"] if len(ids) > limit else [])


def _md(text: str) -> str:
    """Article-derived text in Markdown: markup characters backslash-escaped, HTML as entities (never raw tags)."""
    return html.escape(re.sub(r"([\\`*_\[\]#|])", r"\\\1", " ".join(text.split())), quote=False)


def diff_html(d: ReportDiff) -> str:
    # Built from the markdown lines with every piece escaped: article ids and outlets are untrusted.
    out = ['<section id="since-last-report"><h2>Since the last report</h2>']
    if d.previous is None:
        out.append("<p>This is the first report in this folder; everything is new.</p></section>")
        return "".join(out)
    e = html.escape
    out.append(f"<p>Compared with the report of {e(d.previous)}: {len(d.new_articles)} new article(s).</p>")
    sections = [
        ("New articles", _listed(d.new_articles)),
        ("New clusters of reused text", [", ".join(c) for c in d.new_clusters]),
        (
            "Articles that crossed a triage threshold",
            [f"{c.id} ({c.outlet or 'unknown outlet'}): {c.before} → {c.after} (score {c.score_before:.0f} → {c.score_after:.0f})" for c in d.crossed],
        ),
        ("Outlets whose average score moved", [f"{o.outlet}: {o.before:.1f} → {o.after:.1f} over {o.articles} article(s)" for o in d.outlets_moved]),
    ]
    for title, items in sections:
        out.append(f"<h3>{e(title)}</h3><ul>" + "".join(f"<li>{e(i)}</li>" for i in items or ["none"]) + "</ul>")
    return "".join(out) + "</section>"


def _render(batch: BatchResult, fmt: str) -> str:
    from .report import render

    return render(batch, fmt)


def render_with_diff(batch: BatchResult, fmt: str, d: ReportDiff, state: Snapshot) -> str:
    if fmt == "json":
        data = json.loads(_render(batch, "json"))
        data[DIFF_KEY] = {**d.to_json(), "state": state.to_json()}
        return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    if fmt == "md":
        try:
            body = _render(batch, "md")
        except (ImportError, ValueError) as exc:  # the Markdown renderer is optional; the diff section is not
            log.warning("markdown renderer unavailable (%s); writing the summary section only", exc)
            body = "# Reliability report\n"
        return diff_markdown(d) + "\n" + body
    if fmt == "html":
        page = _render(batch, "html")
        section = diff_html(d)
        m = re.search(r"<body[^>]*>", page)
        return page[: m.end()] + section + page[m.end() :] if m else section + page
    raise ValueError(f"unknown report format {fmt!r}; choose from {', '.join(FORMATS)}")


def write_report(
    batch: BatchResult,
    out_dir: str | os.PathLike[str],
    config: Config,
    *,
    now: datetime | None = None,
    formats: Sequence[str] = FORMATS,
) -> ReportFiles:
    """Dated and latest files for ``batch`` with the "since the last report" section."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    now = (now or datetime.now(timezone.utc)).astimezone(timezone.utc)
    stamp = now.strftime("%Y-%m-%dT%H%M")
    state = snapshot_of(batch, now.isoformat(timespec="seconds"))
    section = config.section("history")
    d = diff(
        read_previous(out),
        state,
        outlet_move=float(section.get("report_outlet_move", 5.0)),
        outlet_min=int(section.get("report_outlet_min", 3)),
    )
    dated: dict[str, Path] = {}
    latest: dict[str, Path] = {}
    rendered = {fmt: render_with_diff(batch, fmt, d, state) for fmt in formats}
    # Dated files first, latest.json last: a crash in between leaves the previous state as the comparison point.
    for fmt in formats:
        dated[fmt] = out / f"{stamp}.{fmt}"
        write_atomic(dated[fmt], rendered[fmt])
    for fmt in sorted(formats, key=lambda f: f == "json"):
        latest[fmt] = out / f"latest.{fmt}"
        write_atomic(latest[fmt], rendered[fmt])
    return ReportFiles(dated, latest, d)


# -- the job -------------------------------------------------------------------------------------------------------


def run_report(
    config: Config,
    *,
    paths: Sequence[str] = (),
    since: timedelta | None = None,
    out_dir: str | os.PathLike[str] = "reports",
    store: Any = None,
    now: datetime | None = None,
) -> ReportFiles:
    """``reliability report``: score ``paths`` (recording them in ``store``) or report what ``store`` saw ``since``."""
    if bool(paths) == bool(since):
        raise ValueError("give either PATH... to score, or --since (e.g. 24h) to report on stored history")
    if paths:
        batch = _score_and_record(config, paths, store)
    else:
        if store is None:
            raise ValueError("--since reports on the history store; it cannot be used with --no-history")
        assert since is not None
        batch = batch_from_store(store, (now or datetime.now(timezone.utc)) - since, config)
    return write_report(batch, out_dir, config, now=now)


def _score_and_record(config: Config, paths: Sequence[str], store: Any) -> BatchResult:
    from .store import score_and_record

    return score_and_record(paths, config, store, run_info={"command": "report"})[0]


def batch_from_store(store: Any, since: datetime, config: Config) -> BatchResult:
    """The latest stored score of every article scored since ``since``, and the matches recorded among them.

    Stored articles keep only a text prefix and their top contributions, so this report has no evidence spans;
    the per-run reports written when the articles were scored have them.
    """
    from .score import rank

    cutoff = since.astimezone(timezone.utc).isoformat(timespec="seconds")
    db = store._db
    rows = db.execute(
        """SELECT d.rowid, d.id, d.text, d.outlet, d.url, d.title, d.published, s.score, s.triage, s.top, r.id
           FROM scores s JOIN runs r ON r.id = s.run JOIN documents d ON d.rowid = s.doc
           WHERE r.started >= ? ORDER BY s.doc, s.run""",
        (cutoff,),
    ).fetchall()
    latest: dict[int, tuple[Any, ...]] = {row[0]: row for row in rows}  # later runs overwrite earlier ones
    articles = [_stored_result(store, row) for row in latest.values()]
    names = {rowid: row[1] for rowid, row in latest.items()}
    matches = _stored_matches(db, cutoff, names)
    dup = DuplicationResult(matches=matches, clusters=_clusters(matches))
    return BatchResult(articles=rank(articles), duplication=dup, config_name=config.source, thresholds=thresholds_of(config))


def _stored_result(store: Any, row: Sequence[Any]) -> ArticleResult:
    _, doc_id, blob, outlet, url, title, published, score, triage, top, run = row
    text = store.codec.decode(blob) or ""
    doc = Document(doc_id, text, Metadata(title=title, url=url, outlet=outlet, published=published))
    contributions = tuple(Contribution(name, float(points)) for name, _, points in (p.partition(":") for p in top.split(", ") if p))
    why = f"stored score from run {run}" + (f"; largest deductions: {top}" if top else "")
    return ArticleResult(doc, (), float(score), triage, contributions, why)


def _stored_matches(db: Any, cutoff: str, names: Mapping[int, str]) -> tuple[Match, ...]:
    rows = db.execute(
        "SELECT m.a, m.b, m.kind, max(m.similarity) FROM matches m JOIN runs r ON r.id = m.run WHERE r.started >= ? GROUP BY m.a, m.b, m.kind",
        (cutoff,),
    ).fetchall()
    return tuple(Match(names[a], names[b], kind, float(sim), ()) for a, b, kind, sim in rows if a in names and b in names)


def _clusters(matches: Iterable[Match]) -> tuple[tuple[str, ...], ...]:
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for m in matches:
        parent[find(m.a)] = find(m.b)
    groups: dict[str, list[str]] = defaultdict(list)
    for x in list(parent):
        groups[find(x)].append(x)
    return tuple(sorted(tuple(sorted(g)) for g in groups.values() if len(g) > 1))
