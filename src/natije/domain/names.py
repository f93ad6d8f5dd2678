"""Names in the three languages every user-facing object carries."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

LANGUAGES = ("kk", "ru", "en")


@dataclass(frozen=True, slots=True)
class Names:
    """A name in Kazakh, Russian and English.

    >>> Names("Цифрлық Қазақстан", "Цифровой Казахстан", "Digital Kazakhstan").get("en")
    'Digital Kazakhstan'
    """

    kk: str
    ru: str
    en: str

    def get(self, lang: str) -> str:
        """The name in ``lang``; falls back to Russian, then English, when a language is empty."""
        value = getattr(self, lang, "") if lang in LANGUAGES else ""
        return value or self.ru or self.en or self.kk

    def to_dict(self) -> dict[str, str]:
        return {"kk": self.kk, "ru": self.ru, "en": self.en}

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any] | str) -> Names:
        """Build from ``{"kk":…, "ru":…, "en":…}``; a bare string is used for all three."""
        if isinstance(data, str):
            return cls(data, data, data)
        return cls(
            str(data.get("kk", "") or ""), str(data.get("ru", "") or ""), str(data.get("en", "") or "")
        )
