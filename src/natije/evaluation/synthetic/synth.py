"""Synthetic control (Abadie, Diamond & Hainmueller) as R ``Synth`` computes it.

A :class:`SynthProblem` holds the matrices R's ``dataprep`` builds: predictors of the treated unit
(``X1``) and of the donors (``X0``), each a mean of a variable over a window of periods (missing
values skipped, as ``mean(na.rm = TRUE)``); pre-period outcomes used to choose the predictor
weights (``Z1``, ``Z0``); and the whole outcome paths (``Y1``, ``Y0``). :func:`fit_synth`
scales every predictor by its standard deviation across units, as R does, and solves the nested
problem (:mod:`natije.evaluation.synthetic.synth_solver`).

Examples
--------
Region T follows the average of A and B until 2005, then gains 4 a year:

>>> years = list(range(2000, 2008))
>>> a, b, c = [1.0, 2, 3, 2, 4, 3, 5, 4], [3.0, 2, 4, 5, 3, 5, 4, 6], [6.0, 7, 5, 8, 7, 9, 8, 9]
>>> t = [(x + y) / 2 + 4.0 * (year >= 2005) for x, y, year in zip(a, b, years)]
>>> regions = [r for r in "ABCT" for _ in years]
>>> frame = pl.DataFrame({"region": regions, "year": years * 4, "gdp": a + b + c + t})
>>> problem = prepare_synth(frame, unit="region", time="year", outcome="gdp", treated="T", start=2005)
>>> fit = fit_synth(problem)
>>> {donor: round(w, 3) for donor, w in fit.weights_by_donor().items()}, round(fit.estimate, 3)
({'A': 0.5, 'B': 0.5, 'C': 0.0}, 4.0)
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import polars as pl

from natije.errors import EstimationError, InsufficientData, Text
from natije.evaluation.synthetic.frank_wolfe import Array
from natije.evaluation.synthetic.synth_solver import inner_weights, mspe, normalise_v, solve_outer


@dataclass(frozen=True)
class Predictor:
    """One row of the predictor matrix: ``op`` of ``variable`` over ``times`` (None = all pre-periods)."""

    variable: str
    times: tuple[Any, ...] | None = None
    op: str = "mean"

    @property
    def label(self) -> str:
        """Readable name, e.g. ``gdpcap 1960-1969``."""
        if not self.times:
            return f"{self.variable} (pre-period)"
        if len(self.times) == 1:
            return f"{self.variable} {self.times[0]}"
        return f"{self.variable} {self.times[0]}-{self.times[-1]}"


@dataclass(frozen=True)
class SynthProblem:
    """The matrices of one synthetic-control fit; column ``j`` of ``X0``/``Z0``/``Y0`` is ``donors[j]``."""

    treated: Any
    donors: tuple[Any, ...]
    predictors: tuple[str, ...]
    X1: Array
    X0: Array
    Z1: Array
    Z0: Array
    Y1: Array
    Y0: Array
    times: Array
    T0: int

    def placebo(self, j: int) -> SynthProblem:
        """The problem with donor ``j`` as the treated unit and the other donors as its pool."""
        keep = np.delete(np.arange(len(self.donors)), j)
        return self.restrict(keep, treated_column=j)

    def restrict(self, keep: np.ndarray, treated_column: int | None = None) -> SynthProblem:
        """Keep only donors ``keep``; optionally make donor ``treated_column`` the treated unit."""
        if treated_column is None:
            X1, Z1, Y1, tr = self.X1, self.Z1, self.Y1, self.treated
        else:
            c = treated_column
            X1, Z1, Y1, tr = self.X0[:, c], self.Z0[:, c], self.Y0[:, c], self.donors[c]
        return replace(
            self,
            treated=tr,
            donors=tuple(self.donors[k] for k in keep),
            X1=X1,
            X0=self.X0[:, keep],
            Z1=Z1,
            Z0=self.Z0[:, keep],
            Y1=Y1,
            Y0=self.Y0[:, keep],
        )


def build_problem(
    Y: Array,
    covariates: Mapping[str, Array],
    units: Sequence[Any],
    times: Sequence[Any],
    *,
    outcome: str,
    treated: Any,
    donors: Sequence[Any],
    T0: int,
    predictors: Sequence[Predictor] | None = None,
    optimize_times: Sequence[Any] | None = None,
) -> SynthProblem:
    """Build a :class:`SynthProblem` from unit × period matrices.

    ``predictors=None`` uses every pre-period outcome as a predictor (the outcome-only design).
    ``optimize_times`` (default: all pre-periods) are the periods whose MSPE chooses V.
    """
    units, times_arr = list(units), np.asarray(times)
    pos = {u: i for i, u in enumerate(units)}
    missing = [u for u in [treated, *donors] if u not in pos]
    if missing:
        raise EstimationError(Text("error.units_not_in_data"), units=[str(u) for u in missing])
    rows = [pos[treated]] + [pos[d] for d in donors if d != treated]
    if len(rows) < 3:
        raise InsufficientData(Text("error.sc_few_donors"))
    pre = list(times_arr[:T0])
    variables = {outcome: Y, **covariates}
    preds = list(predictors) if predictors else [Predictor(outcome, (t,)) for t in pre]

    def cols(ts: Sequence[Any] | None) -> np.ndarray:
        want = pre if not ts else list(ts)
        idx = np.flatnonzero(np.isin(times_arr, want))
        if idx.size != len(set(want)):
            raise EstimationError(Text("error.predictor_periods_missing"), periods=[str(t) for t in want])
        return idx

    X = np.empty((len(preds), len(rows)))
    for k, p in enumerate(preds):
        if p.variable not in variables:
            raise EstimationError(
                Text("error.unknown_predictor", variable=p.variable), known=sorted(variables)
            )
        block = variables[p.variable][np.ix_(np.asarray(rows), cols(p.times))]
        with np.errstate(all="ignore"):
            X[k] = np.nanmean(block, axis=1) if p.op == "mean" else np.nanmedian(block, axis=1)
    if not np.isfinite(X).all():
        bad = sorted({preds[k].label for k in np.flatnonzero(~np.isfinite(X).all(axis=1))})
        raise InsufficientData(Text("error.predictor_gaps"), predictors=bad)
    zc = cols(optimize_times)
    Yr = Y[rows]
    if not np.isfinite(Yr).all():
        raise InsufficientData(Text("error.outcome_missing"))
    return SynthProblem(
        treated=treated,
        donors=tuple(units[r] for r in rows[1:]),
        predictors=tuple(p.label for p in preds),
        X1=X[:, 0],
        X0=X[:, 1:],
        Z1=Yr[0, zc],
        Z0=Yr[1:, zc].T,
        Y1=Yr[0],
        Y0=Yr[1:].T,
        times=times_arr,
        T0=T0,
    )


def prepare_synth(
    frame: pl.DataFrame,
    *,
    unit: str,
    time: str,
    outcome: str,
    treated: Any,
    start: Any,
    donors: Sequence[Any] | None = None,
    predictors: Sequence[Predictor] | None = None,
    optimize_times: Sequence[Any] | None = None,
) -> SynthProblem:
    """Build a :class:`SynthProblem` from a long table (one row per unit and period; gaps allowed)."""
    variables = sorted({outcome, *(p.variable for p in predictors or ())})
    units = frame[unit].unique().sort().to_list()
    times = frame[time].unique().sort().to_list()
    grid = pl.DataFrame({unit: units}).join(pl.DataFrame({time: times}), how="cross")
    full = grid.join(frame.select([unit, time, *variables]), on=[unit, time], how="left").sort([unit, time])
    mats = {
        v: full[v].cast(pl.Float64).fill_null(np.nan).to_numpy().reshape(len(units), len(times))
        for v in variables
    }
    T0 = int(np.searchsorted(np.asarray(times), start))
    pool = [u for u in units if u != treated] if donors is None else list(donors)
    return build_problem(
        mats[outcome],
        {v: m for v, m in mats.items() if v != outcome},
        units,
        times,
        outcome=outcome,
        treated=treated,
        donors=pool,
        T0=T0,
        predictors=predictors,
        optimize_times=optimize_times,
    )


@dataclass(frozen=True)
class SynthFit:
    """A fitted synthetic control: donor weights ``w``, predictor weights ``v`` and the paths they give."""

    problem: SynthProblem
    w: Array
    v: Array
    loss_v: float
    loss_w: float
    start: str

    @property
    def synthetic(self) -> Array:
        """Outcome path of the synthetic unit."""
        return self.problem.Y0 @ self.w

    @property
    def gap(self) -> Array:
        """Treated minus synthetic, every period."""
        return self.problem.Y1 - self.synthetic

    @property
    def estimate(self) -> float:
        """Average post-period gap."""
        return float(self.gap[self.problem.T0 :].mean())

    @property
    def pre_rmspe(self) -> float:
        """Root mean squared gap before the intervention."""
        return float(np.sqrt(np.mean(self.gap[: self.problem.T0] ** 2)))

    @property
    def post_rmspe(self) -> float:
        """Root mean squared gap after the intervention."""
        return float(np.sqrt(np.mean(self.gap[self.problem.T0 :] ** 2)))

    def weights_by_donor(self) -> dict[Any, float]:
        """Donor id → weight."""
        return dict(zip(self.problem.donors, self.w.tolist()))

    def balance(self) -> list[dict[str, Any]]:
        """Predictor balance: treated, synthetic and donor-average value, and the weight V of each."""
        p = self.problem
        synth, avg = p.X0 @ self.w, p.X0.mean(axis=1)
        return [
            {
                "predictor": n,
                "treated": float(a),
                "synthetic": float(b),
                "donor_mean": float(c),
                "v": float(d),
            }
            for n, a, b, c, d in zip(p.predictors, p.X1, synth, avg, self.v)
        ]

    def to_dict(self) -> dict[str, Any]:
        """JSON-friendly summary."""
        return {
            "treated": self.problem.treated,
            "estimate": self.estimate,
            "weights": self.weights_by_donor(),
            "v": dict(zip(self.problem.predictors, self.v.tolist())),
            "loss_v": self.loss_v,
            "loss_w": self.loss_w,
            "pre_rmspe": self.pre_rmspe,
            "post_rmspe": self.post_rmspe,
            "start": self.start,
        }


def predictor_sd(problem: SynthProblem) -> Array:
    """Standard deviation of each predictor across all units (zero spreads count as 1)."""
    sd = np.column_stack([problem.X0, problem.X1]).std(axis=1, ddof=1)
    return np.where(sd > 0, sd, 1.0)


def scaled_predictors(problem: SynthProblem) -> tuple[Array, Array]:
    """``X1``, ``X0`` divided by each predictor's standard deviation across all units (as R)."""
    sd = predictor_sd(problem)
    return problem.X1 / sd, problem.X0 / sd[:, None]


