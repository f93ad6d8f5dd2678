"""Turn a long table into a balanced panel: sorted units x sorted periods, numpy matrices.

Every estimator works on :class:`Panel`; none reads the long table itself. Treatment timing is one
integer per unit: the index (into ``times``) of the first treated period, or :data:`NEVER`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import polars as pl

from natije.errors import EstimationError, Expected, Problem, Text, ValidationError
from natije.evaluation.design import EvaluationDesign

NEVER = -1
"""``first[i] == NEVER``: unit ``i`` is not treated within the observed window."""


@dataclass(frozen=True, eq=False)
class Panel:
    """A balanced panel.

    Attributes
    ----------
    units : ndarray (N,)
        Sorted unit ids.
    times : ndarray (T,)
        Sorted period values.
    Y : ndarray (N, T)
        Outcome, ``Y[i, t]`` for unit ``units[i]`` in period ``times[t]``.
    first : ndarray (N,) of int
        Index of each unit's first treated period; :data:`NEVER` if untreated in the window.
    X : mapping name -> ndarray (N, T)
        Covariates.
    """

    units: np.ndarray
    times: np.ndarray
    Y: np.ndarray
    first: np.ndarray
    X: Mapping[str, np.ndarray] = field(default_factory=dict)

    @property
    def shape(self) -> tuple[int, int]:
        """(N units, T periods)."""
        return self.Y.shape

    @property
    def treated(self) -> np.ndarray:
        """Boolean (N,): unit is treated at some observed period."""
        return self.first != NEVER

    @property
    def D(self) -> np.ndarray:
        """Treatment indicator matrix (N, T): 1 from the first treated period on."""
        t = np.arange(self.Y.shape[1])
        return (self.treated[:, None] & (t[None, :] >= self.first[:, None])).astype(float)

    @property
    def T0(self) -> int:
        """Number of pre-treatment periods of a block design (all treated units start together).

        Raises
        ------
        EstimationError
            If no unit is treated or treated units start at different periods.
        """
        starts = np.unique(self.first[self.treated])
        if starts.size == 0:
            raise EstimationError(Text("error.no_treated_unit"))
        if starts.size > 1:
            raise EstimationError(
                Text("error.staggered_starts"),
                starts=[_py(self.times[s]) for s in starts],
            )
        return int(starts[0])

    def block(self) -> tuple[np.ndarray, np.ndarray, int, np.ndarray]:
        """Return ``(Y, treated_mask, T0, units)`` reordered with control rows first (synthdid layout).

        Examples
        --------
        >>> d = EvaluationDesign("u", "t", "y", "sdid", treated=("a",), start=3)
        >>> data = {"u": ["a"] * 3 + ["b"] * 3, "t": [1, 2, 3] * 2, "y": [1.0, 2, 9, 1, 3, 4]}
        >>> panel = build_panel(data, d)
        >>> Y, tr, T0, units = panel.block()
        >>> units.tolist(), tr.tolist(), T0
        (['b', 'a'], [False, True], 2)
        >>> Y[~tr, :T0].tolist()                # controls, pre-period
        [[1.0, 3.0]]
        """
        T0 = self.T0
        order = np.argsort(self.treated, kind="stable")
        return self.Y[order], self.treated[order], T0, self.units[order]


def _py(value: Any) -> Any:
    return value.item() if hasattr(value, "item") else value


def to_polars(data: Any) -> pl.DataFrame:
    """Accept a polars or pandas DataFrame or a dict of columns; return a polars DataFrame."""
    if isinstance(data, pl.DataFrame):
        return data
    if isinstance(data, Mapping):
        return pl.DataFrame(dict(data))
    if type(data).__module__.startswith("pandas"):
        return pl.from_pandas(data)
    raise ValidationError(Problem("data", None, None, type(data).__name__, Expected("expected.table")))


COVARIATE_GAPS_OK = frozenset({"sc"})
"""Methods whose covariates may have gaps (they summarise them over windows)."""


def _check_columns(df: pl.DataFrame, design: EvaluationDesign) -> None:
    wanted = [design.unit, design.time, design.outcome, *design.covariates]
    if design.cohort:
        wanted.append(design.cohort)
    missing = [c for c in wanted if c not in df.columns]
    if missing:
        raise ValidationError(
            [
                Problem("data", None, c, None, Expected("expected.table_column"), code="missing_column")
                for c in missing
            ],
            f"missing column(s); the table has {', '.join(df.columns)}",
        )
    problems = []
    # 'sc' predictors are window means that skip gaps (mean(na.rm = TRUE), as R Synth's dataprep)
    covs = design.covariates if design.method not in COVARIATE_GAPS_OK else ()
    for col in [design.unit, design.time, design.outcome, *covs]:
        nulls = df.with_row_index("_row").filter(pl.col(col).is_null() | _is_nan(df, col))["_row"].head(5)
        problems += [
            Problem("data", int(r) + 1, col, None, Expected("expected.no_gap"), code="missing") for r in nulls
        ]
    if problems:
        raise ValidationError(problems, "missing values in the panel")


def _is_nan(df: pl.DataFrame, col: str) -> pl.Expr:
    return pl.col(col).is_nan() if df.schema[col].is_float() else pl.lit(False)


def _matrix(df: pl.DataFrame, col: str, n: int, t: int, design: EvaluationDesign) -> np.ndarray:
    if not df.schema[col].is_numeric():
        raise ValidationError(
            Problem("data", None, col, str(df.schema[col]), Expected("expected.numeric_column"))
        )
    return df[col].to_numpy().astype(float).reshape(n, t)


def _coerce(values: Any, like: np.ndarray) -> np.ndarray:
    """Coerce user-given ids/periods (e.g. CLI strings) to the dtype of the panel's ids/periods."""
    arr = np.asarray(list(values), dtype=object)
    try:
        if like.dtype.kind in "iu":
            return arr.astype(float).astype(like.dtype)
        if like.dtype.kind == "f":
            return arr.astype(float)
        if like.dtype.kind == "M":
            return arr.astype(like.dtype)
    except (TypeError, ValueError) as exc:
        raise ValidationError(
            Problem(
                "design", None, None, list(values), Expected("expected.values_of_type", type=str(like.dtype))
            )
        ) from exc
    return arr.astype(like.dtype) if like.dtype.kind in "US" else arr


