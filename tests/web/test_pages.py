"""The HTML pages over HTTP: content (names, statuses, numbers) per language, as_of, language memory, 404s."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from natije.locale import t

NAMES = {
    "kk": "«Қолжетімді интернет» ұлттық жобасы",
    "ru": "Национальный проект «Доступный интернет»",
    "en": 'National project "Affordable Internet"',
}


def _card(html: str, indicator: str) -> str:
    start = html.index(f'id="ind-{indicator}"')
    return html[start : html.index("<figure", start)]


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_overview_lists_every_program_with_its_scorecard_and_the_lineage_chain(
    client: TestClient, lang: str
) -> None:
    html = client.get(f"/{lang}/").text
    assert f'<html lang="{lang}">' in html
    for code in ("IK2020", "DK2018", "TB2021", "AI2023"):
        assert f'href="/{lang}/programs/{code}"' in html
    assert NAMES[lang].replace('"', "&#34;") in html
    card = html[html.index('id="card-DK2018"') : html.index('id="card-TB2021"')]
    assert t("status.achieved", lang) in card and t("status.missed", lang) in card
    assert t("scorecard.budget_spent", lang) in card
    assert "IK2020 → DK2018 → TB2021 → AI2023" in html
    assert t("lineage_status.dropped_from_portfolio", lang) in html


def test_overview_as_of_judges_on_that_day(client: TestClient) -> None:
    def dk2018(html: str) -> str:
        return html.split('id="card-DK2018"')[1].split("</article>")[0]

    then, now = client.get("/en/?as_of=2019-06-30").text, client.get("/en/").text
    assert 'value="2019-06-30"' in then
    assert "status-on_track" in dk2018(then) and "status-no_data" in dk2018(then)
    assert "status-missed" in dk2018(now) and "status-on_track" not in dk2018(now)


@pytest.mark.parametrize(
    ("day", "known"),
    [
        ("2016-01-01", ["IK2020"]),  # Digital Kazakhstan was adopted on 2017-12-12, the others later
        ("2017-12-12", ["IK2020", "DK2018"]),
        ("2021-06-30", ["IK2020", "DK2018", "TB2021"]),  # Affordable Internet: announced 2023-11-07
    ],
)
def test_overview_as_of_lists_only_the_programs_adopted_by_then(
    client: TestClient, day: str, known: list[str]
) -> None:
    html = client.get(f"/en/?as_of={day}").text
    assert re.findall(r'id="card-(\w+)"', html) == known
    chain = " → ".join(known)
    assert chain in html and f"{chain} →" not in html
    for later in {"IK2020", "DK2018", "TB2021", "AI2023"} - set(known):
        assert f'href="/en/programs/{later}' not in html
    api = client.get(f"/api/v1/programs?as_of={day}").json()
    assert [p["code"] for p in api["items"]] == known and api["as_of"] == day
    assert api["items"][-1]["successors"] == []


def test_overview_before_any_program_names_the_first_day(client: TestClient) -> None:
    response = client.get("/en/?as_of=2012-06-30")
    assert response.status_code == 422 and "2013-01-01" in response.text


def test_money_in_kazakh_is_written_in_tenge(client: TestClient) -> None:
    card = client.get("/kk/").text.split('id="card-DK2018"')[1]
    assert "млрд теңге" in card.split("</article>")[0]


@pytest.mark.parametrize(
    ("lang", "actual", "target", "forecast"),
    [
        ("en", "42.2%", "90%", "53.5%"),
        ("ru", "42,2\xa0%", "90\xa0%", "53,5\xa0%"),
        ("kk", "42,2\xa0%", "90\xa0%", "53,5\xa0%"),
    ],
)
def test_program_card_shows_status_actual_target_and_forecast(
    client: TestClient, lang: str, actual: str, target: str, forecast: str
) -> None:
    html = client.get(f"/{lang}/programs/AI2023").text
    assert NAMES[lang].replace('"', "&#34;") in html
    card = _card(html, "AI2023.VILLAGES_FIBRE_SHARE")
    text = card.replace("&nbsp;", "\xa0")
    assert t("status.off_track", lang) in text
    for figure in (actual, target, forecast):
        assert figure.replace("\xa0", "") in text.replace("\xa0", "").replace(" ", "")


def test_program_page_has_goal_tree_charts_budget_lineage_and_evaluations(client: TestClient) -> None:
    html = client.get("/en/programs/AI2023").text
    assert "Connect rural settlements to fibre" in html  # a goal
    assert html.count('<figure class="chart">') >= 6  # one per indicator and the budget
    assert html.count("<svg") == html.count('<figure class="chart">')
    assert 'role="img" aria-label="Villages connected to backbone fibre' in html
    assert "/en/indicators/AI2023.VILLAGES_FIBRE_SHARE/series.csv" in html
    assert "/en/programs/AI2023/budget.csv" in html
    assert all(
        'hx-boost="false"' in link for link in re.findall(r"<a [^>]*download[^>]*>", html)
    )  # a file, not a page
    assert re.search(r'href="/en/evaluations/\d+"', html)
    assert len(html.encode()) < 300_000


def test_as_of_shows_what_was_known_and_promised_that_day(client: TestClient) -> None:
    now = _card(client.get("/en/programs/AI2023").text, "AI2023.VILLAGES_FIBRE_SHARE")
    then = _card(client.get("/en/programs/AI2023?as_of=2025-07-01").text, "AI2023.VILLAGES_FIBRE_SHARE")
    assert ">90%<" in now and ">88%<" in then  # the target was raised on 2025-10-21
    assert "42.2%" in now and "42.2%" not in then  # the 2025 value was not published yet
    page = client.get("/en/programs/AI2023?as_of=2025-07-01&basis=first").text
    assert 'value="2025-07-01"' in page and '<option value="first" selected>' in page


def test_bad_as_of_is_a_page_in_the_language(client: TestClient) -> None:
    response = client.get("/ru/programs/AI2023?as_of=2025-13-01")
    assert response.status_code == 422
    assert "ГГГГ-ММ-ДД" in response.text or "YYYY-MM-DD" in response.text


def test_indicator_page_has_versions_regions_and_map(client: TestClient) -> None:
    html = client.get("/en/indicators/AI2023.VILLAGES_FIBRE_SHARE").text
    assert "First promised" in html or "first promised" in html
    assert "25.06.2025" not in html and "2025-06-24" in html  # the first version's decision, ISO in English
    assert "Kyzylorda Region" in html and 'href="/en/territories/430000000"' in html
    assert re.search(  # illustrative, marked; its proof linked
        r'Kyzylorda Region</a></td><td class="num">39.7%\* <a class="verify" href="/en/proofs/\d+"', html
    )
    assert "illustrative: not published" in html
    assert html.count("<svg") == 2  # series and map
    assert "/en/indicators/AI2023.VILLAGES_FIBRE_SHARE/regions.csv?period=2025" in html
    csv = client.get("/en/indicators/AI2023.VILLAGES_FIBRE_SHARE/regions.csv?period=2025")
    assert (
        csv.headers["content-type"].startswith("text/csv")
        and "430000000,Kyzylorda Region,2025,39.7" in csv.text
    )
    assert "24.06.2025" in client.get("/ru/indicators/AI2023.VILLAGES_FIBRE_SHARE").text


def test_territory_page_ranks_the_region(client: TestClient) -> None:
    html = client.get("/ru/territories/430000000").text
    assert "Кызылординская область" in html
    assert "11-е место из 17 регионов" in html
    assert "AI2023.VILLAGES_FIBRE_SHARE" in html
    values = html[html.index("Последние значения показателей") :]
    assert "85,6\xa0%*" in values.replace("&nbsp;", "\xa0") and "7-е место из 17 регионов" in values
    assert "<title>Кызылординская область · natije</title>" in html


def test_territory_values_table_is_the_one_recorded(client: TestClient) -> None:
    # recorded from the page as it was when every program's observations were read to find these rows
    html = client.get("/ru/territories/270000000").text.replace("&nbsp;", "\xa0")
    values = html[html.index("Последние значения показателей") :].split("</tbody>")[0]
    rows = re.findall(
        r'/indicators/([\w.]+)">.*?<td>(\w+)</td><td class="num">([^<]+)</td>\s*<td class="num">([^<]+)</td>',
        values,
        re.DOTALL,
    )
    assert rows == [
        ("AI2023.RURAL_INTERNET_USERS", "2025", "89,7\xa0%*", "2-е место из 17 регионов"),
        ("AI2023.VILLAGES_FIBRE", "2025", "229*", "4-е место из 17 регионов"),
        ("AI2023.VILLAGES_FIBRE_SHARE", "2025", "57,2\xa0%*", "3-е место из 17 регионов"),
        ("AI2023.VILLAGES_TOTAL", "2025", "400*", "6-е место из 17 регионов"),
    ]


def test_evaluation_page_has_effects_and_interpretation(client: TestClient) -> None:
    html = client.get("/en/evaluations/1").text
    assert "Impact evaluation 1" in html and "cs" in html
    assert "<svg" in html and "/en/evaluations/1/effects.csv" in html
    assert client.get("/en/evaluations/1/effects.csv").text.startswith("\ufeffLabel,Kind,Estimate")
    russian = client.get("/ru/evaluations/1").text
    assert "Допущения" in russian and "+3,201\xa0п.п." in russian and "&lt; 0,001" in russian
    # the evaluation was run in English; its interpretation is written again in Russian from the numbers
    assert (
        "В среднем вмешательство изменило показатель «Пользователи интернета в сельской местности" in russian
    )
    main = russian[russian.index("<main") : russian.index("</main>")]
    assert 'lang="en"' not in main and "pretrend_wald" not in main and "<code>" not in main


@pytest.mark.parametrize(
    ("query", "code"),
    [("кызылорда", "430000000"), ("ҚОЛЖЕТІМДІ", "AI2023"), ("fibre share", "AI2023.VILLAGES_FIBRE_SHARE")],
)
def test_search_folds_case_and_kazakh_letters(client: TestClient, query: str, code: str) -> None:
    html = client.get("/kk/search", params={"q": query}).text
    assert f'/{code}"' in html


def test_root_redirects_to_the_remembered_language(demo_db: object) -> None:
    from natije.web import Settings, create_app

    with TestClient(create_app(Settings(database_url=str(demo_db)))) as fresh:
        first = fresh.get("/", follow_redirects=False)
        assert first.status_code == 307 and first.headers["location"] == "/kk/"
        assert (
            fresh.get("/", headers={"Accept-Language": "ru-RU,ru;q=0.9"}, follow_redirects=False).headers[
                "location"
            ]
            == "/ru/"
        )
        fresh.get("/en/")  # choosing English remembers it
        assert fresh.cookies.get("natije_lang") == "en"
        assert fresh.get("/", follow_redirects=False).headers["location"] == "/en/"


def test_unknown_language_and_objects_are_404_pages(client: TestClient) -> None:
    page = client.get("/xx/")
    assert page.status_code == 404 and '<html lang="kk">' in page.text and "«xx» тілі жоқ" in page.text
    missing = client.get("/ru/programs/NOPE")
    assert missing.status_code == 404 and "программа «NOPE» не найдена" in missing.text
    assert client.get("/en/territories/999999999").status_code == 404
    assert client.get("/en/indicators/NOPE.X").status_code == 404
    assert client.get("/en/nothing/here").status_code == 404


def test_static_files_are_served_offline(client: TestClient) -> None:
    assert "htmx" in client.get("/static/vendor/htmx-2.0.11.min.js").text[:200]
    assert client.get("/static/style.css").status_code == 200


def test_views_are_computed_once_per_store_version(client: TestClient) -> None:
    memo = client.app.state.natije.memo  # type: ignore[attr-defined]
    client.get("/en/programs/TB2021")
    computed = memo.computed
    client.get("/en/programs/TB2021")
    assert memo.computed == computed  # the page's HTML, results, lineage and charts all kept
    client.get("/ru/programs/TB2021")
    assert memo.computed > computed  # the Russian words, charts and HTML are new; the results are not
    indicators = len(client.get("/api/v1/programs/TB2021").json()["indicators"])
    assert memo.computed == computed + 1 + indicators + 1 + 1  # lineage, charts, budget chart, HTML


def test_a_kept_page_is_the_page_and_still_remembers_the_language(client: TestClient) -> None:
    memo = client.app.state.natije.memo  # type: ignore[attr-defined]
    first = client.get("/kk/indicators/AI2023.VILLAGES_FIBRE_SHARE?as_of=2024-06-30")
    computed = memo.computed
    client.cookies.clear()
    again = client.get("/kk/indicators/AI2023.VILLAGES_FIBRE_SHARE?as_of=2024-06-30")
    assert memo.computed == computed and again.text == first.text
    assert again.cookies.get("natije_lang") == "kk"
    other_day = client.get("/kk/indicators/AI2023.VILLAGES_FIBRE_SHARE?as_of=2023-12-31")
    assert memo.computed > computed and other_day.text != first.text


def test_language_links_lead_to_the_same_page(client: TestClient) -> None:
    html = client.get("/en/programs/DK2018?as_of=2020-01-01").text
    assert (
        'href="/kk/programs/DK2018?as_of=2020-01-01"' in html
        and 'href="/ru/programs/DK2018?as_of=2020-01-01"' in html
    )


def test_warm_start_builds_the_overview_and_every_program_page(client: TestClient) -> None:
    from natije.web.views import warm

    state = client.app.state.natije  # type: ignore[attr-defined]
    assert warm(state.reader(), ("en",), None) == 5
    kept = set(state.memo._items)
    client.get("/en/programs/IK2020")
    client.get("/en/")
    assert {key[0] for key in set(state.memo._items) - kept} <= {"html"}  # every view was built already


def test_downloads_neutralise_formulas(client: TestClient) -> None:
    from natije.web.downloads import neutral

    assert [neutral(c) for c in ("=1+1", "-2", "+7 701", "@A1", "\tx", "plain")] == [
        "'=1+1",
        "-2",
        "'+7 701",
        "'@A1",
        "'\tx",
        "plain",
    ]
    budget = client.get("/en/programs/DK2018/budget.csv")
    assert budget.text.startswith("\ufeffYear,Currency,Planned,Approved,Executed,Execution rate\r\n2018,KZT,")


def test_the_site_icon_is_served_where_browsers_look_for_it(client):
    page = client.get("/en/")
    assert 'rel="icon" href="/static/favicon.svg"' in page.text
    moved = client.get("/favicon.ico", follow_redirects=False)
    assert moved.status_code == 301 and moved.headers["location"] == "/static/favicon.svg"
    icon = client.get("/static/favicon.svg")
    assert icon.status_code == 200 and icon.headers["content-type"].startswith("image/svg+xml")
