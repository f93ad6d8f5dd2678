"""Load one program (and its predecessors) as the polars frames the results engine computes on.

The big tables are read with integer ids only (see :mod:`natije.store.fastread`) and decoded to codes by
joining small lookup frames in polars. ``as_of`` answers with commitments decided by that day and each
observation's value as known at the end of that day.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

import polars as pl
from sqlalchemy import Connection, select

from natije.errors import NotFound, Text
from natije.results.frames import ProgramFrames
from natije.results.needs import series_needs
from natije.store import tables as T
from natije.store.fastread import arrow_source, datetime_column, read_frame
from natije.store.reads import STATUS_NAMES, check_known, program_missing
from natije.store.successors import load_successors

DT = pl.Datetime("us")


def _lineage(programs: pl.DataFrame, code: str) -> list[str]:
    preds = dict(zip(programs["code"], programs["predecessors"].to_list()))
    if code not in preds:
        raise NotFound(Text("error.program_not_found", code=code), program=code)
    order, todo = [], [code]
    while todo:
        c = todo.pop(0)
        if c in order or c not in preds:
            continue
        order.append(c)
        todo.extend(preds[c] or [])
    return order


def _programs(conn: Connection) -> pl.DataFrame:
    p, pp = T.programs, T.program_predecessors
    preds: dict[int, list[str]] = {}
    for r in conn.execute(select(pp).order_by(pp.c.program_id, pp.c.position)):
        preds.setdefault(r.program_id, []).append(r.predecessor)
    rows: list[dict[str, Any]] = [dict(r) for r in conn.execute(select(p)).mappings()]
    for row in rows:
        row["predecessors"] = preds.get(row["id"], [])
    schema: dict[str, Any] = {
        "id": pl.Int64,
        "code": pl.String,
        "predecessors": pl.List(pl.String),
        "start_year": pl.Int32,
        "end_year": pl.Int32,
        "status": pl.String,
        "kind": pl.String,
        "owner": pl.String,
        "legal_act": pl.String,
        "repealed_on": pl.Date,
        "name_kk": pl.String,
        "name_ru": pl.String,
        "name_en": pl.String,
    }
    return pl.DataFrame([{k: r[k] for k in schema} for r in rows], schema=schema)


def _small(conn: Connection, table: Any, *where: Any) -> pl.DataFrame:
    rows = [dict(r) for r in conn.execute(select(table).where(*where)).mappings()]
    return (
        pl.DataFrame(rows, schema={c.name: _dtype(c) for c in table.columns}, orient="row")
        if rows
        else pl.DataFrame(schema={c.name: _dtype(c) for c in table.columns})
    )


def _dtype(column: Any) -> Any:
    name = type(column.type).__name__
    return {
        "Integer": pl.Int64,
        "BigInteger": pl.Int64,
        "SmallInteger": pl.Int64,
        "Float": pl.Float64,
        "Date": pl.Date,
        "DateTime": DT,
    }.get(name, pl.String)


def period_end(col: str = "period") -> pl.Expr:
    """End month (exclusive) of SDMX period text, from ``period_start`` and the text's form."""
    months = (
        pl.when(pl.col(col).str.len_chars() == 4)
        .then(12)
        .when(pl.col(col).str.contains("Q"))
        .then(3)
        .otherwise(1)
    )
    return (pl.col("period_start") + months).cast(pl.Int32).alias("period_end")


#: What :func:`load_program_frames` reads of the observations: ``"all"``; ``"results"``, only what the results
#: table, the flags and the scorecard use (:func:`natije.results.needs.series_needs`); ``"none"``.
READS = ("all", "results", "none")


