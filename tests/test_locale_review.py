"""The classes of mistakes a native reviewer found in the kk and ru catalogs,
checked so they cannot come back.

- names the user sees are quoted «…», never with ASCII '…' (code such as control='not-yet' is exempt);
- no Kazakh case ending glued to a placeholder ({n}-ге, {file}-дағы): the number or word decides the ending;
- a noun counted by a number placeholder comes from a plural entry, not from "(s)" or a fixed form;
- no English word in a kk or ru value, except codes, formats and names of files and options;
- one term per concept: мақсат / цель only for a program's goal, never for a target value.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from natije.locale import catalog

COUNTED = ("count", "n", "units", "years", "months", "packages", "rows", "lines", "periods")
# Latin words a kk or ru text may hold: codes, file and option names, formats, method and estimator names.
ALLOWED_LATIN = {
    "natije",
    "csv",
    "utf",
    "windows",
    "country",
    "region",
    "district",
    "rural",
    "settlement",
    "yaml",
    "program",
    "observations",
    "territories",
    "zip",
    "xlsx",
    "xlsm",
    "parquet",
    "excel",
    "url",
    "sqlite",
    "postgresql",
    "path",
    "host",
    "port",
    "dask",
    "distributed",
    "serial",
    "processes",
    "did",
    "cs",
    "sc",
    "sdid",
    "its",
    "placebo",
    "bootstrap",
    "jackknife",
    "p",
    "y",
    "iso",
    "kato",
    "kzt",
    "usd",
    "ed",  # Ed25519, the signature scheme of the log's keys
    "pem",
    "id",
    "init",
    "mapping",
    "propensity",
    "score",
    "dataframe",
    "polars",
    "pandas",
    "dict",
    "control",
    "not",
    "yet",
    "unit",
    "time",
    "outcome",
    "treated",
    "start",
    "cohort",
    "span",
    "from",
    "valid",
    "to",
    "end",
    "year",
    "format",
    "source",
    "territory",
    "first",
    "period",
    "q",
    "a",
    "m",
    "dk",
    "g",
    "value",
    "it",
    "mn",
    "bn",
    "count",
    "thousand",
    "schema",
    "head",
    "yyyy",
    "mm",
    "dd",
    "t",
    "api",
    "json",
    "table",
    "sql",
}


def _values(lang: str) -> Iterator[tuple[str, str]]:
    for key, entry in catalog(lang).items():
        for text in entry.values() if isinstance(entry, dict) else (entry,):
            yield key, text


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_quotes_are_guillemets(lang: str) -> None:
    bad = [(k, v) for k, v in _values(lang) if re.search(r"(?<![=\w])'[^']+'", v)]
    assert not bad, bad[:5]


def test_no_kazakh_ending_glued_to_a_placeholder() -> None:
    # "{row}-жол" is an ordinal ("row 5"), not a case ending; anything else after "}-" or "}" is
    glued = re.compile(r"\}(?!-жол)-?[а-яәіңғүұқөһ]", re.IGNORECASE)
    bad = [(k, v) for k, v in _values("kk") if glued.search(v)]
    assert not bad, bad[:5]
    also = [(k, v) for k, v in _values("kk") if re.search(r"\.(csv|yaml|zip)-", v)]
    assert not also, also[:5]  # program.yaml-да: the file is named, then its noun takes the ending


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_counted_nouns_come_from_plural_entries(lang: str) -> None:
    after = re.compile(r"\{(" + "|".join(COUNTED) + r")\}\s+([^\W\d_]+)")
    bad = []
    for key, entry in catalog(lang).items():
        if isinstance(entry, dict):
            continue
        if "(s)" in entry:
            bad.append((key, entry))
        for m in after.finditer(entry):
            if m.group(2) not in ("more",):  # "… and {count} more" counts no noun
                bad.append((key, entry))  # "{count} territories": a fixed form after a number
    assert not bad, bad[:5]


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_no_english_words(lang: str) -> None:
    bad = []
    for key, text in _values(lang):
        plain = re.sub(r"\{\w*\}|«[^»]*»|`[^`]*`|\S+://\S*|\w+\.(csv|yaml|json|zip|xlsx)|\w+=\S+", " ", text)
        for w in re.findall(r"[A-Za-z]+", plain):
            if w.lower() not in ALLOWED_LATIN:
                bad.append((key, w))
    assert not bad, bad[:10]


@pytest.mark.parametrize(("lang", "goal"), [("kk", r"мақсат"), ("ru", r"\bцел(ь|и|ей|ям|ями|ях|ью)\b")])
def test_goal_words_are_not_used_for_target_values(lang: str, goal: str) -> None:
    # «цель» / «мақсат» is a program's goal; a target value is «целевое значение» / «нысаналы мән»
    keys = [
        k
        for k, v in _values(lang)
        if re.search(goal, v.lower())
        and not k.startswith(("word.goal", "expected.goal", "expected.no_goal", "help.show"))
    ]  # word.goal(s): the goal
    assert not keys, keys
