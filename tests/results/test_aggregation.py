"""Roll-up rules: ratio of sums, counts sum, population-weighted rates, one territory is the identity."""

from __future__ import annotations

import polars as pl
from frames_builders import indicators, obs
from hypothesis import given, settings
from hypothesis import strategies as st

from natije.results.aggregation import roll_up, rollup_rows

GROUPS = pl.DataFrame({"territory": ["A", "B"], "into": ["K", "K"]})


def _ind():
    return indicators(
        [
            {"code": "USERS", "unit": "count"},
            {"code": "POP", "unit": "count"},
            {
                "code": "SHARE",
                "unit": "%",
                "ratio_numerator": "USERS",
                "ratio_denominator": "POP",
                "ratio_scale": 100.0,
            },
            {"code": "RATE", "unit": "per 100"},
            {"code": "RANK", "unit": "rank"},
        ]
    )


def _obs():
    return obs(
        [
            ("USERS", "A", "2024", 90),
            ("USERS", "B", "2024", 10),
            ("POP", "A", "2024", 100),
            ("POP", "B", "2024", 100),
            ("SHARE", "A", "2024", 90),
            ("SHARE", "B", "2024", 10),
            ("RATE", "A", "2024", 10),
            ("RATE", "B", "2024", 40),
            ("RANK", "A", "2024", 1),
            ("RANK", "B", "2024", 2),
        ]
    )


def _value(frame: pl.DataFrame, code: str) -> float:
    return frame.filter(pl.col("indicator") == code)["value"][0]


def test_rules():
    weights = pl.DataFrame({"territory": ["A", "B"], "period": ["2024", "2024"], "weight": [300.0, 100.0]})
    out = roll_up(_obs(), _ind(), weights, GROUPS)
    assert _value(out, "USERS") == 100 and _value(out, "POP") == 200
    assert _value(out, "SHARE") == 50  # (90 + 10) / (100 + 100), whatever the weights
    assert _value(out, "RATE") == (10 * 300 + 40 * 100) / 400
    assert "RANK" not in out["indicator"].to_list()
    assert out.filter(pl.col("indicator") == "SHARE")["method"][0] == "ratio_of_sums"


def test_rates_without_weights_use_equal_weights():
    out = roll_up(
        _obs(),
        _ind(),
        pl.DataFrame(schema={"territory": pl.String, "period": pl.String, "weight": pl.Float64}),
        GROUPS,
    )
    assert _value(out, "RATE") == 25


def _with_rollups(
    own: pl.DataFrame, indicators: pl.DataFrame, weights: pl.DataFrame, territories: pl.DataFrame
) -> pl.DataFrame:
    """The rows a program reports plus the engine's roll-ups of them (own rows have ``method = null``)."""
    rolled = rollup_rows(own, indicators, weights, territories)
    own = own.with_columns(pl.lit(None, dtype=pl.String).alias("method"))
    return pl.concat([own, rolled], how="diagonal_relaxed")


def test_rollups_fill_a_parent_only_for_indicators_it_does_not_report():
    terr = pl.DataFrame(
        {"code": ["A", "B", "K"], "parent": ["K", "K", None], "level": ["region", "region", "country"]}
    )
    own = obs(
        [
            ("USERS", "A", "2024", 1),
            ("USERS", "B", "2024", 2),
            ("USERS", "K", "2023", 7),
            ("USERS", "A", "2023", 1),
            ("USERS", "B", "2023", 1),
            ("POP", "A", "2024", 10),
            ("POP", "B", "2024", 5),
        ]
    )
    out = _with_rollups(
        own,
        _ind(),
        pl.DataFrame(schema={"territory": pl.String, "period": pl.String, "weight": pl.Float64}),
        terr,
    )
    k = out.filter(pl.col("territory") == "K").sort("indicator", "period")
    assert k.select("indicator", "period", "value", "method").rows() == [
        ("POP", "2024", 15, "sum"),
        ("USERS", "2023", 7, None),
    ]


