"""The evaluation page in the reader's language for every method family: method, design, estimate with its
interval, diagnostics in words with their verdicts, assumptions and interpretation, none in the language the
evaluation was run in and no diagnostic shown by its machine key."""

from __future__ import annotations

from collections.abc import Iterator
from html import unescape
from typing import Any

import pytest
from fastapi.testclient import TestClient
from stored_evaluations import RUNS, store_each_method

from natije.evaluation.texts import signed
from natije.locale import t
from natije.services.demo import load_demo
from natije.services.evaluation import get
from natije.services.stores import open_store
from natije.web import Settings, create_app

OPENINGS = {
    "att": {
        "kk": "Орта есеппен араласу бағдарлама қамтыған бірліктердің «Ауылдық жердегі интернет",
        "ru": "В среднем вмешательство изменило показатель «Пользователи интернета в сельской местности",
        "en": "On average, the intervention changed Internet users in rural areas",
    },
    "its": {
        "kk": "Араласудың жинақталған әсері — ",
        "ru": "Накопленный эффект вмешательства — ",
        "en": "After the intervention, Internet users in rural areas",
    },
}
UNIT = {"kk": "п.т.", "ru": "п.п.", "en": "pp"}


@pytest.fixture(scope="module")
def stored(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[TestClient, dict[str, Any]]]:
    """The demo with one evaluation of each method, run in Kazakh, and an app on it."""
    path = tmp_path_factory.mktemp("methods") / "demo.db"
    store = open_store(str(path))
    load_demo(store)
    ids = store_each_method(store, "kk")
    results = {method: get(store, i).result for method, i in ids.items()}
    with TestClient(create_app(Settings(database_url=str(path)))) as client:
        yield client, {"ids": ids, "results": results}


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
@pytest.mark.parametrize("method", list(RUNS))
def test_every_piece_of_the_page_is_in_its_language(
    stored: tuple[TestClient, dict[str, Any]], method: str, lang: str
) -> None:
    client, data = stored
    r = data["results"][method]
    html = unescape(client.get(f"/{lang}/evaluations/{data['ids'][method]}").text)
    main = html[html.index("<main") : html.index("</main>")]
    family = "its" if method == "its" else "att"
    assert OPENINGS[family][lang] in main
    assert signed(r["estimate"], lang, UNIT[lang]) in main  # the interpretation's numbers, in the language
    assert t(f"evaluation.method.{method}", lang) in main
    for key in r["assumption_keys"]:
        assert t(f"evaluation.assumption.{key}", lang) in main
    assert (
        t("evaluation.check.verdict.supports", lang) in main
        or t("evaluation.check.verdict.weakens", lang) in main
    )
    assert t(f"evaluation.check.{next(iter(_worded(r)))}.meaning", lang) in main
    raw = [key for key in r["diagnostics"] if "_" in key and key in main]
    assert not raw and "<code>" not in main and ' lang="' not in main


def _worded(r: dict[str, Any]) -> list[str]:
    from natije.services.evaluation_checks import CHECKS

    return [key for key, value in r["diagnostics"].items() if key in CHECKS and value]


def test_synthetic_weights_name_the_territories(stored: tuple[TestClient, dict[str, Any]]) -> None:
    client, data = stored
    html = client.get(f"/ru/evaluations/{data['ids']['sc']}").text
    weights = html[html.index(t("web.evaluation.weights", "ru")) :]
    assert "Мангистауская область (470000000): 0,575" in weights
