"""Standing fuzz run: N generated hostile input files (default 10,000), ingested and scored in folders of 25,
every 20th folder also through the CLI. Prints the count, how many files were scored or skipped, the commonest
skip reasons, every failure (a traceback or a broken promise from tests/test_fuzz.py), the time and peak RSS.

    nice /work/venv/bin/python benchmarks/fuzz_standing.py --cases 10000

Exit status 1 when any case failed. The case generator and the checks are those of tests/test_fuzz.py.
"""

from __future__ import annotations

import argparse
import collections
import json
import logging
import re
import resource
import sys
import tempfile
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path

from click.testing import CliRunner
import hypothesis
from hypothesis import HealthCheck, Phase, given, settings

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
import test_fuzz  # noqa: E402  (the strategies and checks live with the tests)

from reliability.cli import cli  # noqa: E402
from reliability.pipeline import score_documents  # noqa: E402

FOLDER_SIZE = 25
CLI_EVERY = 20


@dataclass
class Tally:
    cases: int = 0
    files_scored: int = 0
    files_skipped: int = 0
    documents: int = 0
    skip_entries: int = 0
    cli_runs: int = 0
    reasons: collections.Counter[str] = field(default_factory=collections.Counter)
    failures: list[str] = field(default_factory=list)
    slowest: tuple[float, str] = (0.0, "")


def reason_kind(reason: str) -> str:
    """A reason without its numbers and quoted parts, so that like reasons are counted together."""
    reason = re.sub(r"\(JSONDecodeError: .*\)", "(JSONDecodeError: …)", reason)
    reason = re.sub(r"record '.*?':", "record …:", reason)
    return re.sub(r"\d[\d,]*", "N", reason)[:90]


def run_folder(batch: list[test_fuzz.Case], tally: Tally, with_cli: bool) -> None:
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        try:
            docs, skipped, shown = test_fuzz.ingest_cases(Path(tmp), batch)
            test_fuzz.check_ingested(docs, skipped, shown)
            test_fuzz.check_scored(score_documents(docs, test_fuzz.CONFIG, skipped=skipped), docs)
            if with_cli:
                run_cli(Path(tmp), tally)
        except Exception:
            tally.failures.append(f"{traceback.format_exc(limit=-3)}cases: {batch!r}")
            return
    elapsed = time.perf_counter() - started
    if elapsed > tally.slowest[0]:
        tally.slowest = (elapsed, ", ".join(f"{c.name} {len(c.data):,} B" for c in batch if len(c.data) > 100_000) or "small files")
    tally.cases += len(batch)
    tally.documents += len(docs)
    tally.skip_entries += len(skipped)
    tally.reasons.update(reason_kind(s.reason) for s in skipped)
    scored = {d.meta.path for d in docs}
    tally.files_scored += sum(1 for p in shown if p in scored)
    tally.files_skipped += sum(1 for p in shown if p not in scored)


def run_cli(folder: Path, tally: Tally) -> None:
    result = CliRunner().invoke(cli, ["score", str(folder), "-f", "json", "-q", "--config", test_fuzz._no_history()])
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError("CLI raised") from result.exception
    assert result.exit_code in (0, 1, 2), result.output
    if result.exit_code != 2:
        json.loads(result.stdout)
    tally.cli_runs += 1


def generate(total: int, tally: Tally, seed: int) -> None:
    buffer: list[test_fuzz.Case] = []
    folders = 0

    @settings(max_examples=total, database=None, deadline=None, phases=[Phase.generate], derandomize=seed == 0,
              suppress_health_check=list(HealthCheck))
    @hypothesis.seed(seed)
    @given(test_fuzz.cases())
    def collect(case: test_fuzz.Case) -> None:
        nonlocal folders
        buffer.append(case)
        if len(buffer) == FOLDER_SIZE:
            folders += 1
            run_folder(buffer[:], tally, with_cli=folders % CLI_EVERY == 0)
            buffer.clear()
            if folders % 40 == 0:
                print(f"  … {tally.cases:,} cases, {len(tally.failures)} failures", file=sys.stderr, flush=True)

    collect()
    if buffer:
        run_folder(buffer, tally, with_cli=False)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=10_000, help="generated input files (default 10,000)")
    parser.add_argument("--seed", type=int, default=0, help="0 = hypothesis' derandomized cases; another number = other cases, repeatable with the same number")
    args = parser.parse_args()
    logging.getLogger("reliability").setLevel(logging.ERROR)  # every skip is logged; the tally counts them instead
    tally = Tally()
    started = time.perf_counter()
    generate(args.cases, tally, args.seed)
    elapsed = time.perf_counter() - started
    print(f"cases {tally.cases:,} (files; generated {args.cases:,})")
    print(f"files scored {tally.files_scored:,}, files skipped {tally.files_skipped:,}; "
          f"documents scored {tally.documents:,}; skip entries {tally.skip_entries:,}; CLI runs {tally.cli_runs}")
    print("commonest skip reasons:")
    for reason, count in tally.reasons.most_common(15):
        print(f"  {count:6,}  {reason}")
    print(f"slowest folder of {FOLDER_SIZE}: {tally.slowest[0]:.1f} s ({tally.slowest[1]})")
    print(f"time {elapsed:.0f} s ({1000 * elapsed / max(tally.cases, 1):.1f} ms per case)")
    print(f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
    print(f"failures {len(tally.failures)}")
    for failure in tally.failures[:10]:
        print("-" * 100)
        print(failure[:4000])
    return 1 if tally.failures else 0


if __name__ == "__main__":
    sys.exit(main())
