"""The web application's settings: one frozen value handed to :func:`natije.web.create_app`."""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from natije.locale import DEFAULT_LANGUAGE, LANGUAGES


@dataclass(frozen=True)
class Settings:
    """What the app serves and how.

    Attributes
    ----------
    database_url : str | None
        SQLite path or database URL of the store (``None``: ``NATIJE_DATABASE_URL``, else ``./natije.db``).
    default_language : str
        Language of ``/`` and of error pages when the URL names none (``kk``).
    cache_dir : Path | None
        Where rendered charts are kept between runs (``None``: in memory only).
    cache_size : int
        How many computed views (a program's results on one day and basis…) each worker keeps. The start-up
        warm-up alone keeps about four per indicator (its series, its chart in each language) and a dozen per
        program; with 256, a store of 60 indicators evicted the warmed views before anyone asked for them.
    warm : bool
        Compute the present view of every program when the app starts (in a background thread).
    version_interval : float
        Seconds a worker goes on answering from the store version it last read before reading it again (an
        import is seen within that time; ``0``: read on every request).
    secure_cookies : bool | None
        Mark the session cookie ``Secure`` (and name it ``__Host-natije``) always (``True``), never
        (``False``, for plain-HTTP development only) or when the request came over https (``None``).
    session_idle, session_absolute : timedelta
        A session ends after this long without a request, and this long after its login at the latest.
    max_body : int
        Bytes a request body may have (JSON, forms); a larger one is refused with 413 before it is read.
    max_upload : int
        Bytes a ``multipart/form-data`` body (a file upload) may have.
    max_rows : int
        Rows one ``POST /api/v1/submissions`` may carry (and value ids one decision); more are refused with
        413 before any row is checked.
    """

    database_url: str | None = None
    default_language: str = DEFAULT_LANGUAGE
    cache_dir: Path | None = None
    cache_size: int = 4096
    warm: bool = False
    version_interval: float = 1.0
    secure_cookies: bool | None = None
    session_idle: timedelta = timedelta(hours=2)
    session_absolute: timedelta = timedelta(hours=12)
    max_body: int = 1 << 20
    max_upload: int = 20 << 20
    max_rows: int = 5000

    def __post_init__(self) -> None:
        if self.default_language not in LANGUAGES:
            raise ValueError(f"default_language must be one of {', '.join(LANGUAGES)}")

    @classmethod
    def from_env(cls) -> Settings:
        """Settings from ``NATIJE_DATABASE_URL``, ``NATIJE_LANG``, ``NATIJE_CACHE_DIR`` and
        ``NATIJE_SECURE_COOKIES`` (``1``/``0``; unset: by the request's scheme), what workers read; a worker
        warms its views at start."""
        cache = os.environ.get("NATIJE_CACHE_DIR")
        return cls(
            database_url=os.environ.get("NATIJE_DATABASE_URL"),
            default_language=os.environ.get("NATIJE_LANG") or DEFAULT_LANGUAGE,
            cache_dir=Path(cache) if cache else None,
            warm=True,
            secure_cookies=secure_cookies_from_env(),
        )


def secure_cookies_from_env() -> bool | None:
    """``NATIJE_SECURE_COOKIES``: ``1``/``true``/``yes`` → ``True``, another value → ``False``, unset →
    ``None`` (by the request's scheme)."""
    value = os.environ.get("NATIJE_SECURE_COOKIES")
    return None if not value else value.strip().lower() in ("1", "true", "yes")
