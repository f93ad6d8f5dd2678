"""The XLSX reporting template as the edges ask for it: the workbook to download, the rows of a filled one.

The edges import no ingest module, so the spec's types come through here. Building the spec of an agency
(which indicators, territories and periods are due) is the submissions service's work; this module only writes
and reads the workbook (:mod:`natije.ingest.xlsx_template`).

Examples
--------
>>> spec = TemplateSpec("MZ/1", "kk", indicators=(), territories=(), due=())
>>> template_filename(spec), uploaded_rows(template_workbook(spec), template_filename(spec)).height
('natije-template-MZ_1-kk.xlsx', 0)
"""

from __future__ import annotations

import re

import polars as pl

from natije.ingest.xlsx_template import (
    TemplateIndicator,
    TemplateSpec,
    TemplateTerritory,
    read_upload,
    write_template,
)

__all__ = [
    "MEDIA_TYPE",
    "TemplateIndicator",
    "TemplateSpec",
    "TemplateTerritory",
    "template_filename",
    "template_workbook",
    "uploaded_rows",
]

MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def template_workbook(spec: TemplateSpec) -> bytes:
    """The template of ``spec`` as .xlsx bytes (the same spec gives the same bytes)."""
    return write_template(spec)


def template_filename(spec: TemplateSpec) -> str:
    """The name to offer the template's download under: ``natije-template-<agency>-<lang>.xlsx``."""
    agency = re.sub(r"[^A-Za-z0-9_-]+", "_", spec.agency) or "agency"
    return f"natije-template-{agency}-{spec.lang}.xlsx"


def uploaded_rows(data: bytes, filename: str) -> pl.DataFrame:
    """The rows of an uploaded template, in the observations.csv columns plus ``row``, for the import checks.

    Raises ``ValidationError`` with every problem (file, row, column or cell) when the file is refused: too
    large, a zip bomb, not an .xlsx, macros, formulas, too many rows.
    """
    return read_upload(data, filename)
