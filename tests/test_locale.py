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
    empty = [k for k, v in catalog(lang).items() if not v.strip()]
    assert not empty


def test_placeholders_match_across_languages() -> None:
    import string

    def fields(text: str) -> set[str]:
        return {f for _, f, _, _ in string.Formatter().parse(text) if f}

    for key, en in catalog("en").items():
        for lang in ("kk", "ru"):
            assert fields(catalog(lang)[key]) == fields(en), f"{lang}:{key}"


def test_formatting_and_fallback() -> None:
    assert t("msg.imported", "en", what="x") == "Imported: x"
    assert t("no.such.key", "ru") == "no.such.key"
