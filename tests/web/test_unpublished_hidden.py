"""Unpublished values never reach the public: a pending value and a returned one, with distinctive numbers and
notes, appear in no page, API answer, download (CSV, XLSX, JSON), search or report (HTML, Markdown, PDF), and
change no answer or ETag, for the public or an analyst; once approved, the pending value is published and the
returned one still appears nowhere. On SQLite and PostgreSQL.

The URLs read are every published read of the permission matrix (so a new public route is read here too),
every table of every page in every format, and the pages of the program, indicator and territory the values
belong to.
"""

from __future__ import annotations

import io
import re
import subprocess
import zipfile
from collections.abc import Iterator
from typing import Any

import pytest
from postgres_db import POSTGRES
from test_permission_matrix import RULES
from workflow_world import OTHER, OWN, World, approve, demo_world, submit_value

from natije.domain.access import Principal
from natije.services.submissions import decide
from natije.web import tables
from natije.web.downloads import WRITERS

PENDING, PENDING_NOTE = 987654.321, "zqxpendingnote"
RETURNED, RETURNED_NOTE, RETURN_REASON = 876543.219, "zqxreturnednote", "zqxreturnreason"
INDICATOR = "IK2020.RURAL_FIBRE"
KEYS = {"page": "", "program": "IK2020", "indicator": INDICATOR, "territory": "000000000", "evaluation": "1"}
PAGE_PATHS = {
    "overview": "/{lang}/{table}.{fmt}",
    "program": "/{lang}/programs/{key}/{table}.{fmt}",
    "indicator": "/{lang}/indicators/{key}/{table}.{fmt}",
    "territory": "/{lang}/territories/{key}/{table}.{fmt}",
    "evaluation": "/{lang}/evaluations/{key}/{table}.{fmt}",
}
SCORECARDS = ("/api/v1/supply", "/kk/agencies", "/ru/agencies", "/en/agencies")
"""The agencies' data-supply scorecards count values submitted and pending (public by design: figures, no
value): their answers change with a submission, the values and notes never show."""
SEARCHES = ["987654", "987654.321", PENDING_NOTE, RETURNED_NOTE, "fibre"]


def downloads() -> list[str]:
    """Every table of every page in every format (the values' program, indicator and territory)."""
    found = []
    for page, path in PAGE_PATHS.items():
        key = KEYS.get(page, "")
        for name in tables.names_of(page):
            for fmt in WRITERS:
                found.append(path.format(lang="en", key=key, table=name, fmt=fmt))
    return found


def public_urls() -> list[str]:
    """What the public can read: the matrix's published reads, the downloads, the values' own pages, the API
    lists of the values' indicator, the searches and the program's reports."""
    urls = [r.url for r in RULES.values() if r.action == "read_published" and r.url]
    urls += downloads()
    for lang in ("kk", "ru", "en"):
        urls += [
            f"/{lang}/programs/IK2020",
            f"/{lang}/indicators/{INDICATOR}",
            f"/{lang}/territories/000000000",
        ]
    urls += [
        f"/api/v1/observations?indicator={INDICATOR}",
        "/api/v1/observations?program=IK2020&limit=1000",
        "/api/v1/programs/IK2020/results?limit=1000",
        f"/api/v1/indicators/{INDICATOR}",
        f"/api/v1/proofs/{INDICATOR}%2F000000000%2F2023",
        f"/en/proofs/{INDICATOR}%2F000000000%2F2023",
        "/en/programs/IK2020/report.html",
        "/ru/programs/IK2020/report.md",
        "/en/programs/IK2020/report.pdf",
    ]
    urls += [f"/en/search?q={q}" for q in SEARCHES]
    urls += [
        f"/{lang}/values/{INDICATOR}/000000000/{period}/history"
        for lang in ("en", "ru")
        for period in ("2022", "2023")
    ]
    urls += [
        f"/api/v1/values/history?indicator={INDICATOR}&territory=000000000&period={p}"
        for p in ("2022", "2023")
    ]
    urls += ["/kk/agencies", "/ru/agencies"]
    urls += ["/api/v1/supply/MTC", "/api/v1/supply/MDDIAI"]
    return list(dict.fromkeys(urls))


