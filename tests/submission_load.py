"""Many reporters submitting at once through the API of a real server: the store, the clients, the checks.

Shared by ``tests/web/test_submission_concurrency.py`` and ``benchmarks/submission_load.py`` (which imports
it through ``sys.path``). A load store is the demo plus program ``LOAD`` of agency ``LOAD``
(:func:`write_package`: monthly indicators and a region per reporter, so every reporter has keys of its own),
one reporter token per client and an approver token per approver. :func:`served` runs ``natije serve`` with
several worker processes; :func:`run_load` sends each client's submissions (batches of
distinct keys, some sent again with their ``Idempotency-Key``: after the answer, or at the same moment as the
first request) while approvers approve the values the answers name; :func:`check_store` then counts what the
store holds against what was sent.
"""

from __future__ import annotations

import json
import os
import queue
import random
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import httpx2 as httpx
from sqlalchemy import func, select

from natije.domain.access import Principal
from natije.domain.accounts import NewToken
from natije.services.demo import load_demo
from natije.services.ingestion import import_paths
from natije.services.ledger import verify
from natije.services.tokens import create_token
from natije.store import Store
from natije.store import tables as T

AGENCY = "LOAD"
INDICATORS = 20
MONTHS = 240  # 2000-01 to 2019-12; the first month is published by the package, the others are submitted
ROOT = Principal("admin", name="root")
REQUEST_TIMEOUT = 300
"""Seconds a request may wait for its answer before it counts as a failure (SQLite's writers poll for the one
write lock rather than queue for it: under load a few wait tens of seconds)."""


def region(client: int) -> str:
    """The territory whose values client ``client`` submits."""
    return f"{990000000 + (client + 1) * 1000:09d}"


def month(m: int) -> str:
    return f"{2000 + m // 12}-{m % 12 + 1:02d}"


def write_package(folder: Path, clients: int) -> Path:
    """Program ``LOAD`` of agency ``LOAD``: :data:`INDICATORS` monthly indicators, a region per client, and
    the first month of each indicator published in the first region."""
    folder.mkdir(parents=True, exist_ok=True)
    codes = [region(c) for c in range(clients)]
    lines = ["code,level,parent,name_kk,name_ru,name_en"]
    lines += [f"{c},region,000000000,R{c},R{c},R{c}" for c in codes]
    (folder / "territories.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    indicators = "".join(
        f"  - {{code: LOAD.I{i}, names: {{kk: I{i}, ru: I{i}, en: I{i}}}, unit: '%', direction: increase,"
        f" frequency: M, span: {{from: 2000-01, to: 2019-12}}, agency: {AGENCY}, source: load}}\n"
        for i in range(INDICATORS)
    )
    (folder / "program.yaml").write_text(
        "format: natije-program/1\n"
        f"agencies:\n  - {{code: {AGENCY}, names: {{kk: Жүктеме, ru: Нагрузка, en: Load}}}}\n"
        "sources:\n  - {code: load, title: Generated, kind: illustrative}\n"
        "program: {code: LOAD, names: {kk: L, ru: L, en: L}, kind: project, start_year: 2000,"
        f" end_year: 2019, status: in_force, owner: {AGENCY}}}\nindicators:\n" + indicators,
        encoding="utf-8",
    )
    rows = "".join(f"LOAD.I{i},{codes[0]},2000-01,{i}.5\n" for i in range(INDICATORS))
    (folder / "observations.csv").write_text("indicator,territory,period,value\n" + rows, encoding="utf-8")
    return folder


@dataclass(frozen=True)
class LoadStore:
    """A prepared store: its URL and the bearer tokens of its reporters and approvers."""

    url: str
    reporters: tuple[str, ...]
    approvers: tuple[str, ...]


def prepare(url: str, folder: Path, clients: int, approvers: int = 1) -> LoadStore:
    """The demo, program ``LOAD`` and a token per reporter and approver in the (new) store ``url``."""
    store = Store.open(url)
    with closing(store):
        load_demo(store)
        import_paths(store, [write_package(folder, clients)])
        expires = datetime.now() + timedelta(days=2)

        def token(name: str, role: str) -> str:
            return create_token(store, NewToken(name, role, AGENCY, expires), by=ROOT).text

        return LoadStore(
            url,
            tuple(token(f"reporter {c}", "reporter") for c in range(clients)),
            tuple(token(f"approver {a}", "approver") for a in range(approvers)),
        )


# --- the server ---------------------------------------------------------------------------------------------