def build_panel(data: Any, design: EvaluationDesign) -> Panel:
    """Build a balanced :class:`Panel` from a long table.

    Parameters
    ----------
    data : polars.DataFrame, pandas.DataFrame or dict of columns
        One row per unit and period.
    design : EvaluationDesign
        Names the columns and the treatment (``treated`` + ``start`` or ``cohort``).

    Raises
    ------
    ValidationError
        Missing columns or values, duplicated (unit, period) rows, unbalanced panel, unknown treated units.

    Examples
    --------
    >>> d = EvaluationDesign("u", "t", "y", "did", treated=("a",), start=2)
    >>> p = build_panel({"u": ["a", "a", "b", "b"], "t": [1, 2, 1, 2], "y": [1.0, 3, 1, 2]}, d)
    >>> p.Y.tolist(), p.first.tolist()
    ([[1.0, 3.0], [1.0, 2.0]], [1, -1])
    """
    df = to_polars(data)
    _check_columns(df, design)
    keys = [design.unit, design.time]
    df = df.sort(keys)
    units = df[design.unit].unique(maintain_order=True).to_numpy()
    times = np.sort(df[design.time].unique().to_numpy())
    n, t = units.size, times.size
    # Sorted and balanced without duplicates <=> every unit's periods are exactly the sorted periods.
    ok = df.height == n * t and bool(np.all(df[design.time].to_numpy().reshape(n, t) == times[None, :]))
    if not ok:
        _reject_shape(df, design, t)
    Y = _matrix(df, design.outcome, n, t, design)
    X = {c: _matrix(df, c, n, t, design) for c in design.covariates}
    first = _timing(df, design, units, times, n, t)
    return Panel(units=units, times=times, Y=Y, first=first, X=X)


def _reject_shape(df: pl.DataFrame, design: EvaluationDesign, t: int) -> None:
    """Explain why the table is not a balanced panel: duplicated rows first, then missing periods."""
    dup = df.select(design.unit, design.time).is_duplicated()
    if dup.any():
        row = int(np.flatnonzero(dup.to_numpy())[0])
        raise ValidationError(
            Problem(
                "data",
                None,
                design.time,
                _py(df[design.time][row]),
                Expected("expected.one_row_per_unit_period"),
                code="duplicate",
                extra={"unit": _py(df[design.unit][row])},
            ),
            "duplicated (unit, period) rows",
        )
    counts = df.group_by(design.unit).len().filter(pl.col("len") < t).head(5)
    raise ValidationError(
        [
            Problem(
                "data",
                None,
                design.unit,
                _py(u),
                Expected("expected.periods_count", count=t, got=c),
                code="unbalanced",
            )
            for u, c in counts.iter_rows()
        ],
        "unbalanced panel: every unit needs every period",
    )


def _timing(
    df: pl.DataFrame, design: EvaluationDesign, units: np.ndarray, times: np.ndarray, n: int, t: int
) -> np.ndarray:
    first = np.full(n, NEVER, dtype=np.int64)
    if design.cohort is not None:
        g = (
            df[design.cohort]
            .cast(pl.Float64, strict=False)
            .fill_null(0.0)
            .fill_nan(0.0)
            .to_numpy()
            .reshape(n, t)
        )
        if np.any(g != g[:, :1]):
            bad = int(np.flatnonzero(np.any(g != g[:, :1], axis=1))[0])
            raise ValidationError(
                Problem(
                    "data",
                    None,
                    design.cohort,
                    _py(units[bad]),
                    Expected("expected.same_first_period"),
                )
            )
        g = g[:, 0]
        tnum = times.astype(float)
        idx = np.searchsorted(tnum, g, side="left")
        ok = (g > 0) & (idx < t)
        first[ok] = idx[ok]
        return first
    if design.treated is not None:
        wanted = _coerce(design.treated, units)
        pos = np.searchsorted(units, wanted)
        found = (pos < n) & (units[np.minimum(pos, n - 1)] == wanted)
        if not found.all():
            raise ValidationError(
                [
                    Problem(
                        "design",
                        None,
                        "treated",
                        _py(u),
                        Expected("expected.unit_in_data"),
                        code="unknown_unit",
                    )
                    for u in wanted[~found]
                ],
                "unknown treated unit(s)",
            )
        start = _coerce([design.start], times)[0]
        s = int(np.searchsorted(times, start, side="left"))
        if s >= t or s == 0:
            raise ValidationError(
                Problem(
                    "design",
                    None,
                    "start",
                    _py(design.start),
                    Expected("expected.start_inside"),
                )
            )
        first[pos] = s
    return first
