"""The JSON API: shapes, as_of, filters, cursor pagination, ETags, the OpenAPI document and problem-details
errors in the requested language."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient


def test_programs_list_and_detail(client: TestClient) -> None:
    items = client.get("/api/v1/programs").json()["items"]
    assert [p["code"] for p in items] == ["IK2020", "DK2018", "TB2021", "AI2023"]
    assert items[1]["predecessors"] == ["IK2020"] and items[1]["successors"] == ["TB2021"]
    detail = client.get("/api/v1/programs/AI2023").json()
    assert detail["names"]["ru"] == "Национальный проект «Доступный интернет»"
    assert {"goals", "indicators", "commitments", "budgets", "lineage"} <= set(detail)


def test_results_as_of_and_territory(client: TestClient) -> None:
    def fibre(**params: str) -> dict:
        body = client.get(
            "/api/v1/programs/AI2023/results", params={"territory": "national", **params}
        ).json()
        return next(r for r in body["items"] if r["indicator"] == "AI2023.VILLAGES_FIBRE_SHARE")

    now, then = fibre(), fibre(as_of="2025-07-01")
    assert (now["target"], now["actual"], now["status"]) == (90.0, 42.2, "off_track")
    assert (then["target"], then["actual"]) == (88.0, 41.0)
    assert fibre(basis="first")["target"] == 88.0
    region = client.get("/api/v1/programs/AI2023/results", params={"territory": "430000000"}).json()["items"]
    assert {r["territory"] for r in region} == {"430000000"}
    assert isinstance(now["target_decided_on"], str) and isinstance(now["illustrative"], bool)


def test_flags_lineage_territories_evaluations(client: TestClient) -> None:
    flags = client.get("/api/v1/programs/AI2023/flags").json()["items"]
    assert {"flag", "severity", "indicator", "evidence"} <= set(flags[0])
    lineage = client.get("/api/v1/programs/AI2023/lineage?lang=ru").json()["items"]
    assert any(r["status"] == "dropped_from_portfolio" for r in lineage)
    regions = client.get("/api/v1/territories?level=region").json()["items"]
    assert len(regions) >= 20 and all(r["level"] == "region" for r in regions)
    evaluations = client.get("/api/v1/evaluations").json()["items"]
    assert evaluations[0]["method"] == "cs" and "result" not in evaluations[0]
    one = client.get(f"/api/v1/evaluations/{evaluations[0]['id']}").json()
    assert one["result"]["effects"] and one["result"]["estimate"] == evaluations[0]["estimate"]


def test_openapi_document_and_docs(client: TestClient) -> None:
    spec = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/programs/{code}/results" in spec["paths"]
    assert not any(path.startswith("/{lang}") for path in spec["paths"])
    docs = client.get("/api/v1/docs").text
    assert "/static/vendor/swagger-ui-5.36.0/swagger-ui-bundle.js" in docs and "cdn." not in docs
    assert client.get("/static/vendor/swagger-ui-5.36.0/swagger-ui.css").status_code == 200


def test_problem_details_in_the_requested_language(client: TestClient) -> None:
    missing = client.get("/api/v1/programs/NOPE", headers={"Accept-Language": "ru"})
    assert missing.status_code == 404
    assert missing.headers["content-type"] == "application/problem+json"
    body = missing.json()
    assert body == {
        "type": "https://natije.kz/problems/not-found",
        "title": "Не найдено",
        "status": 404,
        "detail": "программа «NOPE» не найдена",
        "instance": "/api/v1/programs/NOPE",
    }
    bad = client.get("/api/v1/programs/AI2023/results?as_of=2025-02-30&lang=en")
    assert bad.status_code == 422 and bad.json()["errors"][0]["value"] == "2025-02-30"
    assert bad.json()["title"] == "Invalid parameter"
    assert client.get("/api/v1/programs/AI2023/results?basis=later").status_code == 422
    wrong_type = client.get("/api/v1/evaluations/abc?lang=kk")
    assert wrong_type.status_code == 422 and wrong_type.json()["title"] == "Параметр мәні жарамсыз"
    assert client.get("/api/v1/nothing").json()["status"] == 404


def test_etag_answers_304_until_the_store_changes(client: TestClient) -> None:
    first = client.get("/api/v1/programs")
    tag = first.headers["etag"]
    assert client.get("/api/v1/programs", headers={"If-None-Match": tag}).status_code == 304
    assert client.get("/api/v1/programs?lang=ru", headers={"If-None-Match": tag}).status_code == 200


def test_answers_hold_to_their_published_schemas(client: TestClient) -> None:
    from natije.web import schemas

    schemas.Programs.model_validate(client.get("/api/v1/programs").json())
    for code in ("IK2020", "DK2018", "TB2021", "AI2023"):
        schemas.Results.model_validate(client.get(f"/api/v1/programs/{code}/results").json())
        schemas.Flags.model_validate(client.get(f"/api/v1/programs/{code}/flags").json())
    schemas.Territories.model_validate(client.get("/api/v1/territories").json())
    spec = client.get("/api/v1/openapi.json").json()
    assert "ResultRow" in spec["components"]["schemas"] and "Problem" in spec["components"]["schemas"]


LISTS = [
    "/api/v1/programs",
    "/api/v1/indicators",
    "/api/v1/observations?program=AI2023",
    "/api/v1/programs/AI2023/results",
    "/api/v1/programs/AI2023/flags",
    "/api/v1/programs/AI2023/lineage",
    "/api/v1/territories",
    "/api/v1/evaluations",
]


def _walk(client: TestClient, url: str, limit: int) -> tuple[list[dict], int]:
    items, pages = [], 0
    following: str | None = f"{url}{'&' if '?' in url else '?'}limit={limit}"
    while following:
        response = client.get(following)
        assert response.status_code == 200, response.text
        body = response.json()
        items += body["items"]
        pages += 1
        link = response.headers.get("link")
        assert (link is None) == (body["next"] is None)
        assert link is None or link == f'<{body["next"]}>; rel="next"'
        following = body["next"]
    return items, pages


@pytest.mark.parametrize("url", LISTS)
def test_a_walk_over_the_pages_gets_every_row_exactly_once_in_a_stable_order(
    client: TestClient, url: str
) -> None:
    whole, one_page = _walk(client, url, 1000)
    assert one_page == 1 and whole
    limit = max(1, len(whole) // 4)
    walked, pages = _walk(client, url, limit)
    assert walked == whole
    assert pages == -(-len(whole) // limit)  # ceil: no empty last page
    assert len({json.dumps(item, sort_keys=True) for item in walked}) == len(whole)


def test_filters_keep_the_matching_rows(client: TestClient) -> None:
    def items(url: str) -> list[dict]:
        return _walk(client, url, 1000)[0]

    fibre = "AI2023.VILLAGES_FIBRE_SHARE"
    values = items(f"/api/v1/observations?indicator={fibre}&territory=national")
    assert [(v["period"], v["value"]) for v in values if v["period"] in ("2024", "2025")] == [
        ("2024", 41.0),
        ("2025", 42.2),
    ]
    since = items(
        f"/api/v1/observations?indicator={fibre}&territory=national&period_from=2024&period_to=2024"
    )
    assert [v["period"] for v in since] == ["2024"]
    region = items(f"/api/v1/observations?indicator={fibre}&territory=430000000")
    assert region and {(v["indicator"], v["territory"]) for v in region} == {(fibre, "430000000")}
    assert {v["indicator"].split(".")[0] for v in items("/api/v1/observations?program=DK2018")} == {"DK2018"}

    off = items("/api/v1/programs/AI2023/results?status=off_track&territory=national")
    assert off and {(r["status"], r["territory"]) for r in off} == {("off_track", "000000000")}
    one = items(f"/api/v1/programs/AI2023/results?indicator={fibre}&territory=national")
    assert {r["indicator"] for r in one} == {fibre} and [r["period"] for r in one] == ["2027"]

    tightened = items("/api/v1/programs/AI2023/flags?flag=target_tightened")
    assert tightened and {(f["flag"], f["indicator"]) for f in tightened} == {("target_tightened", fibre)}
    assert items(f"/api/v1/programs/AI2023/flags?indicator={fibre}&flag=stale") == []
    dropped = items("/api/v1/programs/AI2023/lineage?status=dropped_from_portfolio")
    assert dropped and {r["status"] for r in dropped} == {"dropped_from_portfolio"}

    assert [p["code"] for p in items("/api/v1/programs?status=in_force")] == ["AI2023"]
    assert {i["program"] for i in items("/api/v1/indicators?program=TB2021")} == {"TB2021"}
    assert [e["method"] for e in items("/api/v1/evaluations?method=cs")] == ["cs"]
    assert items("/api/v1/evaluations?method=sdid") == []
    assert [t["level"] for t in items("/api/v1/territories?level=country")] == ["country"]


def test_one_indicator_with_every_version_of_its_targets(client: TestClient) -> None:
    body = client.get("/api/v1/indicators/AI2023.VILLAGES_FIBRE_SHARE").json()
    assert body["program"] == "AI2023" and body["unit"] == "%"
    targets = [(c["period"], c["version"], c["value"]) for c in body["commitments"] if c["kind"] == "target"]
    assert ("2027", 1, 88.0) in targets and ("2027", 2, 90.0) in targets
    assert client.get("/api/v1/indicators/NOPE").status_code == 404


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/indicators?limit=3",
        "/api/v1/indicators/AI2023.VILLAGES_FIBRE_SHARE",
        "/api/v1/observations?indicator=AI2023.VILLAGES_FIBRE_SHARE",
        "/api/v1/programs/AI2023/lineage",
        "/api/v1/evaluations/1",
        "/en/programs/AI2023/results.xlsx",
    ],
)
def test_if_none_match_on_the_etag_answers_304_without_a_body(client: TestClient, url: str) -> None:
    first = client.get(url)
    assert first.status_code == 200 and first.headers["etag"].startswith('W/"')
    again = client.get(url, headers={"If-None-Match": first.headers["etag"]})
    assert again.status_code == 304 and again.content == b""
    assert again.headers["etag"] == first.headers["etag"]
    assert client.get(url, headers={"If-None-Match": 'W/"other"'}).status_code == 200


@pytest.mark.parametrize(
    ("lang", "title", "expected"),
    [
        ("en", "Bad request", "the cursor of a `next` link of the same list"),
        ("ru", "Неверный запрос", "курсор из ссылки `next` того же списка"),
        ("kk", "Қате сұрау", "сол тізімнің `next` сілтемесіндегі курсор"),
    ],
)
def test_a_cursor_the_api_did_not_hand_out_is_a_400_problem_in_the_language(
    client: TestClient, lang: str, title: str, expected: str
) -> None:
    programs = client.get("/api/v1/programs?limit=1").json()["next"].split("cursor=")[1]
    for cursor in ("not-a-cursor", "bnVsbA", programs):  # garbage, JSON null, another list's key
        answer = client.get(f"/api/v1/territories?cursor={cursor}", headers={"Accept-Language": lang})
        assert answer.status_code == 400
        assert answer.headers["content-type"] == "application/problem+json"
        body = answer.json()
        assert body["title"] == title and body["status"] == 400
        assert body["errors"][0]["file"] == "cursor" and body["errors"][0]["expected"] == expected


@pytest.mark.parametrize(
    ("query", "lang", "title", "expected"),
    [
        ("limit=0", "en", "Invalid parameter", "a whole number of at least 1"),
        ("limit=1001", "ru", "Недопустимое значение параметра", "целое число не больше 1000"),
        ("limit=many", "kk", "Параметр мәні жарамсыз", "оң бүтін сан"),
    ],
)
def test_bad_query_parameters_are_422_problems_in_the_language(
    client: TestClient, query: str, lang: str, title: str, expected: str
) -> None:
    answer = client.get(f"/api/v1/observations?{query}&lang={lang}")
    assert answer.status_code == 422 and answer.headers["content-language"] == lang
    body = answer.json()
    assert body["title"] == title and body["errors"][0]["expected"] == expected
    assert body["errors"][0]["location"] == ["query", "limit"]


def test_a_bad_period_or_status_names_the_parameter(client: TestClient) -> None:
    period = client.get("/api/v1/observations?period_from=2024-13", headers={"Accept-Language": "ru"}).json()
    assert period["status"] == 422 and period["errors"][0]["file"] == "period_from"
    assert period["errors"][0]["expected"] == "год (2024), квартал (2024-Q1) или месяц (2024-03)"
    status = client.get("/api/v1/programs/AI2023/results?status=late&lang=en").json()
    assert status["status"] == 422 and status["errors"][0]["location"] == ["query", "status"]
    assert "off_track" in status["errors"][0]["expected"]
    too_big = client.get(f"/api/v1/evaluations/{2**63}?lang=en")
    assert too_big.status_code == 422


def test_every_answer_holds_to_its_model_and_every_route_publishes_one(client: TestClient) -> None:
    from natije.web import schemas

    answers = {
        "/api/v1/programs/AI2023": schemas.ProgramDetail,
        "/api/v1/indicators": schemas.Indicators,
        "/api/v1/indicators/AI2023.VILLAGES_FIBRE": schemas.IndicatorDetail,
        "/api/v1/observations?program=AI2023": schemas.Observations,
        "/api/v1/programs/DK2018/lineage": schemas.Lineage,
        "/api/v1/evaluations": schemas.Evaluations,
        "/api/v1/evaluations/1": schemas.Evaluation,
    }
    for url, model in answers.items():
        model.model_validate(client.get(url).json())
    spec = client.get("/api/v1/openapi.json").json()
    for path, operations in spec["paths"].items():
        for operation in operations.values():
            answered = operation["responses"]
            content = (answered.get("200") or answered["201"])["content"]  # 201: a submission stored
            if path in ("/api/v1/ledger/checkpoint.txt", "/api/v1/ledger/key.pub"):  # files, as auditors keep
                assert list(content) in (["text/plain"], ["application/x-pem-file"]), path
                continue
            ok = content["application/json"]["schema"]
            assert "$ref" in ok, path
            for status in ("404", "422"):
                if status in operation["responses"]:
                    assert list(operation["responses"][status]["content"]) == ["application/problem+json"]
    assert "lang" in {p["name"] for p in spec["paths"]["/api/v1/programs"]["get"]["parameters"]}
    with pytest.raises(ValueError):  # strict: a boolean is not a number
        schemas.Observation.model_validate(
            {"indicator": "X", "territory": "1", "period": "2024", "value": True, "illustrative": False,
             "source": None}
        )  # fmt: skip


def test_flags_evidence_is_worded_in_the_requested_language(client: TestClient) -> None:
    url = "/api/v1/programs/AI2023/flags?flag=target_tightened"
    russian = client.get(url, headers={"Accept-Language": "ru"}).json()["items"][0]["evidence"]
    english = client.get(f"{url}&lang=en").json()["items"][0]["evidence"]
    assert russian.startswith("целевое значение на 2027 ужесточено: 88")
    assert english.startswith("target made harder for 2027") and "88" in english
