"""Simulated panels for the coverage/bias study of ``sc`` and ``sdid`` (see ``simulate.py``).

An interactive fixed-effects outcome ``y_it = a_i + g_t + l_i' f_t + e_it`` with two AR(1) factors (the
model under which Arkhangelsky et al. 2021 study SDID), one treated unit drawn at random (so units are
exchangeable, the premise of placebo inference) whose post-period outcomes rise by exactly ``tau``.
"""

from __future__ import annotations

from typing import Any

import numpy as np


def dgp_factor(
    rng: np.random.Generator, N: int = 30, T: int = 30, T0: int = 20, tau: float = 5.0
) -> tuple[dict[str, np.ndarray], float, dict[str, Any]]:
    """One long panel (``u``, ``t`` = 1..T, ``y``), the true effect, and the design (treated unit 0).

    Examples
    --------
    >>> data, truth, design = dgp_factor(np.random.default_rng(0))
    >>> truth, design["treated"], design["start"]
    (5.0, (0,), 21)
    """
    f = np.zeros((T, 2))
    for t in range(1, T):
        f[t] = 0.8 * f[t - 1] + rng.normal(size=2)
    Y = (
        rng.normal(size=(N, 1))
        + np.cumsum(rng.normal(0, 0.3, T))[None, :]
        + rng.normal(size=(N, 2)) @ f.T
        + rng.normal(0, 0.5, size=(N, T))
    )
    treated = int(rng.integers(N))
    Y[treated, T0:] += tau
    order = [treated] + [i for i in range(N) if i != treated]
    data = {"u": np.repeat(np.arange(N), T), "t": np.tile(np.arange(1, T + 1), N), "y": Y[order].ravel()}
    return data, tau, {"treated": (0,), "start": T0 + 1}
