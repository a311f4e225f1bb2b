"""`reliability report` job: dated + latest files written atomically, and a correct "since the last report" diff."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from reliability.config import load_config
from reliability.ingest import ingest
from reliability.model import BatchResult, Document, DuplicationResult, Metadata
from reliability.pipeline import score_documents
from reliability.schedule import DIFF_KEY, diff, parse_since, run_report, snapshot_of, write_report
from reliability.store import HistoryStore

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
T0 = datetime(2026, 3, 2, 6, 0, tzinfo=timezone.utc)


@pytest.fixture(scope="module")
def config():
    return load_config()


@pytest.fixture(scope="module")
def seed_docs(config):
    docs, _ = ingest([str(SEEDS)], config)
    outlets = ["kyivpost.example", "kyivpost.example", "kyivpost.example", "wire.example", "wire.example"]
    return [Document(d.id, d.text, replace(d.meta, outlet=o)) for d, o in zip(docs, outlets)]


@pytest.fixture(scope="module")
def first_batch(seed_docs, config) -> BatchResult:
    return score_documents(seed_docs, config)


def _shift(batch: BatchResult, ids: set[str], points: float, config) -> BatchResult:
    """The same articles re-scored later, ``ids`` lower by ``points`` (triage recomputed from the thresholds)."""
    accept, review = config.get("triage", "accept"), config.get("triage", "review")
    out = []
    for a in batch.articles:
        if a.document.id in ids:
            score = max(0.0, a.score - points)
            triage = "accept" if score >= accept else "review" if score >= review else "reject"
            a = replace(a, score=score, triage=triage)
        out.append(a)
    return replace(batch, articles=tuple(out))


def test_first_report_writes_dated_and_latest_files(tmp_path, first_batch, config):
    files = write_report(first_batch, tmp_path / "reports", config, now=T0)
    assert sorted(p.name for p in files.dated.values()) == ["2026-03-02T0600.html", "2026-03-02T0600.json", "2026-03-02T0600.md"]
    assert sorted(p.name for p in files.latest.values()) == ["latest.html", "latest.json", "latest.md"]
    for fmt in ("json", "md", "html"):
        assert files.dated[fmt].read_text() == files.latest[fmt].read_text()
    data = json.loads(files.latest["json"].read_text())
    assert data[DIFF_KEY]["previous"] is None
    assert "first report" in files.latest["md"].read_text()
    # No temporary files left behind by the atomic writes.
    assert not [p for p in (tmp_path / "reports").iterdir() if p.name.endswith(".tmp")]


def test_second_report_lists_what_changed_since_the_first(tmp_path, first_batch, seed_docs, config):
    out = tmp_path / "reports"
    kyiv = {d.id for d in seed_docs if d.meta.outlet == "kyivpost.example"}
    later = _shift(first_batch, kyiv, 40.0, config)
    # 003 and 004 were not linked in the first report (whatever else it clustered); the later run links them.
    before_clusters = tuple(c for c in first_batch.duplication.clusters if not {seed_docs[3].id, seed_docs[4].id} <= set(c))
    first = replace(first_batch, duplication=replace(first_batch.duplication, clusters=before_clusters))
    new_cluster = (seed_docs[3].id, seed_docs[4].id)
    later = replace(later, duplication=DuplicationResult(clusters=(*before_clusters, new_cluster)))
    write_report(first, out, config, now=T0)
    files = write_report(later, out, config, now=T0 + timedelta(days=1))

    d = files.diff
    assert d.previous == T0.isoformat(timespec="seconds")
    assert d.new_clusters == (tuple(sorted(new_cluster)),)
    before = {a.document.id: a.triage for a in first_batch.articles}
    after = {a.document.id: a.triage for a in later.articles}
    assert {c.id for c in d.crossed} == {i for i in before if before[i] != after[i]}
    assert all(c.outlet == "kyivpost.example" for c in d.crossed)
    assert [o.outlet for o in d.outlets_moved] == ["kyivpost.example"]
    move = d.outlets_moved[0]
    assert move.before - move.after == pytest.approx(40.0, abs=0.2)

    md = files.latest["md"].read_text()
    assert "## Since the last report" in md and "kyivpost.example" in md
    data = json.loads((out / "2026-03-03T0600.json").read_text())
    assert data[DIFF_KEY]["new_clusters"] == [sorted(new_cluster)]
    assert (out / "2026-03-02T0600.json").exists()  # the older dated report stays


def test_an_unchanged_rerun_reports_nothing_new(tmp_path, first_batch, config):
    out = tmp_path / "reports"
    write_report(first_batch, out, config, now=T0)
    d = write_report(first_batch, out, config, now=T0 + timedelta(hours=1)).diff
    assert d.previous is not None
    assert (d.new_articles, d.new_clusters, d.crossed, d.outlets_moved) == ((), (), (), ())


def test_a_cluster_that_gains_a_member_is_reported_again(first_batch):
    ids = [a.document.id for a in first_batch.articles]
    before = snapshot_of(replace(first_batch, duplication=DuplicationResult(clusters=((ids[0], ids[1]),))), "t0")
    grown = snapshot_of(replace(first_batch, duplication=DuplicationResult(clusters=((ids[0], ids[1], ids[2]),))), "t1")
    shrunk = snapshot_of(replace(first_batch, duplication=DuplicationResult(clusters=((ids[0], ids[1]),))), "t2")
    assert diff(before, grown).new_clusters == (tuple(sorted(ids[:3])),)
    assert diff(grown, shrunk).new_clusters == ()


def test_small_outlets_and_small_moves_are_not_reported(first_batch, config):
    before = snapshot_of(first_batch, "t0")
    wire = {a.document.id for a in first_batch.articles if a.document.meta.outlet == "wire.example"}
    after = snapshot_of(_shift(first_batch, wire, 30.0, config), "t1")
    assert diff(before, after, outlet_min=3).outlets_moved == ()  # wire.example has 2 articles
    assert [o.outlet for o in diff(before, after, outlet_min=2).outlets_moved] == ["wire.example"]
    assert diff(before, after, outlet_min=2, outlet_move=31).outlets_moved == ()


def test_untrusted_ids_are_escaped_in_html_and_markdown(tmp_path, first_batch, config):
    out = tmp_path / "reports"
    write_report(first_batch, out, config, now=T0)
    evil = Document("<img src=x onerror=alert(1)>", first_batch.articles[0].document.text, Metadata(outlet="<b>x</b>"))
    art = replace(first_batch.articles[0], document=evil)
    files = write_report(replace(first_batch, articles=(art,)), out, config, now=T0 + timedelta(hours=2))
    html = files.latest["html"].read_text()
    section = html[html.index('id="since-last-report"') :]
    assert "<img src=x" not in section and "&lt;img src=x onerror=alert(1)&gt;" in section
    md_section = files.latest["md"].read_text().split("### Outlets")[0]
    assert "<img" not in md_section and "&lt;img src=x onerror=alert(1)&gt;" in md_section


def test_report_job_scores_paths_records_them_and_reports_since(tmp_path, config):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for p in sorted(SEEDS.glob("*.txt")):
        (inbox / p.name).write_text(p.read_text(encoding="utf-8"), encoding="utf-8")
    with HistoryStore.open(config, store=tmp_path / "h.sqlite3") as store:
        files = run_report(config, paths=[str(inbox)], out_dir=tmp_path / "reports", store=store, now=T0)
        assert len(json.loads(files.latest["json"].read_text())[DIFF_KEY]["new_articles"]) == 5
        assert store.count() == 5
        # The same folder again an hour later: nothing new, and the store still holds each article once.
        files = run_report(config, paths=[str(inbox)], out_dir=tmp_path / "reports", store=store, now=T0 + timedelta(hours=1))
        assert files.diff.new_articles == () and store.count() == 5
        # --since: report from the store alone (runs started in the last day, by the clock of now).
        since = run_report(config, since=parse_since("24h"), out_dir=tmp_path / "daily", store=store)
        data = json.loads(since.latest["json"].read_text())
        assert len(data[DIFF_KEY]["state"]["articles"]) == 5
        nothing = run_report(config, since=parse_since("1s"), out_dir=tmp_path / "empty", store=store, now=datetime.now(timezone.utc) + timedelta(hours=1))
        assert json.loads(nothing.latest["json"].read_text())[DIFF_KEY]["state"]["articles"] == {}


def test_parse_since_and_argument_errors(config):
    assert parse_since("24h") == timedelta(hours=24)
    assert parse_since("7d") == timedelta(days=7)
    assert parse_since(" 90m ") == timedelta(minutes=90)
    with pytest.raises(ValueError, match="e.g. 24h"):
        parse_since("yesterday")
    with pytest.raises(ValueError, match="either PATH"):
        run_report(config, out_dir="unused")


def test_report_command_writes_files_and_prints_them(tmp_path):
    from click.testing import CliRunner

    from reliability.cli import cli

    out = tmp_path / "reports"
    result = CliRunner().invoke(cli, ["report", str(SEEDS), "--out", str(out), "--store", str(tmp_path / "h.sqlite3"), "-q"])
    assert result.exit_code == 0, result.output
    printed = result.output.split()
    assert len(printed) == 3 and all(Path(p).exists() for p in printed)
    assert {p.name for p in out.iterdir()} >= {"latest.json", "latest.md", "latest.html"}
    daily = CliRunner().invoke(cli, ["report", "--since", "24h", "--out", str(tmp_path / "daily"), "--store", str(tmp_path / "h.sqlite3")])
    assert daily.exit_code == 0, daily.output
    bad = CliRunner().invoke(cli, ["report", "--since", "soon", "--out", str(out)])
    assert bad.exit_code == 2 and "24h" in bad.output
