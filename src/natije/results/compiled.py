"""Loops compiled with numba only when their input is large enough to pay for it.

A function decorated with :func:`compiled` is written once, in the subset of Python that numba compiles (numpy
arrays, scalars, ``typing.NamedTuple`` of them). Called on fewer than :data:`SMALL_INPUT` rows it runs as the
plain Python function it is; on more, numba is imported, the function is compiled (``cache=True``: once per
machine, then loaded from ``__pycache__``; ``nogil``: two threads can each run a loop) and the compiled
version runs, from then on for every call of the function, large or small. So a small program never imports
numba, and the same source gives both versions' numbers (tests/results/test_loops.py checks that they
are identical).

A compiled function calls the other compiled functions it names (a row loop calls the rules of one row): each
version sees the same version of its callees — Python calls Python, machine code calls machine code.
"""

from __future__ import annotations

import os
import threading
import types
from collections.abc import Callable
from typing import Any

import numpy as np

SMALL_INPUT = 20_000
"""Inputs with fewer rows than this run in plain Python. Importing numba costs about 160 MB and 0.7–1.2 s, and
loading the cached machine code some tenths of a second more, in every new process; the Python loops cost tens
of microseconds a row (every result and flag of a program of 20,000 observations: about 0.5 s). Below this
size Python is the faster of the two for a command run once, and it keeps a small program's answer well under
the memory numba alone takes."""
FORCE: str | None = None
"""``"python"`` or ``"native"``: every call runs that version, whatever its size (the tests compare
the two)."""
_BUILDING = threading.RLock()  # two threads may ask for the same version at once (judge_rows runs on two)


class Compiled:
    """A function with its plain Python and its compiled version, chosen per call by the size of the input."""

    def __init__(self, fn: Callable[..., Any], options: dict[str, Any]) -> None:
        self.fn = fn
        self.options = options
        self._versions: dict[str, Callable[..., Any]] = {}
        self.__doc__, self.__name__, self.__wrapped__ = fn.__doc__, fn.__name__, fn

    def __call__(self, *args: Any) -> Any:
        # once compiled (numba imported, the code loaded), the compiled version is the faster at every size
        if FORCE == "native" or (FORCE is None and (rows(args) >= SMALL_INPUT or "native" in self._versions)):
            return self.native(*args)
        return self.python(*args)

    def python(self, *args: Any) -> Any:
        """Run the plain Python version, whatever the input's size (numpy's warnings on division by zero and
        invalid operations off, as in the compiled version)."""
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            return self.version("python")(*args)

    def native(self, *args: Any) -> Any:
        """Run the compiled version, whatever the input's size (compiling it on first use)."""
        return self.version("native")(*args)

    def version(self, kind: str) -> Callable[..., Any]:
        """The ``"python"`` or ``"native"`` version, built on first use with its callees of the same kind."""
        with _BUILDING:
            if kind not in self._versions:
                self._versions[kind] = self._build(kind)
        return self._versions[kind]

    def _build(self, kind: str) -> Callable[..., Any]:
        # the function again, over a copy of its module's names where every compiled callee is its version of
        # this kind (numba resolves the names when it compiles, Python when it runs)
        names = dict(self.fn.__globals__)
        for name in self.callees():
            names[name] = names[name].version(kind)
        fn = types.FunctionType(
            self.fn.__code__, names, self.fn.__name__, self.fn.__defaults__, self.fn.__closure__
        )
        if kind == "python":
            return fn
        from numba import njit  # here, not at the top: only large inputs pay for it

        # dividing by zero as numpy does (inf or NaN, no exception),
        # as the Python version does on numpy scalars
        native = njit(cache=True, nogil=True, error_model="numpy", **self.options)(fn)
        _drop_if_stale(native, self.sources())
        return native

    def callees(self) -> list[str]:
        """The names of the compiled functions this one calls."""
        return [n for n in self.fn.__code__.co_names if isinstance(self.fn.__globals__.get(n), Compiled)]

    def sources(self) -> set[str]:
        """The files of this function and of every compiled function it calls, directly or not."""
        found = {self.fn.__code__.co_filename}
        for name in self.callees():
            found |= self.fn.__globals__[name].sources()
        return found


def compiled(**options: Any) -> Callable[[Callable[..., Any]], Compiled]:
    """Decorate a loop or a rule: plain Python on small inputs, compiled by numba (with ``options``) on large.

    >>> @compiled()
    ... def total(values):
    ...     s = 0.0
    ...     for v in values:
    ...         s += v
    ...     return s
    >>> float(total(np.ones(3)))
    3.0
    """
    return lambda fn: Compiled(fn, options)


def rows(args: tuple[Any, ...]) -> int:
    """The size of an input: the longest array among the arguments and the fields of tuple arguments."""
    longest = 0
    for arg in args:
        for item in arg if isinstance(arg, tuple) else (arg,):
            if isinstance(item, np.ndarray) and item.ndim:
                longest = max(longest, item.shape[0])
    return longest


def _drop_if_stale(native: Any, sources: set[str]) -> None:
    """Forget ``native``'s machine code cached on disk when a file it depends on is newer: numba checks only
    the file of the function itself, so a rule edited in another module would keep running as it
    was compiled."""
    index = getattr(getattr(getattr(native, "_cache", None), "_cache_file", None), "_index_path", None)
    if (
        index
        and os.path.exists(index)
        and max(os.path.getmtime(f) for f in sources) > os.path.getmtime(index)
    ):
        native._cache.flush()
