"""Inference and robustness for synthetic control: in-space placebos and leave-one-out refits.

*In-space placebos* (Abadie, Diamond & Hainmueller 2010): every donor in turn plays the treated
unit, with the other donors as its pool. The permutation p-value is the share of units (the
treated one included) whose post/pre RMSPE ratio is at least the treated unit's.
*Leave-one-out*: the fit is repeated without each donor that received weight, showing how much
the estimate leans on any one donor.

The refits are independent deterministic tasks run through ``mapper`` (anything called like
builtin ``map``, e.g. ``executor.map``), one task per refit, so every executor gives the same numbers.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from natije.evaluation.synthetic.frank_wolfe import Array
from natije.evaluation.synthetic.synth import SynthFit, SynthProblem, fit_synth

Mapper = Callable[[Callable[[Any], Any], Sequence[Any]], Iterable[Any]]


def refit_task(job: tuple[SynthProblem, int]) -> tuple[Array, float, Array]:
    """Fit one problem; ``job`` is (problem, extra random starts). Returns (gap, loss_v, weights)."""
    problem, extra = job
    fit = fit_synth(problem, extra_starts=extra)
    return fit.gap, fit.loss_v, fit.w


@dataclass(frozen=True)
class PlaceboResult:
    """In-space placebo distribution."""

    donors: tuple[Any, ...]
    gaps: Array  # (J, T): gap path of each placebo
    ratios: Array  # (J,): post/pre RMSPE ratio of each placebo
    treated_ratio: float
    p_value: float
    T0: int

    @property
    def effects(self) -> Array:
        """Average post-period gap of each placebo."""
        return self.gaps[:, self.T0 :].mean(axis=1)

    def interval(self, estimate: float, alpha: float) -> tuple[float, float, float]:
        """Permutation interval for a constant effect, and the coverage it attains.

        The half-width is a quantile of the placebos' ``|effect|``: with ``J`` exchangeable units the
        ``k``-th smallest of them exceeds the treated unit's ``|error|`` with probability ``k/(J+1)``, so
        the quantile sits at position ``(1 - alpha)(J + 1)`` (interpolated between order statistics;
        the largest ``|effect|`` when there are too few placebos, attaining ``J/(J+1)``).
        """
        a = np.sort(np.abs(self.effects))
        J = a.size
        if J == 0:
            return float("-inf"), float("inf"), 1.0
        pos = (1.0 - alpha) * (J + 1)
        if pos >= J:
            half, level = float(a[-1]), J / (J + 1)
        else:
            half, level = float(np.quantile(a, 1.0 - alpha, method="weibull")), 1.0 - alpha
        return estimate - half, estimate + half, level

    def to_dict(self) -> dict[str, Any]:
        """Summary fit for a report."""
        eff = self.effects
        return {
            "p_value": self.p_value,
            "treated_ratio": self.treated_ratio,
            "n_placebos": int(eff.size),
            "ratios": dict(zip(map(_key, self.donors), self.ratios.tolist())),
            "placebo_effects": dict(zip(map(_key, self.donors), eff.tolist())),
            "placebo_effect_sd": float(eff.std(ddof=1)) if eff.size > 1 else None,
        }


def _key(u: Any) -> Any:
    return u.item() if isinstance(u, np.generic) else u


def _ratio(gap: Array, T0: int) -> float:
    pre = np.sqrt(np.mean(gap[:T0] ** 2))
    post = np.sqrt(np.mean(gap[T0:] ** 2))
    return float(post / pre) if pre > 0 else float("inf")


def in_space_placebos(fit: SynthFit, *, mapper: Mapper = map, extra_starts: int = 0) -> PlaceboResult:
    """Refit with every donor as the treated unit; p-value from post/pre RMSPE ratios.

    Examples
    --------
    Three donors; the treated unit T is the average of A and B plus 4 after the fifth period:

    >>> from natije.evaluation.synthetic.synth import build_problem, fit_synth
    >>> donors = np.array([[1.0, 2, 3, 2, 4, 3, 5, 4],
    ...                    [3.0, 2, 4, 5, 3, 5, 4, 6],
    ...                    [6.0, 7, 5, 8, 7, 9, 8, 9]])
    >>> treated = donors[:2].mean(axis=0) + np.r_[np.zeros(5), np.full(3, 4.0)]
    >>> problem = build_problem(np.vstack([donors, treated]), {}, ["A", "B", "C", "T"], range(2000, 2008),
    ...                         outcome="gdp", treated="T", donors=["A", "B", "C"], T0=5)
    >>> res = in_space_placebos(fit_synth(problem))
    >>> res.donors, res.p_value             # T's post/pre ratio ranks first of 4
    (('A', 'B', 'C'), 0.25)
    """
    p = fit.problem
    tasks = [(p.placebo(j), extra_starts) for j in range(len(p.donors))]
    out = list(mapper(refit_task, tasks))
    gaps = np.stack([g for g, _, _ in out])
    ratios = np.array([_ratio(g, p.T0) for g in gaps])
    treated_ratio = _ratio(fit.gap, p.T0)
    p_value = float((1 + np.sum(ratios >= treated_ratio)) / (1 + ratios.size))
    return PlaceboResult(p.donors, gaps, ratios, treated_ratio, p_value, p.T0)


@dataclass(frozen=True)
class LeaveOneOut:
    """Estimates refitted without each donor that had weight above ``threshold``."""

    dropped: tuple[Any, ...]
    estimates: Array
    gaps: Array

    def to_dict(self) -> dict[str, Any]:
        """Summary: estimate without each donor, and their range."""
        est = self.estimates
        return {
            "estimates": dict(zip(map(_key, self.dropped), est.tolist())),
            "min": float(est.min()) if est.size else None,
            "max": float(est.max()) if est.size else None,
        }


def leave_one_out(
    fit: SynthFit, *, mapper: Mapper = map, threshold: float = 1e-3, extra_starts: int = 0
) -> LeaveOneOut:
    """Refit without each donor whose weight exceeds ``threshold``."""
    p = fit.problem
    J = len(p.donors)
    drop = [j for j in range(J) if fit.w[j] > threshold and J > 2]
    tasks = [(p.restrict(np.delete(np.arange(J), j)), extra_starts) for j in drop]
    out = list(mapper(refit_task, tasks))
    gaps = np.stack([g for g, _, _ in out]) if out else np.empty((0, p.Y1.size))
    return LeaveOneOut(tuple(p.donors[j] for j in drop), gaps[:, p.T0 :].mean(axis=1), gaps)
