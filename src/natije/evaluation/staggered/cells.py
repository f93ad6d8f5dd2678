"""Group-time average treatment effects ATT(g, t) of Callaway & Sant'Anna (2021) with influence functions.

Cells follow the R package ``did`` with ``base_period = "varying"``: a post-treatment cell compares period
``t`` with the last period before the group's start; a pre-treatment cell compares ``t`` with ``t - 1``
(those are the placebo/pre-trend cells). Covariates are taken from the first period.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from natije.errors import EstimationError, Text
from natije.evaluation.panel import NEVER, Panel
from natije.evaluation.staggered.drdid import att_panel


@dataclass(frozen=True)
class Cells:
    """ATT(g, t) for every group g and period t, with the (n x K) influence-function matrix."""

    group: np.ndarray  # (K,) index of the group's first treated period
    period: np.ndarray  # (K,) index of the current period
    att: np.ndarray  # (K,)
    inf: np.ndarray  # (n, K), already rescaled to the full sample (did's n / n1)
    G: np.ndarray  # (n,) first-treated index per kept unit, NEVER for never treated
    dropped_always_treated: int

    @property
    def post(self) -> np.ndarray:
        """Boolean (K,): cell is at or after the group's first treated period."""
        return self.period >= self.group


def _covariates(panel: Panel, names: tuple[str, ...], keep: np.ndarray) -> np.ndarray:
    cols = [np.ones(int(keep.sum()))] + [panel.X[c][keep, 0] for c in names]
    return np.column_stack(cols)


def group_time_effects(
    panel: Panel, covariates: tuple[str, ...] = (), control: str = "never", estimation: str = "dr"
) -> Cells:
    """Estimate every ATT(g, t).

    Parameters
    ----------
    panel : Panel
        Balanced panel with staggered timing in ``panel.first``.
    covariates : tuple of str
        Names in ``panel.X``; their first-period values enter the propensity score / outcome model.
    control : {'never', 'not-yet'}
    estimation : {'dr', 'ipw', 'reg'}

    Raises
    ------
    EstimationError
        No treated group, or no comparison units.
    """
    keep = panel.first != 0  # units treated from the first period have no pre-period (did drops them)
    Y, G = panel.Y[keep], panel.first[keep]
    X = _covariates(panel, covariates, keep)
    n, T = Y.shape
    groups = np.unique(G[G != NEVER])
    if groups.size == 0:
        raise EstimationError(Text("error.no_late_treatment"))
    never = G == NEVER
    if control == "never" and not never.any():
        raise EstimationError(Text("error.no_never_treated"))
    cur = np.arange(1, T)
    out_g, out_t, out_att, inf_cols = [], [], [], []
    for g in groups:
        base = np.where(cur >= g, g - 1, cur - 1)
        if control == "never":
            sub = (G == g) | never
            batches = [(sub, np.arange(cur.size))]
        else:
            # not-yet: comparison units untreated at the current period; each period has its own split
            batches = [(((G == g) | never | (G > c)), np.array([j])) for j, c in enumerate(cur)]
        for sub, cols in batches:
            D = (G[sub] == g).astype(float)
            if D.sum() == D.size:
                continue
            dy = Y[np.ix_(sub, cur[cols])] - Y[np.ix_(sub, base[cols])]
            att, inf = att_panel(dy, D, X[sub], estimation)
            full = np.zeros((n, cols.size))
            full[sub] = inf * (n / sub.sum())
            out_g.append(np.full(cols.size, g))
            out_t.append(cur[cols])
            out_att.append(att)
            inf_cols.append(full)
    if not out_att:
        raise EstimationError(Text("error.no_comparison_group"))
    return Cells(
        group=np.concatenate(out_g),
        period=np.concatenate(out_t),
        att=np.concatenate(out_att),
        inf=np.concatenate(inf_cols, axis=1),
        G=G,
        dropped_always_treated=int((~keep).sum()),
    )