@settings(max_examples=50, deadline=None)
@given(
    value=st.floats(-1e9, 1e9, allow_nan=False),
    weight=st.one_of(st.none(), st.floats(0.1, 1e7)),
    unit=st.sampled_from(["count", "%", "per 100", "index", "KZT"]),
)
def test_one_territory_roll_up_is_identity(value, weight, unit):
    ind = indicators([{"code": "X", "unit": unit}])
    weights = pl.DataFrame(
        {"territory": ["A"], "period": ["2024"], "weight": [weight]}, schema_overrides={"weight": pl.Float64}
    )
    out = roll_up(
        obs([("X", "A", "2024", value)]), ind, weights, pl.DataFrame({"territory": ["A"], "into": ["A"]})
    )
    assert out["value"][0] == value or abs(out["value"][0] - value) <= 1e-9 * abs(value)


def test_members_count_only_while_valid():
    from datetime import date

    terr = pl.DataFrame(
        {
            "code": ["OLD", "NEW", "B", "K"],
            "parent": ["K", "K", "K", None],
            "level": ["region", "region", "region", "country"],
            "valid_from": [None, date(2022, 6, 8), None, None],
            "valid_to": [date(2022, 6, 8), None, None, None],
        }
    )
    own = obs(
        [
            ("USERS", "OLD", "2021", 10),
            ("USERS", "B", "2021", 1),
            ("USERS", "OLD", "2023", 99),
            ("USERS", "NEW", "2023", 20),
            ("USERS", "B", "2023", 2),
        ]
    )
    out = _with_rollups(
        own,
        _ind(),
        pl.DataFrame(schema={"territory": pl.String, "period": pl.String, "weight": pl.Float64}),
        terr,
    )
    k = out.filter(pl.col("territory") == "K").sort("period")
    assert k["value"].to_list() == [11, 22]  # OLD's stray 2023 value is not added to NEW's


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["USERS", "POP", "SHARE", "RATE", "RANK"]),
            st.sampled_from(["D1", "D2", "D3", "R1", "R2", "X"]),
            st.sampled_from(["2023", "2024", "2024-Q1", "2024-03"]),
            st.floats(0, 1000, allow_nan=False),
        ),
        min_size=1,
        max_size=40,
        unique_by=lambda r: r[:3],
    ),
    st.booleans(),
)
def test_rollups_do_not_depend_on_the_row_order(rows, weighted):
    """Rows in series order (the engine's: runs given) and the same rows shuffled roll up alike."""
    from natije.results.aggregation import rollup_rows
    from natije.results.series import series_runs

    territories = pl.DataFrame(
        {
            "code": ["C", "R1", "R2", "D1", "D2", "D3", "X"],
            "level": ["country", "region", "region", "district", "district", "district", "x"],
            "parent": [None, "C", "C", "R1", "R1", "R2", None],
        }
    )
    weights = (
        pl.DataFrame(
            {
                "territory": ["D1", "D2", "R1", "D3"],
                "period": ["2024", "2024", "2023", "2024-Q1"],
                "weight": [1.0, 3.0, 2.0, 5.0],
            }
        )
        if weighted
        else None
    )
    from natije.results.frames import conform

    w = conform("weights", weights)
    cols = ["indicator", "territory", "period", "period_start", "period_end", "value", "illustrative"]
    runs = series_runs(obs(rows).select(cols).sort("territory"))
    fast = rollup_rows(runs.frame, _ind(), w, territories, runs=runs)
    slow = rollup_rows(runs.frame.sample(fraction=1.0, shuffle=True, seed=len(rows)), _ind(), w, territories)
    key = ["indicator", "territory", "period"]
    cols = [*key, "value", "method", "illustrative"]
    assert fast.sort(key).select(cols).rows() == slow.sort(key).select(cols).rows()


def test_a_member_of_several_aggregates_counts_in_each():
    groups = pl.DataFrame({"territory": ["A", "B", "A"], "into": ["K", "K", "L"]})
    out = roll_up(
        _obs(),
        _ind(),
        pl.DataFrame(schema={"territory": pl.String, "period": pl.String, "weight": pl.Float64}),
        groups,
    )
    users = out.filter(pl.col("indicator") == "USERS").sort("territory")
    assert users.select("territory", "value", "members").rows() == [("K", 100, 2), ("L", 90, 1)]
    assert out.filter((pl.col("indicator") == "SHARE") & (pl.col("territory") == "L"))["value"][0] == 90
