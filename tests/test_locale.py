"""Every interface string exists in Kazakh, Russian and English."""

from __future__ import annotations

import pytest

from natije.locale import LANGUAGES, catalog, t


def test_catalogs_have_identical_keys() -> None:
    keys = {lang: set(catalog(lang)) for lang in LANGUAGES}
    for lang in LANGUAGES:
        missing = keys["en"] - keys[lang]
        extra = keys[lang] - keys["en"]
        assert not missing and not extra, f"{lang}: missing {sorted(missing)}, extra {sorted(extra)}"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_no_empty_strings(lang: str) -> None:
    empty = [k for k, v in catalog(lang).items() for text in _texts(v) if not text.strip()]
    assert not empty


def test_placeholders_match_across_languages() -> None:
    import string

    def fields(text: str) -> set[str]:
        return {f for _, f, _, _ in string.Formatter().parse(text) if f}

    for key, en in catalog("en").items():
        expected = set().union(*(fields(text) for text in _texts(en)))
        for lang in ("kk", "ru"):
            for text in _texts(catalog(lang)[key]):
                assert fields(text) == expected, f"{lang}:{key}"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_plural_entries_have_the_language_forms(lang: str) -> None:
    needed = {"ru": {"one", "few", "many", "other"}}.get(lang, {"one", "other"})
    for key, entry in catalog(lang).items():
        if isinstance(entry, dict):
            assert set(entry) == needed, f"{lang}:{key} has forms {sorted(entry)}"


@pytest.mark.parametrize(
    ("count", "expected"),
    [
        (1, "1 территория"),
        (3, "3 территории"),
        (5, "5 территорий"),
        (11, "11 территорий"),
        (21, "21 территория"),
    ],
)
def test_russian_plural_forms(count: int, expected: str) -> None:
    assert t("plural.territories", "ru", count=count) == expected


def _texts(entry: str | dict[str, str]) -> list[str]:
    return list(entry.values()) if isinstance(entry, dict) else [entry]


def test_formatting_and_fallback() -> None:
    assert t("msg.imported", "en", what="x") == "Imported: x"
    assert t("no.such.key", "ru") == "no.such.key"