def load_program_frames(
    conn: Connection,
    program_code: str,
    as_of: date | datetime | None = None,
    territory: str | None = None,
    weights_indicator: str = "POPULATION",
    observations: str = "all",
    today: date | None = None,
    indicators: Sequence[str] | None = None,
    observed_in: Sequence[str] | None = None,
) -> ProgramFrames:
    """Frames of ``program_code`` and its predecessors (transitively), as known at ``as_of``; of the programs
    after them, only what the lineage rule reads (``successors``: :mod:`natije.store.successors`).

    ``observations`` (one of :data:`READS`) says which observations and revisions to read: frames read for
    ``"results"`` give the results, flags and scorecard of ``as_of`` (with the default thresholds) that all of
    them would, from a part of the rows (:func:`natije.results.needs.series_needs`). ``today`` is the day an
    answer without ``as_of`` is judged on (``ProgramFrames.today``; ``None``: the clock's). ``indicators``
    keeps only the observations and revisions of those indicator codes (one indicator's page reads its own
    rows, not the program's); ``observed_in`` only those (and only the weights) of those territory codes (a
    chart of the country reads the country's rows, not every district's); the other frames are whole.

    Raises
    ------
    NotFound
        When no program has that code, or ``territory`` is not a known territory code.
    ValidationError
        When ``as_of`` is before anything about the program was known.
    """
    day = as_of.date() if isinstance(as_of, datetime) else as_of
    cutoff = datetime.combine(day + timedelta(days=1), time()) if day else None
    programs = _programs(conn)
    if program_code not in programs["code"]:
        raise program_missing(conn, program_code)
    check_known(conn, program_code, day)
    lineage = _lineage(programs, program_code)
    prog_ids = programs.filter(pl.col("code").is_in(lineage)).select("id", program="code")
    ind = _small(conn, T.indicators, T.indicators.c.program_id.in_(prog_ids["id"].to_list()))
    ind = ind.join(prog_ids, left_on="program_id", right_on="id", how="left")
    ind_codes = ind.select("id", indicator="code")
    terr = _small(conn, T.territories)
    terr_ids = terr.select("id", territory="code")
    territory_id = None
    if territory is not None:
        hit = terr_ids.filter(pl.col("territory") == territory)
        if hit.height == 0:
            raise NotFound(Text("error.territory_not_found", territory=territory), territory=territory)
        territory_id = int(hit["id"][0])
    territory_ids = None if territory_id is None else (territory_id,)
    if observed_in is not None:
        wanted = terr_ids.filter(pl.col("territory").is_in(list(observed_in)))["id"].to_list()
        territory_ids = tuple(i for i in wanted if territory_ids is None or i in territory_ids)
    sources = _small(conn, T.sources).select(source_id="id", source="code", source_kind="kind")
    commitments = _commitments(conn, ind_codes, day, territory)
    weights = _weights(conn, weights_indicator, terr_ids, territory_ids)
    budgets = _budgets(conn, prog_ids, day)
    order = {c: i for i, c in enumerate(lineage)}
    progs = (
        programs.filter(pl.col("code").is_in(lineage))
        .drop("id")
        .sort(pl.col("code").replace_strict(order, return_dtype=pl.Int32))
    )
    frames = ProgramFrames.build(
        program=program_code,
        as_of=day,
        today=today,
        indicators=ind.drop("id", "program_id").sort("program", "position"),
        commitments=commitments,
        budgets=budgets,
        territories=terr.drop("id", "successors"),
        weights=weights,
        programs=progs,
        successors=load_successors(conn, programs, lineage, day),
    )
    if observations not in READS:
        raise ValueError(f"observations={observations!r}: expected one of {READS}")
    if observations == "none":
        return frames
    whole, last, before = ind_codes, ind_codes.clear(), 0
    if observations == "results":
        needs = series_needs(frames)
        whole = ind_codes.filter(pl.col("indicator").is_in(needs.whole))
        last = ind_codes.filter(pl.col("indicator").is_in(needs.last))
        before = needs.stale_before
    if indicators is not None:
        whole, last = (f.filter(pl.col("indicator").is_in(list(indicators))) for f in (whole, last))
    obs, revisions = _observations(conn, _Rows(whole, last, before, terr_ids, sources, cutoff, territory_ids))
    return frames.replace(observations=obs, revisions=revisions)


