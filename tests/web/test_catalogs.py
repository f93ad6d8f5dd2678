"""Every interface string of the web app is in all three catalogs; every key the templates use exists."""

from __future__ import annotations

import re
from importlib import resources

from natije.locale import LANGUAGES, catalog

TEMPLATES = resources.files("natije.web") / "templates"


def test_every_web_key_is_in_all_three_catalogs() -> None:
    keys = {lang: {k for k in catalog(lang) if k.startswith("web.")} for lang in LANGUAGES}
    assert keys["kk"] and keys["kk"] == keys["ru"] == keys["en"]
    for lang in LANGUAGES:
        for key in keys[lang]:
            entry = catalog(lang)[key]
            assert entry, f"{lang}: {key} is empty"
            if isinstance(entry, dict):
                assert "other" in entry and (lang != "ru" or {"one", "few", "many"} <= set(entry)), key


def test_every_literal_key_in_the_templates_exists() -> None:
    used = set()
    for template in TEMPLATES.iterdir():
        used |= set(
            re.findall(r"""_\(\s*["']([a-z_]+\.[a-z_.]*[a-z_])["']""", template.read_text(encoding="utf-8"))
        )
    assert used
    for lang in LANGUAGES:
        missing = sorted(k for k in used if k not in catalog(lang))
        assert not missing, f"{lang}: {missing}"


def test_kazakh_and_russian_web_strings_are_not_english() -> None:
    for lang in ("kk", "ru"):
        for key, entry in catalog(lang).items():
            if key.startswith("web."):
                texts = entry.values() if isinstance(entry, dict) else [entry]
                for text in texts:
                    words = re.sub(r"\{[a-z_]+\}|`[^`]*`|natije|API|CSV|kk|ru|en|Ctrl-C", "", text)
                    assert not re.search(r"[A-Za-z]{3,}", words), f"{lang}: {key}: {text}"