def fit_synth(
    problem: SynthProblem, *, v: Array | None = None, extra_starts: int = 0, seed: int = 0
) -> SynthFit:
    """Fit donor and predictor weights (R ``synth``); ``v`` fixes the predictor weights (``custom.v``).

    Parameters
    ----------
    problem : SynthProblem
    v : array, optional
        Predictor weights to use instead of searching for them.
    extra_starts : int
        Random starts besides R's two; they may find a lower pre-period MSPE than R reports.
    seed : int
        Seed of the random starts.
    """
    X1, X0 = scaled_predictors(problem)
    if v is not None:
        vv = normalise_v(np.asarray(v, dtype=float))
        w, start = inner_weights(vv, X1, X0), "custom"
    elif np.array_equal(problem.X0, problem.Z0) and np.array_equal(problem.X1, problem.Z1):
        # Outcome-only design: the predictors are the fitting-period outcomes themselves, so undoing
        # the scaling (v ∝ sd²) makes the inner loss the outer loss, whose minimum no V can beat.
        vv = normalise_v(predictor_sd(problem) ** 2)
        w, start = inner_weights(vv, X1, X0), "outcome-only (closed form)"
    else:
        sol = solve_outer(X1, X0, problem.Z1, problem.Z0, extra_starts=extra_starts, seed=seed)
        vv, w, start = sol.v, sol.w, sol.start
    r = X1 - X0 @ w
    return SynthFit(problem, w, vv, mspe(w, problem.Z1, problem.Z0), float(r @ (vv * r)), start)
