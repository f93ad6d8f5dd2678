"""What an import may refer to: the store's catalog with the packages' own declarations merged over it.

Observation checks join batches against the small lookup frames built here (indicators with their unit,
frequency and span; territories with their validity; units with their dimension and scale), so validation
is a handful of vectorised joins per batch.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Protocol

import polars as pl

from natije.domain import units
from natije.domain.indicators import Indicator
from natije.domain.observations import Source
from natije.domain.package import ProgramPackage
from natije.domain.territories import Territory


class CatalogLike(Protocol):
    """The shape of the store's catalog lookup (``natije.store.catalog.Catalog``)."""

    @property
    def indicators(self) -> Mapping[str, Indicator]: ...
    @property
    def indicator_program(self) -> Mapping[str, str | None]: ...
    @property
    def territories(self) -> Mapping[str, Territory]: ...
    @property
    def sources(self) -> Mapping[str, Source]: ...
    @property
    def agencies(self) -> Any: ...
    @property
    def programs(self) -> Any: ...
    @property
    def predecessors(self) -> Mapping[str, tuple[str, ...]]: ...


def _span_text(ind: Indicator) -> str:
    return f"{ind.span_from or '…'}–{ind.span_to or '…'}"


@dataclass(frozen=True, eq=False)
class Known:
    """Codes an import may use, and which program owns each indicator (``None`` = reference indicator)."""

    indicators: Mapping[str, Indicator] = field(default_factory=dict)
    indicator_program: Mapping[str, str | None] = field(default_factory=dict)
    territories: Mapping[str, Territory] = field(default_factory=dict)
    sources: Mapping[str, Source] = field(default_factory=dict)
    agencies: frozenset[str] = frozenset()
    programs: frozenset[str] = frozenset()
    stored_owner: Mapping[str, str | None] = field(default_factory=dict)
    loose: Mapping[str, frozenset[str]] = field(default_factory=dict)
    predecessors: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    @classmethod
    def merge(
        cls,
        catalog: CatalogLike | None,
        packages: Iterable[ProgramPackage],
        loose: Mapping[str, Iterable[str]] | None = None,
    ) -> Known:
        """The store's ``catalog`` (may be ``None``) with every package's declarations over it.

        ``loose`` holds codes per section (``indicators``, ``territories``, ``sources``, ``agencies``) that a
        package declares but that failed their own checks: they count as known (so observations are not
        blamed for the declaration's problem) but impose no unit, frequency, span or validity checks.
        """
        ind = dict(catalog.indicators) if catalog else {}
        owner = dict(catalog.indicator_program) if catalog else {}
        terr = dict(catalog.territories) if catalog else {}
        src = dict(catalog.sources) if catalog else {}
        agencies = set(catalog.agencies) if catalog else set()
        programs = set(catalog.programs) if catalog else set()
        preds = dict(catalog.predecessors) if catalog else {}
        for pkg in packages:
            code = pkg.program.code if pkg.program else None
            if pkg.program is not None:
                programs.add(pkg.program.code)
                preds[pkg.program.code] = pkg.program.predecessors
            agencies.update(a.code for a in pkg.agencies)
            src.update((s.code, s) for s in pkg.sources)
            terr.update((t.code, t) for t in pkg.territories)
            for i in pkg.indicators:
                ind[i.code] = i
                owner[i.code] = code
        stored = dict(catalog.indicator_program) if catalog else {}
        extra = {k: frozenset(v) for k, v in (loose or {}).items()}
        agencies |= extra.get("agencies", frozenset())
        return cls(ind, owner, terr, src, frozenset(agencies), frozenset(programs), stored, extra, preds)

    def ancestors(self, program: str | None) -> list[str]:
        """The predecessors of ``program``, transitively (as far as the import and the store know them)."""
        out: list[str] = []
        todo = list(self.predecessors.get(program, ())) if program else []
        while todo:
            code = todo.pop(0)
            if code != program and code not in out:
                out.append(code)
                todo.extend(self.predecessors.get(code, ()))
        return out

    def _loose(self, section: str, present: Iterable[str]) -> list[str]:
        return sorted(set(self.loose.get(section, frozenset())) - set(present))

    @cached_property
    def indicator_frame(self) -> pl.DataFrame:
        """code, unit, dimension, scale, freq, span_start, span_end (months), span_text,
        source, allowed range."""
        rows: list[dict[str, Any]] = [
            {"code": c, "ind_loose": True} for c in self._loose("indicators", self.indicators)
        ]
        for ind in self.indicators.values():
            unit = units.resolve(ind.unit)
            rows.append(
                {
                    "code": ind.code,
                    "ind_unit": ind.unit,
                    "ind_dimension": unit.dimension if unit else None,
                    "ind_scale": unit.scale if unit else None,
                    "ind_freq": ind.frequency.value,
                    "span_start": ind.span_from.start_month if ind.span_from else None,
                    "span_end": ind.span_to.end_month if ind.span_to else None,
                    "span_text": _span_text(ind),
                    "ind_source": ind.source,
                    "ind_loose": False,
                    "range_low": ind.allowed_range[0],
                    "range_high": ind.allowed_range[1],
                }
            )
        schema = {
            "code": pl.String,
            "ind_unit": pl.String,
            "ind_dimension": pl.String,
            "ind_scale": pl.Float64,
            "ind_freq": pl.String,
            "span_start": pl.Int64,
            "span_end": pl.Int64,
            "span_text": pl.String,
            "ind_source": pl.String,
            "ind_loose": pl.Boolean,
            "range_low": pl.Float64,
            "range_high": pl.Float64,
        }
        return pl.DataFrame(rows, schema=schema)

    @cached_property
    def territory_frame(self) -> pl.DataFrame:
        """code, valid_from, valid_to (dates; null = open)."""
        loose = self._loose("territories", self.territories)
        return pl.DataFrame(
            {
                "code": [t.code for t in self.territories.values()] + loose,
                "valid_from": [t.valid_from for t in self.territories.values()] + [None] * len(loose),
                "valid_to": [t.valid_to for t in self.territories.values()] + [None] * len(loose),
            },
            schema={"code": pl.String, "valid_from": pl.Date, "valid_to": pl.Date},
        )

    @cached_property
    def source_frame(self) -> pl.DataFrame:
        codes = list(self.sources) + self._loose("sources", self.sources)
        return pl.DataFrame({"code": codes}, schema={"code": pl.String})


def unit_frame() -> pl.DataFrame:
    """Every unit spelling natije accepts (lower-case) with its canonical dimension and scale."""
    rows = [(alias, units.resolve(alias)) for alias in units.spellings()]
    return pl.DataFrame(
        {
            "unit_key": [a for a, _ in rows],
            "unit_dimension": [u.dimension for _, u in rows if u],
            "unit_scale": [u.scale for _, u in rows if u],
        },
        schema={"unit_key": pl.String, "unit_dimension": pl.String, "unit_scale": pl.Float64},
    )
