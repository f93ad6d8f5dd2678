"""Where repeated work runs: in this process, in local processes, or on a Dask cluster.

Reproducibility rule: random work (bootstrap, placebo, simulation draws) is cut into chunks by
:func:`seeded_chunks` -- a fixed chunking that depends only on the seed and the number of draws, never
on the executor -- and each chunk draws from its own ``SeedSequence(seed).spawn(...)`` child.
The same seed therefore gives identical numbers on every executor.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import Any, Protocol, runtime_checkable

import numpy as np

from natije.errors import ConfigurationError, Text

CHUNK = 250
"""Draws per chunk; fixed so results never depend on the executor or the number of workers."""


@runtime_checkable
class Executor(Protocol):
    """Maps a picklable top-level function over tasks and returns results in task order."""

    def map(self, fn: Callable[[Any], Any], tasks: Sequence[Any]) -> list[Any]:
        """Apply ``fn`` to every task; results in the order of ``tasks``."""
        ...


class SerialExecutor:
    """Runs every task in this process (the default)."""

    def map(self, fn: Callable[[Any], Any], tasks: Sequence[Any]) -> list[Any]:
        """Apply ``fn`` to every task, one after the other."""
        return [fn(t) for t in tasks]

    def __repr__(self) -> str:
        return "SerialExecutor()"


class ProcessExecutor:
    """Runs tasks in local worker processes (``concurrent.futures``)."""

    def __init__(self, max_workers: int | None = None) -> None:
        self.max_workers = max_workers or min(8, os.cpu_count() or 1)

    def map(self, fn: Callable[[Any], Any], tasks: Sequence[Any]) -> list[Any]:
        """Apply ``fn`` to every task in a process pool."""
        if len(tasks) <= 1:
            return [fn(t) for t in tasks]
        with ProcessPoolExecutor(max_workers=self.max_workers) as pool:
            return list(pool.map(fn, tasks))

    def __repr__(self) -> str:
        return f"ProcessExecutor(max_workers={self.max_workers})"


class DaskExecutor:
    """Runs tasks on a Dask distributed cluster.

    Parameters
    ----------
    address : str
        ``dask://HOST:PORT`` (or ``tcp://HOST:PORT``) of a running scheduler.
    """

    def __init__(self, address: str) -> None:
        self.address = "tcp://" + address.split("://", 1)[1] if address.startswith("dask://") else address
        self._client: Any = None

    def _get_client(self) -> Any:
        if self._client is None:
            try:
                from dask.distributed import Client
            except ImportError as exc:  # pragma: no cover - optional dependency
                raise ConfigurationError(Text("error.dask_missing")) from exc
            try:
                self._client = Client(self.address, timeout=10, set_as_default=False)
            except OSError as exc:
                raise ConfigurationError(
                    Text("error.dask_unreachable", address=self.address, reason=str(exc))
                ) from exc
        return self._client

    def map(self, fn: Callable[[Any], Any], tasks: Sequence[Any]) -> list[Any]:
        """Submit one Dask task per item and gather the results in order."""
        client = self._get_client()
        futures = client.map(fn, list(tasks), pure=False)
        return list(client.gather(futures))

    def close(self) -> None:
        """Disconnect from the scheduler (the cluster keeps running)."""
        if self._client is not None:
            self._client.close()
            self._client = None

    def __repr__(self) -> str:
        return f"DaskExecutor({self.address!r})"


def make_executor(spec: str | Executor | None = "serial") -> Executor:
    """Build an executor from ``serial``, ``processes``, ``processes:N`` or ``dask://HOST:PORT``.

    Raises
    ------
    ConfigurationError
        Unknown spec.
    """
    if spec is None or spec == "serial":
        return SerialExecutor()
    if not isinstance(spec, str):
        return spec
    if spec == "processes" or spec.startswith("processes:"):
        n = spec.partition(":")[2]
        return ProcessExecutor(int(n) if n else None)
    if spec.startswith(("dask://", "tcp://")):
        return DaskExecutor(spec)
    raise ConfigurationError(Text("error.unknown_executor", spec=spec))


def seeded_chunks(seed: int, n_draws: int, chunk: int = CHUNK) -> list[tuple[np.random.SeedSequence, int]]:
    """Split ``n_draws`` into fixed chunks, each with its own child seed.

    Examples
    --------
    >>> [size for _, size in seeded_chunks(7, 600)]
    [250, 250, 100]
    """
    sizes = [chunk] * (n_draws // chunk) + ([n_draws % chunk] if n_draws % chunk else [])
    children = np.random.SeedSequence(seed).spawn(len(sizes))
    return list(zip(children, sizes))


def run_draws(
    executor: Executor,
    fn: Callable[[tuple[Any, np.random.SeedSequence, int]], np.ndarray],
    payload: Any,
    seed: int,
    n_draws: int,
) -> np.ndarray:
    """Run ``fn((payload, seed_sequence, size))`` per chunk and stack the returned draw arrays.

    ``fn`` must be a top-level (picklable) function returning an array whose first axis has ``size`` rows.
    """
    tasks: Iterable[Any] = [(payload, ss, size) for ss, size in seeded_chunks(seed, n_draws)]
    parts = executor.map(fn, list(tasks))
    return np.concatenate(parts, axis=0)
