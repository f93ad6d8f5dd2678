"""The demo with one stored evaluation, loaded once for the report tests."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from demo_store import demo_with_evaluation

from natije.reports.content import ReportContent
from natije.reports.render import render
from natije.services.reporting import ReportRequest, assemble
from natije.services.stores import Store, open_store

DAY = date(2026, 12, 7)


@pytest.fixture(scope="package")
def report_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return demo_with_evaluation(tmp_path_factory.mktemp("report") / "demo.db")


@pytest.fixture(scope="package")
def report_store(report_db: Path) -> Store:
    return open_store(str(report_db))


Render = Callable[..., str | bytes]


@pytest.fixture(scope="package")
def rendered(report_store: Store) -> Render:
    """``rendered(program, lang, fmt, day=…, basis=…)``: the report, assembled once per program, language, day
    and basis and written in each format from that one content (Markdown and HTML as text, PDF as bytes)."""
    contents: dict[tuple[str, str, date | None, str], ReportContent] = {}
    documents: dict[tuple[Any, ...], str | bytes] = {}

    def render_one(
        program: str, lang: str, fmt: str, day: date | None = DAY, basis: str = "current"
    ) -> str | bytes:
        key = (program, lang, day, basis)
        if key not in contents:
            contents[key] = assemble(report_store, ReportRequest(program, lang, "html", day, basis))
        if (*key, fmt) not in documents:
            content = contents[key]
            document = render(replace(content, request=replace(content.request, format=fmt)))
            documents[(*key, fmt)] = document if fmt == "pdf" else document.decode()
        return documents[(*key, fmt)]

    return render_one