def text_of(url: str, answer: Any) -> str:
    """What an answer shows, as text: an XLSX's sheets and shared strings, a PDF's text, else the body; a
    search's own query taken out (the page says what was asked)."""
    body = answer.content
    if body.startswith(b"PK"):
        with zipfile.ZipFile(io.BytesIO(body)) as book:
            return " ".join(
                book.read(n).decode("utf-8", "replace") for n in book.namelist() if n.endswith(".xml")
            )
    if body.startswith(b"%PDF"):
        done = subprocess.run(["pdftotext", "-", "-"], input=body, capture_output=True, check=True)
        return done.stdout.decode("utf-8", "replace")
    text = answer.text
    if "/search?q=" in url:
        text = text.replace(url.split("q=", 1)[1], "")
    return text


def shows(text: str, value: float, note: str | None = None) -> bool:
    """Whether ``text`` shows ``value`` (its first six digits, however grouped) or ``note``."""
    digits = f"{value:.0f}"
    grouped = re.compile(rf"{digits[:3]}\D{{0,8}}{digits[3:6]}")
    return bool(grouped.search(text)) or (note is not None and note in text)


def read_all(world: World, role: str, urls: list[str]) -> dict[str, tuple[int, str | None, bytes, str]]:
    caller = world.caller(role, "session" if role != "public" else "public")
    found = {}
    for url in urls:
        answer = caller.get(url)
        found[url] = (answer.status_code, answer.headers.get("etag"), answer.content, text_of(url, answer))
    return found


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgresql", marks=POSTGRES)])
def world(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    with demo_world(request.param, tmp_path_factory.mktemp("hidden")) as made:
        yield made


def test_unpublished_values_reach_no_public_answer_until_approved(world: World) -> None:
    urls = public_urls()
    before = {role: read_all(world, role, urls) for role in ("public", "analyst")}
    unknown = {
        url for url in urls if "/proofs/" in url and INDICATOR in url
    }  # the value is not published yet
    statuses = {url: found[0] for url, found in before["public"].items()}
    assert {url for url, status in statuses.items() if status != 200} == unknown, statuses
    for role, seen in before.items():
        for url, (_, _, _, text) in seen.items():
            assert not shows(text, PENDING, PENDING_NOTE), (role, url)

    pending = submit_value(world.store, OWN, PENDING, PENDING_NOTE)
    returned = submit_value(world.store, OWN, RETURNED, RETURNED_NOTE, period="2022")
    boss = Principal("approver", agency=OWN, name="boss")
    decide(world.store, boss, [returned], approve=False, reason=RETURN_REASON)
    submit_value(world.store, OTHER, PENDING, PENDING_NOTE)  # another agency's pending value too

    for role in ("public", "analyst"):
        after = read_all(world, role, urls)
        for url in urls:
            status, tag, body, text = after[url]
            if not url.startswith(SCORECARDS):
                assert (status, tag) == before[role][url][:2], (role, url)
                assert body == before[role][url][2], (role, url)
            assert not shows(text, PENDING, PENDING_NOTE), (role, url)
            assert not shows(text, RETURNED, RETURNED_NOTE) and RETURN_REASON not in text, (role, url)

    approve(world.store, OWN, pending)
    published = read_all(world, "public", urls)
    observations = published[f"/api/v1/observations?indicator={INDICATOR}"]
    assert observations[1] != before["public"][f"/api/v1/observations?indicator={INDICATOR}"][1]  # a new ETag
    assert "987654.321" in observations[3]
    assert shows(published[f"/en/indicators/{INDICATOR}/series.csv"][3], PENDING)
    assert shows(published[f"/ru/indicators/{INDICATOR}"][3], PENDING)
    for url, (_, _, _, text) in published.items():
        assert not shows(text, RETURNED, RETURNED_NOTE) and RETURN_REASON not in text, url
