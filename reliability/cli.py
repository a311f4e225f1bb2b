"""Command line: parses options, calls the library, turns library errors into messages and exit codes.

Results go to stdout (or --output); logs and the progress bar go to stderr.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import Any, Callable, Sequence

import click

from .config import Config, ConfigError, load_config
from .exitcodes import ExitStatus
from .files import write_atomic
from .model import TRIAGE_ORDER, BatchResult
from .report import FORMATS, render

log = logging.getLogger("reliability")


class ReliabilityError(click.ClickException):
    exit_code = ExitStatus.ERROR


def setup_logging(verbose: int, quiet: bool) -> None:
    level = logging.ERROR if quiet else (logging.WARNING, logging.INFO, logging.DEBUG)[min(verbose, 2)]
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(levelname)s: %(message)s"))
    root = logging.getLogger("reliability")
    root.handlers[:] = [handler]
    root.setLevel(level)
    root.propagate = False


def logging_options(f: Callable[..., Any]) -> Callable[..., Any]:
    f = click.option("-v", "--verbose", count=True, help="More detail on stderr (-vv for debug); with a table, show evidence.")(f)
    f = click.option("-q", "--quiet", is_flag=True, help="Only errors on stderr; no progress bar.")(f)
    return f


def config_option(f: Callable[..., Any]) -> Callable[..., Any]:
    return click.option(
        "--config",
        "config_path",
        type=click.Path(dir_okay=False),
        help="TOML file overriding the defaults key by key.",
    )(f)


def get_config(config_path: str | None) -> Config:
    try:
        return load_config(config_path)
    except ConfigError as exc:
        raise ReliabilityError(str(exc)) from None


# -- history store: `score --store/--index/--no-history`, `history list|show|forget`, `report` (issue 6) ----------


def history_options(f: Callable[..., Any]) -> Callable[..., Any]:
    f = click.option("--store", "store_path", type=click.Path(dir_okay=False),
                     help="History store file (default: [history] store, else $XDG_DATA_HOME/reliability/history.sqlite3).")(f)
    f = click.option("--index", "index_spec", help="LSH index: 'embedded' (default) or redis://host:port/db shared by several runs.")(f)
    return f


def open_store(config: Config, store_path: str | None, index_spec: str | None) -> Any:
    from redis.exceptions import RedisError

    from .store import HistoryStore, StoreError

    try:
        return HistoryStore.open(config, store=store_path, index=index_spec)
    except (StoreError, OSError, ValueError, RedisError) as exc:
        raise ReliabilityError(f"history store: {exc} (--no-history scores without it)") from None


def exit_status(batch: BatchResult, fail_on: str | None) -> ExitStatus:
    if not batch.articles:
        return ExitStatus.ERROR
    if fail_on:
        worst_allowed = TRIAGE_ORDER.index(fail_on)  # type: ignore[arg-type]
        if any(TRIAGE_ORDER.index(a.triage) >= worst_allowed for a in batch.articles):
            return ExitStatus.TRIAGE_FAILED
    return ExitStatus.OK


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="reliability")
def cli() -> None:
    """Score news articles for copied or paraphrased text and for sourcing quality, with evidence."""


@cli.command()
@click.argument("paths", nargs=-1, required=True)
@click.option("--format", "-f", "fmt", type=click.Choice(FORMATS), default="table", show_default=True, help="Output format.")
@click.option("--output", "-o", type=click.Path(dir_okay=False), help="Write the result to FILE (atomically) instead of stdout.")
@config_option
@click.option("--fail-on", type=click.Choice(["review", "reject"]), help="Exit 1 if any article's triage is at or below this.")
@history_options
@click.option("--no-history", is_flag=True, help="Neither match against nor record in the history store.")
@logging_options
def score(
    paths: Sequence[str],
    fmt: str,
    output: str | None,
    config_path: str | None,
    fail_on: str | None,
    store_path: str | None,
    index_spec: str | None,
    no_history: bool,
    verbose: int,
    quiet: bool,
) -> None:
    """Score PATH... (.txt, .jsonl, .html files, folders, or - for JSONL on stdin) and rank them.

    Exit status: 0 scored; 1 --fail-on tripped; 2 usage, config or input error, or nothing could be scored.
    """
    setup_logging(verbose, quiet)
    config = get_config(config_path)
    from .store import score_and_record

    use_history = not no_history and bool(config.get("history", "enabled", default=True))
    store = open_store(config, store_path, index_spec) if use_history else None
    try:
        batch = _with_progress(lambda progress: score_and_record(paths, config, store, progress=progress)[0], quiet)
    except ConfigError as exc:  # a lexicon or parameter only checked when a signal first compiles it
        raise ReliabilityError(str(exc)) from None
    finally:
        if store is not None:
            store.close()
    _emit(batch, fmt, output, verbose)
    status = exit_status(batch, fail_on)
    if not batch.articles:
        click.echo("error: nothing could be scored (every input was skipped; see the reasons above)", err=True)
    sys.exit(int(status))


@cli.command()
@click.argument("paths", nargs=-1, required=True)
@click.option("--labels", "labels_path", required=True, type=click.Path(exists=True, dir_okay=False),
              help="CSV with columns id,label (accept/review/reject or a number in [0, 1]).")
@click.option("--output", "-o", required=True, type=click.Path(dir_okay=False), help="Write the fitted config TOML here.")
@click.option("--folds", type=click.IntRange(2, 20), default=5, show_default=True, help="Cross-validation folds.")
@config_option
@logging_options
def calibrate(
    paths: Sequence[str], labels_path: str, output: str, folds: int, config_path: str | None, verbose: int, quiet: bool
) -> None:
    """Fit weights and triage thresholds to labelled articles in PATH...; write a TOML to review and adopt with --config."""
    setup_logging(verbose, quiet)
    config = get_config(config_path)
    from .calibrate import fit, read_labels, to_toml
    from .pipeline import score_paths

    try:
        labels = read_labels(labels_path)
        batch = _with_progress(lambda progress: score_paths(paths, config, progress=progress), quiet)
        calibration = fit(batch.articles, labels, config=config, folds=folds)
    except (OSError, ValueError) as exc:
        raise ReliabilityError(str(exc)) from None
    write_atomic(output, to_toml(calibration))
    accuracy = f"{calibration.cv_accuracy:.3f}" if calibration.cv_accuracy is not None else "not measured (too few labels)"
    click.echo(f"{calibration.n} labelled articles; cross-validated triage accuracy {accuracy} "
               f"(current config {calibration.current_accuracy:.3f}); wrote {output}")


def _with_progress(run: Callable[[Callable[[int], None] | None], BatchResult], quiet: bool) -> BatchResult:
    if quiet or not sys.stderr.isatty():
        return run(None)
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(
        TextColumn("scoring"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
        console=Console(stderr=True), transient=True,
    ) as bar:
        task = bar.add_task("score", total=None)
        return run(lambda n: bar.advance(task, n))


def _emit(batch: BatchResult, fmt: str, output: str | None, verbose: int) -> None:
    if fmt == "table" and output is None:
        from rich.console import Console

        from .report.table import print_table

        print_table(batch, Console(), verbose=verbose > 0)
        return
    text = render(batch, fmt)
    if output:
        write_atomic(output, text)
        log.info("wrote %s", output)
    else:
        click.echo(text, nl=False)


# -- history and report commands (issue 6) --------------------------------------------------------------------


@cli.group()
def history() -> None:
    """Inspect or prune the history store of earlier runs."""


@history.command("list")
@history_options
@config_option
@click.option("--limit", type=click.IntRange(1), default=50, show_default=True, help="Most recently stored first.")
@click.option("--since", help="Only articles first seen in this window, e.g. 24h or 7d.")
@click.option("--json", "as_json", is_flag=True, help="JSON lines instead of tab-separated text.")
def history_list(store_path: str | None, index_spec: str | None, config_path: str | None, limit: int, since: str | None, as_json: bool) -> None:
    """Stored articles: id, first seen, latest score and triage, outlet."""
    import json
    from datetime import datetime, timezone

    from .schedule import parse_since

    config = get_config(config_path)
    try:
        cutoff = (datetime.now(timezone.utc) - parse_since(since)).isoformat(timespec="seconds") if since else None
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--since") from None
    with open_store(config, store_path, index_spec) as store:
        for record in store.list_articles(limit=limit, since=cutoff):
            click.echo(json.dumps(record.as_dict(), ensure_ascii=False) if as_json else record.summary())


@history.command("show")
@click.argument("article_id")
@history_options
@config_option
def history_show(article_id: str, store_path: str | None, index_spec: str | None, config_path: str | None) -> None:
    """One stored article as JSON: metadata, every score it received, and the stored text prefix."""
    import json

    from .store import StoreError

    config = get_config(config_path)
    with open_store(config, store_path, index_spec) as store:
        try:
            record = store.show(article_id)
        except StoreError as exc:
            raise ReliabilityError(str(exc)) from None
        click.echo(json.dumps(record.as_dict(), ensure_ascii=False, indent=2))


@history.command("forget")
@click.argument("article_ids", nargs=-1, required=True)
@history_options
@config_option
def history_forget(article_ids: Sequence[str], store_path: str | None, index_spec: str | None, config_path: str | None) -> None:
    """Remove articles (text, signature, scores) from the store and its index."""
    config = get_config(config_path)
    with open_store(config, store_path, index_spec) as store:
        removed = store.forget(list(article_ids))
    missing = sorted(set(article_ids) - set(removed))
    click.echo(f"forgot {len(removed)} article(s)" + (f"; not stored: {', '.join(missing)}" if missing else ""))
    if missing:
        sys.exit(int(ExitStatus.ERROR))


@cli.command()
@click.argument("paths", nargs=-1)
@click.option("--since", help="Report on articles the history store scored in this window (e.g. 24h) instead of PATH....")
@click.option("--out", "out_dir", type=click.Path(file_okay=False), default="reports", show_default=True,
              help="Folder for YYYY-MM-DDTHHMM.{json,md,html} and latest.*.")
@click.option("--no-history", is_flag=True, help="Do not read or record the history store (PATH... only).")
@history_options
@config_option
@logging_options
def report(
    paths: Sequence[str], since: str | None, out_dir: str, no_history: bool, store_path: str | None,
    index_spec: str | None, config_path: str | None, verbose: int, quiet: bool,
) -> None:
    """Write dated and latest reports with a "since the last report" section (for cron or a systemd timer)."""
    setup_logging(verbose, quiet)
    config = get_config(config_path)
    from .schedule import parse_since, run_report

    try:
        window = parse_since(since) if since else None
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--since") from None
    use_store = not no_history and (window is not None or bool(config.get("history", "enabled", default=True)))
    store = open_store(config, store_path, index_spec) if use_store else None
    try:
        files = run_report(config, paths=list(paths), since=window, out_dir=out_dir, store=store)
    except (OSError, ValueError) as exc:
        raise ReliabilityError(str(exc)) from None
    finally:
        if store is not None:
            store.close()
    for path in files.dated.values():
        click.echo(str(path))


# -- evaluation: `eval pan` (issue 3, alignment) -------------------------------------------------------------------


@cli.group("eval")
def eval_group() -> None:
    """Measure the aligner on public benchmarks."""


@eval_group.command("pan")
@click.option("--pairs", "pairs_path", required=True, type=click.Path(exists=True, dir_okay=False),
              help='PAN pairs file: one "suspicious-documentN.txt source-documentM.txt" per line.')
@click.option("--src", "src_dir", required=True, type=click.Path(exists=True, file_okay=False), help="Folder of source documents.")
@click.option("--susp", "susp_dir", required=True, type=click.Path(exists=True, file_okay=False), help="Folder of suspicious documents.")
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False), help="Folder for one detection XML per pair.")
@click.option("--jobs", type=click.IntRange(1, 64), default=2, show_default=True, help="Worker processes.")
@config_option
@logging_options
def eval_pan(pairs_path: str, src_dir: str, susp_dir: str, out_dir: str, jobs: int, config_path: str | None,
             verbose: int, quiet: bool) -> None:
    """Align PAN text-alignment pairs with the scoring aligner and write PAN detection XML (score with plagdet.py)."""
    from .pan import run as run_pan

    setup_logging(verbose, quiet)
    config = get_config(config_path)
    try:
        detections = run_pan(Path(pairs_path), Path(src_dir), Path(susp_dir), Path(out_dir), config, jobs=jobs)
    except (OSError, ValueError) as exc:
        raise ReliabilityError(str(exc)) from None
    click.echo(f"{detections} detections written to {out_dir}")


def main() -> None:
    cli(prog_name="reliability")


if __name__ == "__main__":
    main()
