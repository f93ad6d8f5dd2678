"""Impact evaluation of a program's indicator over territories, stored so it can be re-run and compared.

:func:`evaluate_indicator` builds the long panel (territory × period, harmonised across territory reforms;
see :mod:`natije.services.evaluation_panel`) from the store's observations, runs :func:`natije.evaluate`,
and stores the design, the hash of the panel and the result. :func:`rerun` runs a stored design again on
the current data and says whether the data changed. Budget per effect:
:mod:`natije.services.evaluation_budget`.

Examples
--------
The demo in an in-memory store; the regions' fibre arrival years (shipped with the demo) are the cohorts:

>>> from natije.demo import fibre_cohorts_path
>>> from natije.services.demo import load_demo
>>> from natije.store import Store
>>> store = Store.open("sqlite://")
>>> _ = load_demo(store)
>>> cohort = read_cohort_file(fibre_cohorts_path())
>>> rec = evaluate_indicator(store, "AI2023", "AI2023.RURAL_INTERNET_USERS", method="cs", cohort=cohort,
...                          control="not-yet")
>>> rec.id, round(rec.estimate, 2)
(1, 3.2)
>>> rerun(store, rec.id).data_changed
False
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any

import polars as pl

from natije import __version__
from natije.errors import Expected, NotFound, Problem, Text, ValidationError
from natije.evaluation.design import _jsonable
from natije.results.asof import as_date
from natije.services.evaluation_panel import IndicatorPanel, build_indicator_panel
from natije.services.evaluation_run import Progress, effect_unit, period_labels, run_evaluation
from natije.store import Store
from natije.store.evaluations import StoredEvaluation, get_evaluation, list_evaluations, save_evaluation
from natije.store.frames import load_program_frames
from natije.store.reads import get_reference_package
from natije.store.staging import utcnow


@dataclass(frozen=True)
class RerunComparison:
    """A stored evaluation next to the same design run on today's data."""

    evaluation_id: int
    old: Mapping[str, Any]
    new: Mapping[str, Any]
    old_hash: str
    new_hash: str
    new_id: int | None = None

    @property
    def data_changed(self) -> bool:
        """Whether the panel differs from the one the stored evaluation ran on."""
        return self.old_hash != self.new_hash

    @property
    def old_estimate(self) -> float | None:
        return self.old.get("estimate")

    @property
    def new_estimate(self) -> float | None:
        return self.new.get("estimate")

    @property
    def difference(self) -> float | None:
        """New minus old estimate (``None`` if either is missing)."""
        if self.old_estimate is None or self.new_estimate is None:
            return None
        return float(self.new_estimate) - float(self.old_estimate)

    def to_dict(self) -> dict[str, Any]:
        """JSON-friendly mapping with both results."""
        return {
            "evaluation_id": self.evaluation_id,
            "new_id": self.new_id,
            "data_changed": self.data_changed,
            "old_hash": self.old_hash,
            "new_hash": self.new_hash,
            "old_estimate": self.old_estimate,
            "new_estimate": self.new_estimate,
            "difference": self.difference,
            "old": dict(self.old),
            "new": dict(self.new),
        }


def _period_text(value: Any) -> str | None:
    if value is None or (isinstance(value, (int, float)) and value == 0) or str(value).strip() in ("", "0"):
        return None
    return str(int(value)) if isinstance(value, float) and value.is_integer() else str(value).strip()


def _day(value: date | str | None) -> date | None:
    try:
        return as_date(value)
    except ValueError as exc:
        raise ValidationError(
            Problem("design", None, "as_of", value, Expected("expected.date_ymd")), "bad date"
        ) from exc


def _spec(
    method: str,
    treated: Sequence[str] | str | None,
    start: Any,
    cohort: Mapping[str, Any] | None,
    territories: Sequence[str] | None,
    as_of: date | None,
    level: str,
    harmonise: str,
    options: dict[str, Any],
) -> dict[str, Any]:
    if cohort is not None and (treated is not None or start is not None):
        raise ValidationError(
            Problem("design", None, "cohort", "cohort", Expected("expected.cohort_or_treated")),
            "invalid evaluation design",
        )
    if isinstance(treated, str):
        treated = [s.strip() for s in treated.split(",") if s.strip()]
    seed = options.pop("seed", 0)
    return {
        "method": method,
        "treated": None if treated is None else sorted(str(t) for t in treated),
        "start": _period_text(start),
        "cohort": None if cohort is None else {str(k): _period_text(v) for k, v in sorted(cohort.items())},
        "territories": None if territories is None else sorted(territories),
        "as_of": as_of.isoformat() if as_of else None,
        "level": level,
        "harmonise": harmonise,
        "seed": seed,
        "options": {k: _jsonable(v) for k, v in sorted(options.items())},
    }


