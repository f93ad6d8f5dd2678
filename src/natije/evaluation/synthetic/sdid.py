"""Synthetic difference-in-differences and its special cases, as R ``synthdid`` 0.0.9 computes them.

The panel is a matrix ``Y`` (units × periods) whose first ``N0`` rows are control units and first
``T0`` columns are pre-treatment periods (Arkhangelsky et al. 2021, Algorithm 1). Unit weights
``omega`` and time weights ``lambda`` come from simplex-constrained ridge fits solved by
Frank–Wolfe (see :mod:`natije.evaluation.synthetic.frank_wolfe`); the estimate is the weighted double
difference. :func:`sc_estimate` and :func:`did_estimate` are the same computation with the
weights R uses for synthetic control and for plain difference-in-differences.

Every fitting function here works on a *batch* of panels of one shape, so the placebo and
bootstrap replicates in :mod:`natije.evaluation.synthetic.sdid_inference` solve hundreds of problems at once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from natije.errors import EstimationError, Text
from natije.evaluation.synthetic.frank_wolfe import Array, simplex_weights, sparsify


@dataclass(frozen=True)
class SdidOptions:
    """Tuning of one fit; replicates reuse it unchanged, as R's ``opts`` attribute is reused."""

    zeta_omega: float
    zeta_lambda: float
    omega_intercept: bool = True
    lambda_intercept: bool = True
    update_omega: bool = True
    update_lambda: bool = True
    min_decrease: float = 1e-5
    max_iter: int = 10_000
    max_iter_pre_sparsify: int = 100
    sparsify: bool = True


@dataclass(frozen=True)
class SdidFit:
    """One synthetic-DiD style estimate with its weights and the setup needed to replicate it."""

    method: str
    estimate: float
    omega: Array
    lambda_: Array
    Y: Array = field(repr=False)
    N0: int
    T0: int
    options: SdidOptions
    noise_level: float

    @property
    def effects(self) -> Array:
        """Per post-period effects (R ``synthdid_effect_curve``)."""
        return effect_curve(self.Y, self.N0, self.T0, self.omega, self.lambda_)

    def to_dict(self) -> dict[str, Any]:
        """Return the estimate and weights as JSON-friendly values."""
        return {
            "method": self.method,
            "estimate": self.estimate,
            "omega": self.omega.tolist(),
            "lambda": self.lambda_.tolist(),
            "N0": self.N0,
            "T0": self.T0,
            "noise_level": self.noise_level,
        }


def noise_level(Y: Array, N0: int, T0: int) -> float:
    """Standard deviation of the first differences of the control units' pre-period outcomes."""
    d = np.diff(Y[:N0, :T0], axis=1)
    if d.size < 2:
        raise EstimationError(Text("error.sdid_too_small"))
    return float(d.std(ddof=1))


def collapsed_form(Y: Array, N0: int, T0: int) -> Array:
    """Average the treated rows and the post columns of a batch ``(B, N, T)`` → ``(B, N0+1, T0+1)``."""
    top = np.concatenate([Y[:, :N0, :T0], Y[:, :N0, T0:].mean(axis=2, keepdims=True)], axis=2)
    treated = Y[:, N0:, :]
    bottom = np.concatenate(
        [treated[:, :, :T0].mean(axis=1, keepdims=True), treated[:, :, T0:].mean(axis=(1, 2))[:, None, None]],
        axis=2,
    )
    return np.concatenate([top, bottom], axis=1)


def _fit_stage(Yc: Array, zeta: float, intercept: bool, x0: Array | None, opts: SdidOptions) -> Array:
    x = simplex_weights(Yc, zeta, intercept, x0, opts.min_decrease, opts.max_iter_pre_sparsify)
    if opts.sparsify:
        x = simplex_weights(Yc, zeta, intercept, sparsify(x), opts.min_decrease, opts.max_iter)
    return x


def fit_weights(
    Y: Array, N0: int, T0: int, opts: SdidOptions, omega0: Array | None, lambda0: Array | None
) -> tuple[Array, Array]:
    """Unit and time weights for a batch of panels ``(B, N, T)`` sharing ``N0`` and ``T0``.

    ``omega0``/``lambda0`` (B, N0)/(B, T0) are starting points when the weights are updated and
    the weights themselves when they are not, as in R.
    """
    Yc = collapsed_form(Y, N0, T0)
    nb = Y.shape[0]
    if opts.update_lambda:
        lam = _fit_stage(Yc[:, :N0, :], opts.zeta_lambda, opts.lambda_intercept, lambda0, opts)
    elif lambda0 is None:
        raise EstimationError(Text("error.time_weights_missing"))
    else:
        lam = np.broadcast_to(lambda0, (nb, T0))
    if opts.update_omega:
        Yo = np.ascontiguousarray(Yc[:, :, :T0].transpose(0, 2, 1))
        omega = _fit_stage(Yo, opts.zeta_omega, opts.omega_intercept, omega0, opts)
    elif omega0 is None:
        raise EstimationError(Text("error.unit_weights_missing"))
    else:
        omega = np.broadcast_to(omega0, (nb, N0))
    return omega, lam


def weighted_estimate(Y: Array, N0: int, T0: int, omega: Array, lam: Array) -> Array:
    """The weighted double difference for a batch ``(B, N, T)``."""
    n1 = Y.shape[1] - N0
    t1 = Y.shape[2] - T0
    row = np.concatenate([-omega, np.full((Y.shape[0], n1), 1.0 / n1)], axis=1)
    col = np.concatenate([-lam, np.full((Y.shape[0], t1), 1.0 / t1)], axis=1)
    return np.einsum("bn,bnt,bt->b", row, Y, col)


