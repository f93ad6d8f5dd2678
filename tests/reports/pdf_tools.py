"""A PDF read back the way a reader sees it: text per page (pdftotext), words with their boxes, fonts
(pdffonts) and pages as pictures (pdftoppm), all from poppler-utils (`make poppler`). Coordinates are PDF
points from the top left of the page; pictures are RGB rasters parsed from pdftoppm's PPM output (no imaging
library needed).
"""

from __future__ import annotations

import html
import re
import subprocess
from dataclasses import dataclass

_WORD = re.compile(
    r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>', re.DOTALL
)
_PPM_HEAD = re.compile(rb"P6\s+(\d+)\s+(\d+)\s+(\d+)\s")


def _poppler(tool: str, pdf: bytes, *args: str) -> bytes:
    done = subprocess.run([tool, *args], input=pdf, capture_output=True, check=True)
    return done.stdout


def _pages(page: int | None) -> list[str]:
    return [] if page is None else ["-f", str(page), "-l", str(page)]


def pdf_text(pdf: bytes, page: int | None = None) -> str:
    """One page's text (1-based) or the whole document's, laid out as on paper (``pdftotext -layout``)."""
    return _poppler("pdftotext", pdf, "-layout", "-enc", "UTF-8", *_pages(page), "-", "-").decode("utf-8")


def pdf_pages(pdf: bytes) -> list[str]:
    """The laid-out text of every page, in order (pdftotext ends each page with a form feed)."""
    return pdf_text(pdf).split("\f")[:-1]


@dataclass(frozen=True)
class Word:
    """A word as pdftotext finds it, with its box in points from the page's top left."""

    text: str
    x0: float
    y0: float
    x1: float
    y1: float


def pdf_words(pdf: bytes, page: int) -> list[Word]:
    """The words of one page (1-based) with their boxes (``pdftotext -bbox``)."""
    out = _poppler("pdftotext", pdf, "-bbox", "-enc", "UTF-8", *_pages(page), "-", "-").decode("utf-8")
    return [
        Word(html.unescape(text), float(x0), float(y0), float(x1), float(y1))
        for x0, y0, x1, y1, text in _WORD.findall(out)
    ]


def pdf_fonts(pdf: bytes) -> list[str]:
    """The names of the fonts the document embeds or uses (``pdffonts``), subset prefixes removed."""
    lines = _poppler("pdffonts", pdf, "-").decode("utf-8").splitlines()[2:]
    return [line.split()[0].split("+")[-1] for line in lines if line.strip()]


@dataclass(frozen=True)
class Raster:
    """One page as RGB pixels, ``dpi`` pixels to the inch."""

    width: int
    height: int
    dpi: float
    pixels: bytes

    def ink_share(self, box: tuple[float, float, float, float], *, coloured: bool = False) -> float:
        """Share of the pixels in ``box`` (x0, y0, x1, y1 in points) that are not paper white.

        With ``coloured``, only pixels whose channels differ by more than 48 count: chart marks, not text.
        """
        scale = self.dpi / 72
        x0, x1 = max(0, int(box[0] * scale)), min(self.width, int(box[2] * scale))
        y0, y1 = max(0, int(box[1] * scale)), min(self.height, int(box[3] * scale))
        inked = total = 0
        for y in range(y0, y1):
            row = self.pixels[(y * self.width + x0) * 3 : (y * self.width + x1) * 3]
            for r, g, b in zip(row[0::3], row[1::3], row[2::3], strict=True):
                total += 1
                if coloured:
                    inked += max(r, g, b) - min(r, g, b) > 48
                else:
                    inked += min(r, g, b) < 200
        return inked / total if total else 0.0


def pdf_rasters(pdf: bytes, dpi: float, page: int | None = None) -> list[Raster]:
    """Every page (or one, 1-based) drawn by ``pdftoppm`` at ``dpi``; its PPM stream parsed image by image."""
    stream = _poppler("pdftoppm", pdf, "-r", str(dpi), *_pages(page), "-")
    rasters, at = [], 0
    while at < len(stream):
        head = _PPM_HEAD.match(stream, at)
        assert head is not None and head.group(3) == b"255", stream[at : at + 20]
        width, height = int(head.group(1)), int(head.group(2))
        start = head.end()
        rasters.append(Raster(width, height, dpi, stream[start : start + width * height * 3]))
        at = start + width * height * 3
    return rasters
