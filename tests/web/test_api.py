"""The JSON API: shapes, as_of, the OpenAPI document and problem-details errors in the requested language."""

from __future__ import annotations

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