def load_panel(store: Store, program: str, indicator: str, spec: Mapping[str, Any]) -> IndicatorPanel:
    """The harmonised, balanced panel of ``indicator`` that ``spec`` (a stored design) runs on."""
    with store.connect() as conn:
        frames = load_program_frames(conn, program, as_of=as_date(spec.get("as_of")))
        changes = get_reference_package(conn).territory_changes
    row = frames.indicators.filter(pl.col("code") == indicator)
    if row.height == 0:
        raise NotFound(
            Text("error.indicator_not_in_program", indicator=indicator, program=program),
            program=program,
            indicator=indicator,
        )
    ind = row.row(0, named=True)
    panel = build_indicator_panel(
        frames.observations,
        frames.territories,
        changes,
        indicator=indicator,
        frequency=ind["frequency"],
        unit=ind["unit"],
        ratio=ind["ratio_numerator"] is not None,
        level=spec["level"],
        harmonise=spec["harmonise"],
        only=spec.get("territories"),
        name_also=(spec.get("cohort") or {}).keys(),
    )
    names = {lang: ind[f"name_{lang}"] for lang in ("kk", "ru", "en") if ind.get(f"name_{lang}")}
    panel.notes["indicator"] = {"code": indicator, "names": names, "unit": ind["unit"]}
    return panel


def _run(
    panel: IndicatorPanel, spec: Mapping[str, Any], outcome: str, progress: Progress | None = None
) -> dict[str, Any]:
    data, notes = panel.frame.rename({"value": outcome}), dict(panel.notes)
    cohort, start = spec.get("cohort"), spec.get("start")
    if cohort is not None:
        known = set(data["territory"].unique().to_list())
        first = {k: panel.index_of(v) for k, v in cohort.items() if v is not None and k in known}
        notes["cohort_unmatched"] = sorted(k for k in cohort if k not in known)
        data = data.with_columns(
            pl.col("territory").replace_strict(first, default=0, return_dtype=pl.Int64).alias("cohort")
        )
    options = dict(spec.get("options") or {})
    lang = str(options.get("lang", "en"))
    ind = notes.get("indicator", {})
    names = notes.get("territory_names") or {}
    shown: dict[str, Any] = {
        "outcome_label": ind.get("names", {}).get(lang) or outcome,
        "effect_unit": effect_unit(str(ind.get("unit", "")), lang),
        "unit_labels": tuple((c, f"{n[lang]} ({c})") for c, n in sorted(names.items()) if n.get(lang)),
    }
    result = run_evaluation(
        data,
        unit="territory",
        time="period",
        outcome=outcome,
        method=spec["method"],
        treated=spec.get("treated"),
        start=None if start is None else panel.index_of(start),
        cohort="cohort" if cohort is not None else None,
        seed=spec.get("seed", 0),
        progress=progress,
        **shown,
        **options,
    )
    notes["time_axis"] = "year" if panel.frequency.value == "A" else f"period index ({panel.frequency.value})"
    return replace(
        result,
        effects=period_labels(result.effects, panel),
        diagnostics={**result.diagnostics, "panel": notes},
    ).to_dict()


def _record(
    store: Store,
    program: str,
    indicator: str,
    spec: dict[str, Any],
    *,
    save: bool,
    author: str | None,
    label: str | None,
    progress: Progress | None = None,
) -> StoredEvaluation:
    panel = load_panel(store, program, indicator, spec)
    record = StoredEvaluation(
        id=None,
        program=program,
        indicator=indicator,
        method=spec["method"],
        design=spec,
        data_hash=panel.data_hash,
        result=_run(panel, spec, indicator, progress),
        created_at=utcnow(),
        engine_version=__version__,
        author=author,
        label=label,
    )
    if save:
        with store.transaction() as conn:
            record = replace(record, id=save_evaluation(conn, record))
    return record