COMMITMENT_COLUMNS = {
    "id": pl.Int64,
    "indicator_id": pl.Int64,
    "kind": pl.String,
    "period": pl.String,
    "period_start": pl.Int64,
    "territory": pl.String,
    "version": pl.Int64,
    "value": pl.Float64,
    "decided_on": "date",
    "document": pl.String,
    "note": pl.String,
}


def _commitments(
    conn: Connection, ind_codes: pl.DataFrame, day: date | None, territory: str | None
) -> pl.DataFrame:
    # read as a frame: a program may set a target for every territory of every indicator (millions of rows)
    where, params = f"c.indicator_id IN ({id_list(ind_codes['id'].to_list())})", dict[str, Any]()
    if day is not None:
        where += " AND c.decided_on <= :day"
        params["day"] = day
    if territory is not None:
        where += " AND c.territory IN ('', :territory)"
        params["territory"] = territory
    select, kinds = _select(conn, "c", COMMITMENT_COLUMNS, {"recorded_at": "c.recorded_at"})
    frame = read_frame(conn, f"SELECT {select} FROM commitments c WHERE {where}", params, kinds).join(
        ind_codes, left_on="indicator_id", right_on="id"
    )
    return (
        frame.with_columns(period_end(), pl.col("territory").replace("", None))
        .drop("id", "indicator_id")
        .sort("indicator", "kind", "period_start", "period", "version")
    )


OBS_COLUMNS = {
    "id": pl.Int64,
    "indicator_id": pl.Int64,
    "territory_id": pl.Int64,
    "period": pl.String,
    "period_start": pl.Int32,
    "value": pl.Float64,
    "source_id": pl.Int64,
    "status": pl.Int16,
    "n_values": pl.Int32,
}
REV_COLUMNS = {"observation_id": pl.Int64, "value": pl.Float64, "reason_id": pl.Int64, "source_id": pl.Int64}


def _select(
    conn: Connection, prefix: str, columns: dict[str, Any], datetimes: dict[str, str]
) -> tuple[str, dict[str, Any]]:
    """Select list and column kinds: plain columns, then DateTime columns read the fast way."""
    parts, kinds = [f"{prefix}.{c}" for c in columns], dict(columns)
    for name, sql in datetimes.items():
        expr, kind = datetime_column(conn, sql)
        parts.append(expr)
        kinds[name] = kind
    return ", ".join(parts), kinds


@dataclass(frozen=True)
class _Rows:
    """Which observations to read: every row of the indicators ``whole``, the last row (latest period end) of
    each series of the indicators ``last`` (both: id, indicator) that ends before month ``before``, of those
    territories when ``territory_ids`` are given, recorded before ``cutoff``; ``terr_ids`` and ``sources``
    decode the ids."""

    whole: pl.DataFrame
    last: pl.DataFrame
    before: int
    terr_ids: pl.DataFrame
    sources: pl.DataFrame
    cutoff: datetime | None
    territory_ids: tuple[int, ...] | None


def id_list(ids: Sequence[int]) -> str:
    """Integer ids written into SQL (``NULL`` for none: ``IN (NULL)`` matches nothing)."""
    return ", ".join(str(int(i)) for i in ids) or "NULL"


def _indicator_filter(conn: Connection, ind_codes: pl.DataFrame) -> str:
    where = f"o.indicator_id IN ({id_list(ind_codes['id'].to_list())})"
    if conn.dialect.name == "sqlite" and ind_codes.height:
        total = conn.exec_driver_sql("SELECT count(*) FROM indicators").scalar_one()
        if 2 * ind_codes.height >= total:  # most of the table: one sequential scan beats index look-ups
            where = "+" + where
    return where


# period_end of the loader's frames (see period_end), in SQL
_END = "o.period_start + CASE WHEN length(o.period) = 4 THEN 12 WHEN o.period LIKE '%Q%' THEN 3 ELSE 1 END"