def effect_curves(Y: Array, N0: int, T0: int, omega: Array, lam: Array) -> Array:
    """Per post-period effects for a batch ``(B, N, T)`` → ``(B, T1)``; their row means are the estimates."""
    gap = Y[:, N0:].mean(axis=1) - np.einsum("bn,bnt->bt", omega, Y[:, :N0])
    return gap[:, T0:] - np.einsum("bt,bt->b", gap[:, :T0], lam)[:, None]


def effect_curve(Y: Array, N0: int, T0: int, omega: Array, lam: Array) -> Array:
    """Per post-period effects: treated-minus-synthetic gap less its lambda-weighted pre-period gap."""
    gap = Y[N0:].mean(axis=0) - omega @ Y[:N0]
    return gap[T0:] - gap[:T0] @ lam


def _validate(Y: Array, N0: int, T0: int) -> Array:
    Y = np.asarray(Y, dtype=float)
    if Y.ndim != 2 or not (0 < N0 < Y.shape[0]) or not (1 < T0 < Y.shape[1]):
        raise EstimationError(
            Text("error.sdid_bad_matrix"),
            shape=list(np.shape(Y)),
            N0=N0,
            T0=T0,
        )
    if not np.isfinite(Y).all():
        raise EstimationError(Text("error.outcome_not_finite"))
    return Y


def _estimate(
    method: str,
    Y: Array,
    N0: int,
    T0: int,
    opts: SdidOptions,
    noise: float,
    omega0: Array | None = None,
    lambda0: Array | None = None,
) -> SdidFit:
    om0 = None if omega0 is None else np.asarray(omega0, dtype=float)[None]
    la0 = None if lambda0 is None else np.asarray(lambda0, dtype=float)[None]
    omega, lam = fit_weights(Y[None], N0, T0, opts, om0, la0)
    est = float(weighted_estimate(Y[None], N0, T0, omega, lam)[0])
    return SdidFit(method, est, np.array(omega[0]), np.array(lam[0]), Y, N0, T0, opts, noise)


def synthdid_estimate(
    Y: Array,
    N0: int,
    T0: int,
    *,
    eta_omega: float | None = None,
    eta_lambda: float = 1e-6,
    omega_intercept: bool = True,
    lambda_intercept: bool = True,
    max_iter: int = 10_000,
) -> SdidFit:
    """Synthetic difference-in-differences (R ``synthdid_estimate``).

    Parameters
    ----------
    Y : array (N, T)
        Outcomes; rows ``0..N0-1`` are controls, columns ``0..T0-1`` pre-treatment periods.
    N0, T0 : int
        Number of control units and of pre-treatment periods.
    eta_omega : float, optional
        ``zeta_omega = eta_omega * noise``; defaults to ``(N1 * T1) ** (1/4)``.
    eta_lambda : float
        ``zeta_lambda = eta_lambda * noise``.

    Examples
    --------
    Three controls and one treated unit, outcomes of unit plus period effects; the treated unit gains 5 from
    the third period on, so under these parallel trends the estimate is exactly 5:

    >>> import numpy as np
    >>> Y = np.add.outer([0.0, 1.0, 3.0, 2.0], [0.0, 0.5, 1.0, 2.0])
    >>> Y[3, 2:] += 5.0
    >>> fit = synthdid_estimate(Y, N0=3, T0=2)
    >>> round(fit.estimate, 6), fit.omega.round(3).tolist(), fit.lambda_.round(3).tolist()
    (5.0, [0.333, 0.333, 0.333], [0.5, 0.5])
    """
    Y = _validate(Y, N0, T0)
    noise = noise_level(Y, N0, T0)
    if eta_omega is None:
        eta_omega = ((Y.shape[0] - N0) * (Y.shape[1] - T0)) ** 0.25
    opts = SdidOptions(
        zeta_omega=eta_omega * noise,
        zeta_lambda=eta_lambda * noise,
        omega_intercept=omega_intercept,
        lambda_intercept=lambda_intercept,
        min_decrease=1e-5 * noise,
        max_iter=max_iter,
    )
    return _estimate("sdid", Y, N0, T0, opts, noise)


def sc_estimate(Y: Array, N0: int, T0: int, *, eta_omega: float = 1e-6, max_iter: int = 10_000) -> SdidFit:
    """Synthetic control as R ``synthdid::sc_estimate``: no intercept, no time weights."""
    Y = _validate(Y, N0, T0)
    noise = noise_level(Y, N0, T0)
    opts = SdidOptions(
        zeta_omega=eta_omega * noise,
        zeta_lambda=1e-6 * noise,
        omega_intercept=False,
        update_lambda=False,
        min_decrease=1e-5 * noise,
        max_iter=max_iter,
    )
    return _estimate("sc", Y, N0, T0, opts, noise, lambda0=np.zeros(T0))


def did_estimate(Y: Array, N0: int, T0: int) -> SdidFit:
    """Difference-in-differences as R ``synthdid::did_estimate``: uniform unit and time weights."""
    Y = _validate(Y, N0, T0)
    noise = noise_level(Y, N0, T0)
    opts = SdidOptions(
        zeta_omega=((Y.shape[0] - N0) * (Y.shape[1] - T0)) ** 0.25 * noise,
        zeta_lambda=1e-6 * noise,
        update_omega=False,
        update_lambda=False,
        min_decrease=1e-5 * noise,
    )
    return _estimate("did", Y, N0, T0, opts, noise, np.full(N0, 1.0 / N0), np.full(T0, 1.0 / T0))


ESTIMATORS = {"sdid": synthdid_estimate, "sc": sc_estimate, "did": did_estimate}