def evaluate_indicator(
    store: Store,
    program: str,
    indicator: str,
    *,
    method: str,
    treated: Sequence[str] | str | None = None,
    start: Any = None,
    cohort: Mapping[str, Any] | None = None,
    territories: Sequence[str] | None = None,
    as_of: date | str | None = None,
    save: bool = True,
    level: str = "region",
    harmonise: str = "backcast",
    author: str | None = None,
    label: str | None = None,
    progress: Progress | None = None,
    **options: Any,
) -> StoredEvaluation:
    """Evaluate the impact of ``program`` on ``indicator`` with territories as units, and store it.

    Parameters
    ----------
    store : Store
    program, indicator : str
        Program code and the code of one of its (or its predecessors') indicators.
    method : str
        ``did``, ``event-study``, ``cs``, ``sc``, ``sdid`` or ``its``.
    treated, start
        Treated territory codes and the first treated period (SDMX text, e.g. ``"2019"``).
    cohort : mapping, optional
        Territory code -> first treated period; territories not listed (or mapped to 0/None) are
        never treated.
    territories : sequence of str, optional
        Use only these territories as units.
    as_of : date or ISO text, optional
        Use the values as known on that day (default: current values).
    save : bool
        Store the evaluation (default) or only return it (``id`` is then ``None``).
    level, harmonise
        Territory level of the units (``region``) and reform handling (``backcast`` or ``none``).
    author, label : str, optional
        Who ran it and a short name for it.
    progress : callable, optional
        ``progress(done, total)`` for the tasks of random work (bootstrap, placebo draws); not stored.
    **options
        Passed to :func:`natije.evaluate` (``control``, ``estimation``, ``aggregation``, ``inference``,
        ``n_boot``, ``alpha``, ``seed``, ``lang``, method-specific options).

    Returns
    -------
    StoredEvaluation
        Design, ``data_hash`` (see :func:`natije.services.evaluation_panel.snapshot_hash`) and result
        (``EvaluationResult.to_dict()``, with ``diagnostics.panel`` describing the panel).

    Raises
    ------
    NotFound, ValidationError, InsufficientData, EstimationError
        InsufficientData also for a design too small to estimate (no unit left to compare with, no period
        before the program...), named in the message.
    """
    spec = _spec(method, treated, start, cohort, territories, _day(as_of), level, harmonise, options)
    return _record(store, program, indicator, spec, save=save, author=author, label=label, progress=progress)


def rerun(
    store: Store,
    evaluation_id: int,
    *,
    save: bool = False,
    author: str | None = None,
    progress: Progress | None = None,
) -> RerunComparison:
    """Run stored evaluation ``evaluation_id`` again on the current data (its ``as_of`` is dropped).

    Returns both results and whether the panel's hash changed. With ``save=True`` the new run is stored too.
    Raises :class:`NotFound` for an unknown id.
    """
    old = get(store, evaluation_id)
    spec = {**old.design, "as_of": None}
    new = _record(
        store,
        old.program,
        old.indicator,
        spec,
        save=save,
        author=author,
        label=f"rerun of {evaluation_id}",
        progress=progress,
    )
    return RerunComparison(evaluation_id, old.result, new.result, old.data_hash, new.data_hash, new.id)


def read_cohort_file(path: str | Path) -> dict[str, str | None]:
    """Read a cohort CSV: columns ``territory`` and ``first_period`` (or ``cohort``); 0 or empty = never.

    Raises :class:`ValidationError` for a missing file or columns.
    """
    path = Path(path)
    if not path.is_file():
        raise ValidationError(
            Problem(str(path), None, None, path.name, Expected("expected.csv_exists")), "no cohort file"
        )
    frame = pl.read_csv(path, infer_schema=False)
    period = next((c for c in ("first_period", "cohort", "start") if c in frame.columns), None)
    if "territory" not in frame.columns or period is None:
        raise ValidationError(
            Problem(str(path), 1, None, ",".join(frame.columns), Expected("expected.cohort_columns")),
            "bad cohort file",
        )
    return {str(k): _period_text(v) for k, v in frame.select("territory", period).iter_rows()}


def get(store: Store, evaluation_id: int) -> StoredEvaluation:
    """Stored evaluation ``evaluation_id``; raises :class:`NotFound`."""
    with store.connect() as conn:
        return get_evaluation(conn, evaluation_id)


def history(store: Store, program: str | None = None, indicator: str | None = None) -> list[StoredEvaluation]:
    """Stored evaluations, newest first, optionally of one program / indicator."""
    with store.connect() as conn:
        return list_evaluations(conn, program, indicator)