def _observations(conn: Connection, rows: _Rows) -> tuple[pl.DataFrame, pl.DataFrame]:
    cutoff = rows.cutoff
    where, params = "", dict[str, Any]()
    if rows.territory_ids is not None:
        where += f" AND o.territory_id IN ({id_list(rows.territory_ids)})"
    if cutoff is not None:
        where += " AND o.first_recorded < :cutoff"
        params["cutoff"] = (
            cutoff.strftime("%Y-%m-%d %H:%M:%S.%f") if conn.dialect.name == "sqlite" else cutoff
        )
    rev_cut = " AND r.recorded_at < :cutoff" if cutoff is not None else ""
    # recorded_at is read only where it differs from first_recorded: half the timestamps to fetch
    later = (
        "o.recorded_at"
        if arrow_source(conn)
        else "CASE WHEN o.recorded_at = o.first_recorded THEN NULL ELSE o.recorded_at END"
    )
    select, kinds = _select(conn, "o", OBS_COLUMNS, {"first_recorded": "o.first_recorded", "_later": later})
    rev_select, rev_kinds = _select(conn, "r", REV_COLUMNS, {"recorded_at": "r.recorded_at"})
    whole = _indicator_filter(conn, rows.whole) + where
    obs = read_frame(conn, f"SELECT {select} FROM observations o WHERE {whole}", params, kinds)
    revs = read_frame(
        conn,
        f"SELECT {rev_select} FROM observation_revisions r "
        f"JOIN observations o ON o.id = r.observation_id WHERE o.n_values > 1 AND {whole}{rev_cut}",
        params,
        rev_kinds,
    )
    if rows.last.height:
        # one pass finds where each series ends (few columns, nothing kept); only the series that end early
        # enough are read back, by the key's index
        ends_of = (
            f"SELECT o.indicator_id AS i, o.territory_id AS t, max({_END}) AS e FROM observations o "
            f"WHERE {_indicator_filter(conn, rows.last)}{where} GROUP BY o.indicator_id, o.territory_id "
            f"HAVING max({_END}) < {int(rows.before)}"
        )
        ends = read_frame(
            conn,
            f"SELECT {select} FROM ({ends_of}) g JOIN observations o ON o.indicator_id = g.i "
            f"AND o.territory_id = g.t WHERE {_END} = g.e{where}",
            params,
            kinds,
        )
        revised = ", ".join(str(i) for i in ends.filter(pl.col("n_values") > 1)["id"])
        if revised:
            revs = pl.concat(
                [
                    revs,
                    read_frame(
                        conn,
                        f"SELECT {rev_select} FROM observation_revisions r "
                        f"WHERE r.observation_id IN ({revised}){rev_cut}",
                        {k: v for k, v in params.items() if k == "cutoff"},
                        rev_kinds,
                    ),
                ]
            )
        obs = pl.concat([obs, ends])
    obs = obs.with_columns(pl.coalesce("_later", "first_recorded").alias("recorded_at")).drop("_later")
    if cutoff is not None:
        # values revised after the cutoff: take the latest revision known by then
        known = (
            revs.sort("recorded_at", "observation_id")
            .group_by("observation_id")
            .agg(
                pl.col("value").last().alias("_v"),
                pl.col("recorded_at").last().alias("_r"),
                pl.col("source_id").last().alias("_s"),
                pl.len().cast(pl.Int32).alias("_n"),
            )
        )
        late = pl.col("recorded_at") >= cutoff
        obs = (
            obs.join(known, left_on="id", right_on="observation_id", how="left")
            .with_columns(
                pl.when(late).then(pl.col("_v")).otherwise(pl.col("value")).alias("value"),
                pl.when(late).then(pl.col("_s")).otherwise(pl.col("source_id")).alias("source_id"),
                pl.when(late).then(pl.col("_r")).otherwise(pl.col("recorded_at")).alias("recorded_at"),
                pl.coalesce(pl.col("_n"), pl.col("n_values")).alias("n_values"),
            )
            .drop("_v", "_r", "_s", "_n")
        )
    ind_codes, terr_ids, sources = pl.concat([rows.whole, rows.last]), rows.terr_ids, rows.sources
    keys = obs.select("id", "indicator_id", "territory_id", "period")
    # codes looked up column by column: a join would copy every column of the millions of rows, once per join
    obs = (
        obs.with_columns(
            _decode("indicator_id", ind_codes["id"], ind_codes["indicator"]).alias("indicator"),
            _decode("territory_id", terr_ids["id"], terr_ids["territory"]).alias("territory"),
            _decode("source_id", sources["source_id"], sources["source"]).alias("source"),
            _decode("source_id", sources["source_id"], sources["source_kind"]).alias("source_kind"),
        )
        .with_columns(
            period_end(),
            (pl.col("source_kind") == "illustrative").fill_null(False).alias("illustrative"),
            pl.col("status").replace_strict(STATUS_NAMES, return_dtype=pl.String),
            (pl.col("n_values") - 1).alias("revised_after"),
        )
        .drop("indicator_id", "territory_id", "source_id", "n_values")
    )
    reasons = _small(conn, T.revision_reasons).select(
        reason_id="id", reason=pl.col("reason").replace("", None), author=pl.col("author").replace("", None)
    )
    revisions = (
        revs.join(keys, left_on="observation_id", right_on="id")
        .join(reasons, on="reason_id", how="left")
        .join(ind_codes, left_on="indicator_id", right_on="id", how="left")
        .join(terr_ids, left_on="territory_id", right_on="id", how="left")
        .join(sources.select("source_id", "source"), on="source_id", how="left")
        .sort("indicator", "territory", "period", "recorded_at")
        .drop("observation_id", "indicator_id", "territory_id", "source_id", "reason_id")
    )
    return obs.drop("id"), revisions


