"""A submission or an approval killed with SIGKILL at a random moment leaves the store exactly as it was or as
the step would have left it, never in between, and the log intact (issue #13: crash safety).

The store holds the demo, program ``LOAD`` and a pending first submission (:mod:`submission_runs`). Trials
alternate: a second submission (whose rows supersede a share of the first's and include values already
published), and the approval of that second submission (inserting observations, revising the published ones
with a reason, setting the values' states, adding an ``imports`` row, refreshing the program's results and
signing the log). Each runs in its own process (``submission_runs.py``) on a copy of its starting store and
is killed after a delay drawn uniformly between 0 and the measured length of the same step run to its end,
both counted from the moment the process says it is ready (imported and connected), so that the kills land in
the step rather than in the interpreter's start (seeded: a failing trial names its seed and delay).
Afterwards :func:`natije.services.ledger.verify` must find the log intact and the contents of every table
(:func:`submission_runs.fingerprint`) must be the ones before or the ones after: an approval publishes all its
values, with their revisions, states, import row and log entries, or none. Both are in the slow set (CI runs
it): two trials per backend with a tenth of the values, and 50 per backend; the default run's kill trials are
the imports' (tests/store/test_crash_safety.py).
"""

from __future__ import annotations

import random
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import ExitStack, closing, contextmanager
from pathlib import Path

import pytest
from crash_runs import environment
from demo_store import store_copy
from postgres_db import POSTGRES, new_postgres_database
from submission_runs import fingerprint, prepare

from natije.services.ledger import verify
from natije.store import Store

RUNNER = str(Path(__file__).resolve().parent / "submission_runs.py")
ROWS = 2_000
"""Values of the second submission in the slow trials (the default run's are a tenth)."""
SEED = 20261208


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=POSTGRES)])
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@contextmanager
def _copy(source: str, folder: Path) -> Iterator[str]:
    """A copy of the closed store ``source`` (in a folder of its own under ``folder``), gone at the end."""
    own = folder / f"copy-{len(list(folder.glob('copy-*')))}"
    own.mkdir()
    try:
        with store_copy(source, own) as url:
            yield url
    finally:
        shutil.rmtree(own)


def _killed_after(
    delay: float, db: str, step: str, rows: int, env: dict[str, str]
) -> tuple[int | None, float]:
    """Run ``step`` on ``db`` and SIGKILL it ``delay`` seconds after it said it is ready: its exit code when
    it ended before that (else ``None``) and the seconds from ready to its end."""
    proc = subprocess.Popen(
        [sys.executable, RUNNER, db, step, str(rows)],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        env=env,
        text=True,
    )
    assert proc.stdout is not None and proc.stdout.readline().strip() == "ready", f"{step} did not start"
    began = time.perf_counter()
    try:
        code: int | None = proc.wait(timeout=delay)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
        code = None
    proc.stdout.close()
    return code, time.perf_counter() - began


def _measured(
    stack: ExitStack, start: str, step: str, rows: int, env: dict[str, str], folder: Path
) -> tuple[float, str]:
    """How long ``step`` takes on a copy of ``start`` run to its end, and that copy (kept as long as
    ``stack``)."""
    db = stack.enter_context(_copy(start, folder))
    code, seconds = _killed_after(900, db, step, rows, env)
    assert code == 0, f"{step} failed on {db}"
    return seconds, db


def _intact(db: str) -> None:
    store = Store.open(db)
    with closing(store):
        report = verify(store)
    assert report.intact, report.findings[:3]


def _trials(backend: str, tmp_path: Path, trials: int, rows: int, monkeypatch: pytest.MonkeyPatch) -> None:
    key = str(tmp_path / "log-key.pem")
    monkeypatch.setenv("NATIJE_LEDGER_KEY", key)  # this process prepares and verifies, the runner signs
    env = environment(NATIJE_LEDGER_KEY=key)
    with ExitStack() as stack:
        first = str(tmp_path / "first.db")
        if backend == "postgresql":
            first = stack.enter_context(new_postgres_database())
        prepare(first, tmp_path / "package", rows)
        submit_seconds, second = _measured(stack, first, "submit", rows, env, tmp_path)
        with _copy(second, tmp_path) as approved:
            code, approve_seconds = _killed_after(900, approved, "approve", rows, env)
            assert code == 0, f"approve failed on {approved}"
            states = [fingerprint(first), fingerprint(second), fingerprint(approved)]
        assert states[0] != states[1] != states[2]
        runs = [(first, "submit", states[0], states[1], submit_seconds)]
        runs.append((second, "approve", states[1], states[2], approve_seconds))
        rng = random.Random(SEED)
        outcomes = {s: {"before": 0, "after": 0, "ended before the kill": 0} for s in ("submit", "approve")}
        for trial in range(trials):
            start, step, before, after, seconds = runs[trial % 2]
            delay = rng.uniform(0, seconds)
            where = (
                f"trial {trial} (seed {SEED}, {backend}, {step}, killed at {delay:.2f} s of {seconds:.2f})"
            )
            with _copy(start, tmp_path) as db:
                if _killed_after(delay, db, step, rows, env)[0] is not None:
                    outcomes[step]["ended before the kill"] += 1
                _intact(db)
                state = fingerprint(db)
            changed = sorted(k for k in state if state[k] not in (before[k], after[k]))
            assert state in (before, after), f"{where}: neither before nor after; tables {changed} or a mix"
            outcomes[step]["before" if state == before else "after"] += 1
    print(
        f"{backend}: {trials} kills, {outcomes}, "
        f"submit {submit_seconds:.1f} s, approve {approve_seconds:.1f} s"
    )


@pytest.mark.slow
def test_a_submission_and_an_approval_killed_once_leave_the_store_before_or_after(
    backend: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _trials(backend, tmp_path, 2, ROWS // 10, monkeypatch)


@pytest.mark.slow
def test_submissions_and_approvals_killed_fifty_times_leave_the_store_before_or_after(
    backend: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _trials(backend, tmp_path, 50, ROWS, monkeypatch)
