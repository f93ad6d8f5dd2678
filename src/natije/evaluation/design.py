"""The frozen evaluation request: what to estimate, on which columns, with which options.

A public call turns its arguments into an :class:`EvaluationDesign`, validated once here; estimators
then trust it. Method-specific knobs that are not common to all methods go in ``options``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from natije.errors import Expected, Problem, ValidationError

CONTROLS = ("never", "not-yet")
ESTIMATIONS = ("dr", "ipw", "reg")
AGGREGATIONS = ("simple", "dynamic", "group", "calendar")
INFERENCES = ("analytic", "bootstrap", "placebo", "jackknife", "simulation")


def _problem(column: str, value: Any, expected: str) -> Problem:
    return Problem("design", None, column, value, expected, code="design")


@dataclass(frozen=True)
class EvaluationDesign:
    """Everything an estimator needs to know besides the data.

    Parameters
    ----------
    unit, time, outcome : str
        Column names of the long table.
    method : str
        Registered estimator name (``did``, ``event-study``, ``cs``, ``sc``, ``sdid``, ``its``).
    treated : tuple of unit ids, optional
        Treated units of a block design (with ``start``).
    start : Any, optional
        First treated period of a block design (a value of the ``time`` column).
    cohort : str, optional
        Column holding each unit's first treated period (0 or missing = never treated).
    control : {'never', 'not-yet'}
        Comparison group for staggered designs.
    estimation : {'dr', 'ipw', 'reg'}
        Doubly robust, inverse probability weighting or outcome regression.
    covariates : tuple of str
        Time-invariant (first-period) covariates.
    aggregation : {'simple', 'dynamic', 'group', 'calendar'}
        How group-time effects are summarised into the headline estimate.
    inference : str, optional
        ``analytic``, ``bootstrap``, ``placebo``, ``jackknife`` or ``simulation``; ``None`` = method default.
    alpha : float
        1 - confidence level.
    n_boot : int
        Bootstrap / placebo / simulation draws.
    seed : int
        Seed of every random step (same seed -> same numbers on every executor).
    executor : str
        ``serial``, ``processes`` or ``dask://HOST:PORT``.
    options : mapping
        Method-specific options (e.g. ``weights='mammen'``, ``trend=True``, ``controls=(...)``).

    Examples
    --------
    >>> EvaluationDesign("county", "year", "lemp", "cs", cohort="first.treat").control
    'never'
    """

    unit: str
    time: str
    outcome: str
    method: str
    treated: tuple[Any, ...] | None = None
    start: Any = None
    cohort: str | None = None
    control: str = "never"
    estimation: str = "dr"
    covariates: tuple[str, ...] = ()
    aggregation: str = "simple"
    inference: str | None = None
    alpha: float = 0.05
    n_boot: int = 1000
    seed: int = 0
    executor: str = "serial"
    options: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if isinstance(self.treated, (str, int)):
            object.__setattr__(self, "treated", (self.treated,))
        elif self.treated is not None:
            object.__setattr__(self, "treated", tuple(self.treated))
        if isinstance(self.covariates, str):
            object.__setattr__(self, "covariates", (self.covariates,))
        else:
            object.__setattr__(self, "covariates", tuple(self.covariates or ()))
        object.__setattr__(self, "options", MappingProxyType(dict(self.options or {})))
        problems = self._problems()
        if problems:
            raise ValidationError(problems, "invalid evaluation design")

    def _problems(self) -> list[Problem]:
        out: list[Problem] = []
        for name in ("unit", "time", "outcome", "method"):
            value = getattr(self, name)
            if not isinstance(value, str) or not value:
                out.append(_problem(name, value, Expected("expected.design_name")))
        if len({self.unit, self.time, self.outcome}) < 3:
            out.append(_problem("outcome", self.outcome, Expected("expected.design_distinct")))
        if self.treated is not None and self.cohort is not None:
            out.append(_problem("cohort", self.cohort, Expected("expected.design_cohort_xor")))
        if self.treated is not None and self.start is None:
            out.append(_problem("start", None, Expected("expected.design_start")))
        if self.start is not None and self.treated is None:
            out.append(_problem("treated", None, Expected("expected.design_treated")))
        if self.treated is not None and len(self.treated) == 0:
            out.append(_problem("treated", (), Expected("expected.design_treated_one")))
        choices = {"control": CONTROLS, "estimation": ESTIMATIONS, "aggregation": AGGREGATIONS}
        for name, allowed in choices.items():
            if getattr(self, name) not in allowed:
                out.append(
                    _problem(
                        name, getattr(self, name), Expected("expected.one_of", values=", ".join(allowed))
                    )
                )
        if self.inference is not None and self.inference not in INFERENCES:
            out.append(
                _problem(
                    "inference", self.inference, Expected("expected.one_of", values=", ".join(INFERENCES))
                )
            )
        if not isinstance(self.alpha, (int, float)) or not 0 < float(self.alpha) < 1:
            out.append(_problem("alpha", self.alpha, Expected("expected.design_alpha")))
        if isinstance(self.n_boot, bool) or not isinstance(self.n_boot, int) or self.n_boot < 1:
            out.append(_problem("n_boot", self.n_boot, Expected("expected.positive_int")))
        if isinstance(self.seed, bool) or not isinstance(self.seed, int) or self.seed < 0:
            out.append(_problem("seed", self.seed, Expected("expected.non_negative_int")))
        ex = self.executor
        if not isinstance(ex, str) or not (ex in ("serial", "processes") or ex.startswith("dask://")):
            out.append(_problem("executor", ex, Expected("expected.executor")))
        overlap = {self.unit, self.time, self.outcome} & set(self.covariates)
        if overlap:
            out.append(_problem("covariates", sorted(overlap), Expected("expected.design_covariates")))
        return out

    @classmethod
    def from_mapping(cls, values: Mapping[str, Any]) -> tuple[EvaluationDesign, dict[str, Any]]:
        """Split ``values`` into the design's fields and the method's options; build and validate the design.

        Every key that names a field of the design (``unit``, ``control``, ``seed``…) sets that field; the
        other keys are the method's options, kept as ``design.options`` and returned too.

        Raises
        ------
        ValidationError
            The design's problems, as the constructor reports them.

        Examples
        --------
        >>> values = {"unit": "region", "time": "year", "outcome": "y", "method": "sdid", "seed": 3}
        >>> design, options = EvaluationDesign.from_mapping({**values, "variant": "sc"})
        >>> design.seed, options
        (3, {'variant': 'sc'})
        """
        fields = {k: v for k, v in values.items() if k in cls.__dataclass_fields__ and k != "options"}
        options = {k: v for k, v in values.items() if k not in fields}
        return cls(**fields, options=options), options

    @property
    def staggered(self) -> bool:
        """True when treatment timing comes from a cohort column."""
        return self.cohort is not None

    def to_dict(self) -> dict[str, Any]:
        """Return the design as a JSON-friendly mapping."""
        d = {k: getattr(self, k) for k in self.__dataclass_fields__}
        d["treated"] = None if self.treated is None else [_jsonable(u) for u in self.treated]
        d["start"] = _jsonable(self.start)
        d["covariates"] = list(self.covariates)
        d["options"] = {k: _jsonable(v) for k, v in self.options.items()}
        return d


def _jsonable(value: Any) -> Any:
    """Best-effort conversion of numpy scalars, dates and tuples to JSON types."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, (tuple, list)):
        return [_jsonable(v) for v in value]
    if hasattr(value, "item"):
        return value.item()
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)