@contextmanager
def served(url: str, workers: int, start_timeout: float = 120.0) -> Iterator[str]:
    """``natije serve --workers WORKERS`` on store ``url`` (uvicorn, a process per worker) on a free port."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    listener.close()
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    command = [sys.executable, "-c", "from natije.cli import main; main()", "--db", url, "--lang", "en"]
    command += ["serve", "--port", str(port), "--workers", str(workers)]
    proc = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + start_timeout
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"the server on {url} ended with {proc.returncode}")
            try:
                if httpx.get(f"{base}/api/v1/programs", timeout=5).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"the server on {url} did not start in {start_timeout} s")
            time.sleep(0.2)
        yield base
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


# --- the clients --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Planned:
    """One submission a client makes: its idempotency key, rows, and whether (and how) it is sent again."""

    key: str
    rows: tuple[dict[str, Any], ...]
    retry: str | None = None  # None, "after" (once the first answer came) or "together" (at the same moment)


def plan(client: int, submissions: int, seed: int, retried: float = 0.1) -> list[Planned]:
    """``submissions`` requests of client ``client``: batches of 1 to 3 keys never sent before (its region,
    the indicators × months after the first), a share ``retried`` of them sent twice (half of those at
    once)."""
    rng = random.Random(seed * 1000 + client)
    keys = [(i, m) for m in range(1, MONTHS) for i in range(INDICATORS)]
    out, at = [], 0
    for s in range(submissions):
        size = rng.randint(1, 3)
        if at + size > len(keys):
            raise ValueError(f"{submissions} submissions need more than the {len(keys)} keys of a client")
        rows = tuple(
            {
                "indicator": f"LOAD.I{i}",
                "territory": region(client),
                "period": month(m),
                "value": (m * 7 + i) % 997 / 10,
            }
            for i, m in keys[at : at + size]
        )
        at += size
        draw = rng.random()
        retry = None if draw >= retried else ("after" if draw < retried / 2 else "together")
        out.append(Planned(f"c{client}-s{s}", rows, retry))
    return out


@dataclass
class Tally:
    """What the clients saw: latencies, statuses, first answers by key, replays that differed, value ids."""

    latencies: list[float] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)
    answers: dict[str, dict[str, Any]] = field(default_factory=dict)
    replays: int = 0
    mismatched: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    approved: set[int] = field(default_factory=set)
    decisions: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def note(self, started: float, status: int) -> None:
        with self.lock:
            self.latencies.append(time.perf_counter() - started)
            self.statuses[status] = self.statuses.get(status, 0) + 1

    def summary(self, seconds: float) -> dict[str, Any]:
        lat = sorted(self.latencies)
        cut = statistics.quantiles(lat, n=100) if len(lat) > 1 else lat * 99
        return {
            "requests": len(lat),
            "seconds": round(seconds, 1),
            "requests_per_s": round(len(lat) / seconds, 1),
            "values_per_s": round(sum(len(a["rows"]) for a in self.answers.values()) / seconds, 1),
            "p50_ms": round(cut[49] * 1000, 1),
            "p95_ms": round(cut[94] * 1000, 1),
            "max_ms": round(lat[-1] * 1000, 1) if lat else 0,
            "statuses": dict(sorted(self.statuses.items())),
            "replays": self.replays,
            "approved": len(self.approved),
            "errors": len(self.failures) + len(self.mismatched),
        }


def _send(http: httpx.Client, token: str, req: Planned, tally: Tally) -> tuple[int, dict[str, Any], bool]:
    started = time.perf_counter()
    try:
        got = http.post(
            "/api/v1/submissions",
            json={"rows": list(req.rows)},
            headers={"Authorization": f"Bearer {token}", "Idempotency-Key": req.key},
        )
    except httpx.HTTPError as err:
        with tally.lock:
            tally.failures.append(f"{req.key}: {type(err).__name__} {err}")
        return 0, {}, False
    tally.note(started, got.status_code)
    if got.status_code != 201:
        with tally.lock:
            tally.failures.append(f"{req.key}: {got.status_code} {got.text[:300]}")
        return got.status_code, {}, False
    return 201, got.json(), got.headers.get("Idempotent-Replayed") == "true"


def _client(base: str, token: str, requests: list[Planned], tally: Tally, out: queue.Queue[int]) -> None:
    with (
        httpx.Client(base_url=base, timeout=REQUEST_TIMEOUT) as http,
        httpx.Client(base_url=base, timeout=REQUEST_TIMEOUT) as twin,
    ):
        for req in requests:
            if req.retry == "together":
                with ThreadPoolExecutor(1) as twin_sender:  # the retry leaves while the first is under way
                    retry = twin_sender.submit(_send, twin, token, req, tally)
                    answers = [_send(http, token, req, tally), retry.result()]
            else:
                answers = [_send(http, token, req, tally)]
                if req.retry == "after":
                    answers.append(_send(http, token, req, tally))
            good = [(body, replayed) for status, body, replayed in answers if status == 201]
            if not good:
                continue
            with tally.lock:
                tally.answers[req.key] = good[0][0]
                tally.replays += sum(replayed for _, replayed in good)
                if any(body != good[0][0] for body, _ in good):
                    tally.mismatched.append(f"{req.key}: {[b for b, _ in good]}")
                if len(good) == 2 and sum(replayed for _, replayed in good) != 1:
                    tally.mismatched.append(f"{req.key}: replayed {[r for _, r in good]}")
            for row in good[0][0]["rows"]:
                out.put(int(row["value_id"]))


def _approver(base: str, token: str, waiting: queue.Queue[int], tally: Tally, done: threading.Event) -> None:
    with httpx.Client(base_url=base, timeout=REQUEST_TIMEOUT) as http:
        while not (done.is_set() and waiting.empty()):
            batch: list[int] = []
            until = time.monotonic() + 0.5  # an approver looks at what came in the last moment, 50 at most
            try:
                while len(batch) < 50:
                    batch.append(waiting.get(timeout=max(0.01, until - time.monotonic())))
            except queue.Empty:
                pass
            if not batch:
                continue
            started = time.perf_counter()
            try:
                got = http.post(
                    "/api/v1/decisions",
                    json={"value_ids": batch, "approve": True, "reason": None},
                    headers={"Authorization": f"Bearer {token}"},
                )
            except httpx.HTTPError as err:
                with tally.lock:
                    tally.failures.append(f"decision: {type(err).__name__} {err}")
                continue
            tally.note(started, got.status_code)
            with tally.lock:
                if got.status_code == 200 and got.json()["state"] == "approved":
                    tally.approved.update(batch)
                    tally.decisions += 1
                else:
                    tally.failures.append(f"decision {batch[:3]}…: {got.status_code} {got.text[:300]}")


def run_load(
    base: str, load: LoadStore, submissions: int, *, seed: int, approve: bool, deadline: float
) -> tuple[Tally, list[Planned], float]:
    """Every reporter of ``load`` sends its :func:`plan` of ``submissions`` at once (approvers approving what
    the answers name when ``approve``). Fails when it has not ended in ``deadline`` seconds (a deadlock)."""
    plans = [plan(c, submissions, seed) for c in range(len(load.reporters))]
    tally, waiting, done = Tally(), queue.Queue[int](), threading.Event()
    clients = [
        threading.Thread(target=_client, args=(base, token, p, tally, waiting), daemon=True)
        for token, p in zip(load.reporters, plans, strict=True)
    ]
    approvers = [
        threading.Thread(target=_approver, args=(base, token, waiting, tally, done), daemon=True)
        for token in (load.approvers if approve else ())
    ]
    started = time.perf_counter()
    for thread in [*clients, *approvers]:
        thread.start()
    for thread in clients:
        thread.join(timeout=max(0.0, deadline - (time.perf_counter() - started)))
    done.set()
    for thread in approvers:
        thread.join(timeout=max(0.0, deadline - (time.perf_counter() - started)))
    seconds = time.perf_counter() - started
    alive = [t for t in [*clients, *approvers] if t.is_alive()]
    assert not alive, f"{len(alive)} clients still waiting after {deadline} s: a deadlock or a stall"
    return tally, [r for p in plans for r in p], seconds


def _count(conn: Any, table: Any, *where: Any) -> int:
    return int(conn.execute(select(func.count()).select_from(table).where(*where)).scalar_one())


def check_store(url: str, tally: Tally, sent: list[Planned], published_before: int) -> None:
    """The store holds every value sent exactly once, every submission with its rows, the approved values
    published once each, and its log is intact; the clients saw no failure and every replay was the first
    answer."""
    assert not tally.failures, tally.failures[:5]
    assert not tally.mismatched, tally.mismatched[:5]
    assert not any(status >= 500 for status in tally.statuses), tally.statuses
    assert len(tally.answers) == len(sent)
    assert tally.replays == sum(1 for r in sent if r.retry)
    keys = {(row["indicator"], row["territory"], row["period"]) for r in sent for row in r.rows}
    assert len(keys) == sum(len(r.rows) for r in sent)  # the plans never repeat a key
    S, V, O = T.submissions, T.submitted_values, T.observations
    store = Store.open(url)
    with closing(store), store.connect() as conn:
        assert _count(conn, S, S.c.agency == AGENCY) == len(sent)
        assert _count(conn, V) == len(keys)
        stored = dict(conn.execute(select(S.c.idempotency_key, S.c.id)).all())
        counts = dict(conn.execute(select(V.c.submission_id, func.count()).group_by(V.c.submission_id)).all())
        rows = dict(conn.execute(select(S.c.id, S.c.row_count)).all())
        for req in sent:
            sid = stored[req.key]
            assert tally.answers[req.key]["submission"] == sid, req.key
            assert counts[sid] == rows[sid] == len(req.rows), req.key
        states = dict(conn.execute(select(V.c.state, func.count()).group_by(V.c.state)).all())
        assert states == {
            k: v
            for k, v in {"approved": len(tally.approved), "pending": len(keys) - len(tally.approved)}.items()
            if v
        }
        assert _count(conn, O) == published_before + len(tally.approved)
        linked = select(func.count(func.distinct(V.c.observation_id))).where(V.c.state == "approved")
        assert conn.execute(linked).scalar_one() == len(tally.approved)
    with closing(Store.open(url)) as store:
        report = verify(store)
        assert report.intact, report.findings[:3]


def published(url: str) -> int:
    """How many observations the store ``url`` holds."""
    store = Store.open(url)
    with closing(store), store.connect() as conn:
        return _count(conn, T.observations)


def line(backend: str, tally: Tally, seconds: float) -> str:
    return f"{backend}: {json.dumps(tally.summary(seconds))}"