def _decode(column: str, ids: pl.Series, codes: pl.Series) -> pl.Expr:
    """``column``'s ids replaced by their codes (null where unknown)."""
    return pl.col(column).replace_strict(ids, codes, default=None, return_dtype=pl.String)


def _weights(
    conn: Connection, code: str, terr_ids: pl.DataFrame, territory_ids: tuple[int, ...] | None
) -> pl.DataFrame:
    row = conn.execute(select(T.indicators.c.id).where(T.indicators.c.code == code)).first()
    if row is None:
        return pl.DataFrame(schema={"territory": pl.String, "period": pl.String, "weight": pl.Float64})
    sql = "SELECT territory_id, period, value FROM observations WHERE indicator_id = :i"
    params: dict[str, Any] = {"i": row.id}
    if territory_ids is not None:
        sql += f" AND territory_id IN ({id_list(territory_ids)})"
    w = read_frame(conn, sql, params, {"territory_id": pl.Int64, "period": pl.String, "weight": pl.Float64})
    return w.join(terr_ids, left_on="territory_id", right_on="id").select("territory", "period", "weight")


def _budgets(conn: Connection, prog_ids: pl.DataFrame, day: date | None) -> pl.DataFrame:
    """Every budget version of the programs decided by ``day`` (undated versions always count)."""
    b = T.budget_lines
    where: list[Any] = [b.c.program_id.in_(prog_ids["id"].to_list())]
    if day is not None:
        where.append(b.c.decided_on.is_(None) | (b.c.decided_on <= day))
    lines = _small(conn, b, *where)
    split = (
        pl.when(pl.col("indicators") == "")
        .then(pl.lit([], pl.List(pl.String)))
        .otherwise(pl.col("indicators").str.split(";"))
    )
    empty = [pl.col(c).replace("", None) for c in ("goal", "line", "funding")]
    return (
        lines.join(prog_ids.rename({"id": "program_id"}), on="program_id", how="left")
        .with_columns(*empty, split.alias("indicators"))
        .drop("id", "program_id")
        .sort("program", "year", "goal", "line", "funding", "currency", "stage", "version", nulls_last=False)
    )
