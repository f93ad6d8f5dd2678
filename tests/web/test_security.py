"""Security headers on every kind of response, and request bodies refused early when too large."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from auth_app import add_users, auth_app
from fastapi.testclient import TestClient

from natije.web.security import POLICY

PATHS = ["/en/", "/ru/search?q=a", "/api/v1/programs", "/static/style.css", "/en/login", "/en/no/such/page"]


@pytest.mark.parametrize("path", PATHS)
def test_every_response_has_the_security_headers(client: TestClient, path: str) -> None:
    headers = client.get(path).headers
    assert headers["content-security-policy"] == POLICY
    for part in ("default-src 'self'", "script-src 'self'", "frame-ancestors 'none'", "base-uri 'self'"):
        assert part in POLICY
    assert "unsafe-inline" not in POLICY and "unsafe-eval" not in POLICY
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["x-frame-options"] == "DENY"
    assert headers["referrer-policy"] == "strict-origin-when-cross-origin"
    assert "camera=()" in headers["permissions-policy"]
    assert "strict-transport-security" not in headers  # plain http


def test_hsts_only_over_https(demo_db: Path) -> None:
    from natije.web import Settings, create_app

    with TestClient(create_app(Settings(database_url=str(demo_db))), base_url="https://testserver") as tls:
        assert tls.get("/api/v1/programs").headers["strict-transport-security"].startswith("max-age=")


def test_pages_have_no_inline_script_or_style(client: TestClient) -> None:
    for path in ("/en/", "/ru/", "/en/login"):
        text = client.get(path).text
        assert "<script>" not in text and "style=" not in text and "<style" not in text
        assert "includeIndicatorStyles&#34;: false" in text or '"includeIndicatorStyles": false' in text


def test_the_api_docs_run_their_initialiser_from_a_file(client: TestClient) -> None:
    answer = client.get("/api/v1/docs")
    assert answer.status_code == 200
    assert '<script src="/static/swagger-init.js"></script>' in answer.text
    assert "<script>" not in answer.text
    assert answer.headers["content-security-policy"] == POLICY
    assert client.get("/static/swagger-init.js").status_code == 200


@pytest.fixture
def small(tmp_path: Path) -> Iterator[TestClient]:
    url = str(tmp_path / "small.db")
    add_users(url)
    with TestClient(auth_app(url, max_body=1000, max_upload=10_000)) as test_client:
        yield test_client


def test_a_declared_oversize_body_is_refused_with_413(small: TestClient) -> None:
    answer = small.post(
        "/api/v1/test/echo?lang=ru",
        content=b"{" + b" " * 2000 + b"}",
        headers={"Content-Type": "application/json"},
    )
    assert answer.status_code == 413
    assert answer.headers["content-type"] == "application/problem+json"
    assert answer.json()["status"] == 413 and "1000" in answer.json()["detail"]
    assert answer.headers["content-security-policy"] == POLICY
    assert small.post("/api/v1/test/echo", json={"a": 1}).status_code == 200


def test_a_streamed_oversize_body_is_counted_and_refused(small: TestClient) -> None:
    def chunks() -> Iterator[bytes]:
        for _ in range(50):
            yield b"login=" + b"x" * 100 + b"&"

    answer = small.post(
        "/en/login", content=chunks(), headers={"Content-Type": "application/x-www-form-urlencoded"}
    )
    assert answer.status_code == 413


def test_an_upload_has_its_own_larger_limit(small: TestClient) -> None:
    within = small.post("/api/v1/test/echo", files={"file": ("a.xlsx", b"x" * 5000)})
    assert within.status_code == 200
    beyond = small.post("/api/v1/test/echo", files={"file": ("a.xlsx", b"x" * 20_000)})
    assert beyond.status_code == 413
