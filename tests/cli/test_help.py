"""``natije --help`` and ``natije <command> --help`` in the interface language, for every command.

Run through the console entry point (``main``), as a person runs it: ``--lang`` before the command or
``NATIJE_LANG`` picks the language. A Kazakh or Russian screen holds no English word (only option names,
command names, codes and the formats' own names), an English one no Cyrillic; no internal type or error
name shows.
"""

from __future__ import annotations

import re
import sys
from typing import Any

import pytest

from natije.cli import app, main
from natije.cli.help_text import commands, help_key, localise
from natije.locale import LANGUAGES, catalog, t

TREE = app
PATHS = [path for path, _ in commands(TREE)]
COMMAND_WORDS = {word for path in PATHS for word in path}
# Latin a kk or ru help screen may hold besides option names: formats, method names, codes shown as values
ALLOWED_LATIN = {
    "natije",
    "sqlite",
    "url",
    "csv",
    "json",
    "table",
    "yaml",
    "zip",
    "xlsx",
    "parquet",
    "did",
    "cs",
    "sc",
    "sdid",
    "its",
    "bootstrap",
    "placebo",
    "jackknife",
    "serial",
    "processes",
    "dask",
    "host",
    "port",
    "yyyy",
    "mm",
    "dd",
    "db",
    "natije_database_url",
    "natije_lang",  # environment variables, named as they are set
    "country",
    "region",
    "district",
    "rural_district",
    "settlement",  # territory levels, typed as codes
}
INTERNAL = re.compile(
    r"<(str|int|float|bool|path)>|\b(TEXT|INTEGER|FLOAT|BOOLEAN|PATH)\b|Error\b|NotFound|Raises"
)


def _help(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], *args: str) -> str:
    monkeypatch.setenv("COLUMNS", "80")
    monkeypatch.setattr(sys, "argv", ["natije", *args])
    with pytest.raises(SystemExit) as info:
        main()
    assert info.value.code == 0
    return capsys.readouterr().out


def _foreign_words(text: str, lang: str) -> set[str]:
    if lang == "en":
        return set(re.findall(r"[А-Яа-яЁёӘәІіҢңҒғҮүҰұҚқӨөҺһ]+", text))
    default = re.escape(
        t("help.ui.default", lang).split("{")[0]
    )  # a default is a value the user types: a code
    plain = re.sub(
        default
        + r"[^\]]*\]|«[^»]*»|--[\w-]+|(?<!\w)-[a-z]\b|\S+://\S+|\S+\.(csv|yaml|zip|db)\b|\.(csv|parquet|xlsx|zip)\b|[A-Z0-9]+\d\S*",
        " ",
        text,
    )
    return {w for w in re.findall(r"[A-Za-z_]+", plain) if w.lower() not in ALLOWED_LATIN | COMMAND_WORDS}


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("path", PATHS, ids=lambda p: " ".join(p) or "natije")
def test_help_is_in_the_language(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], lang: str, path: tuple[str, ...]
) -> None:
    out = _help(monkeypatch, capsys, "--lang", lang, *path, "--help")
    assert not INTERNAL.search(out), INTERNAL.search(out)
    assert not _foreign_words(out, lang), (lang, _foreign_words(out, lang), out)
    assert max(len(line) for line in out.splitlines()) <= 80
    words = set(out.split())
    command = dict(commands(TREE))[path]
    assert set(t(help_key(path), lang).split("\n\n")[0].split()) <= words, out  # the command's own help
    assert t("help.ui.usage", lang).split()[0] in words
    for param in command.params:
        assert param.opts[0] in out or t(f"help.metavar.{param.name}", lang) in out, (param.name, out)
        assert set(t(help_key(path, param.name), lang).split()) <= words, (param.name, out)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_command_option_and_argument_has_help_and_a_placeholder_in_the_catalog(lang: str) -> None:
    texts = catalog(lang)
    wanted: set[str] = set()
    for path, command in commands(TREE):
        wanted.add(help_key(path))
        for param in command.params:
            wanted.add(help_key(path, param.name))
            if not getattr(param, "is_flag", False):
                assert f"help.metavar.{param.name}" in texts, (lang, path, param.name)
    present = {k for k in texts if k.startswith("help.") and not k.startswith(("help.ui.", "help.metavar."))}
    assert wanted - present == set(), "help missing from the catalog"
    assert present - wanted == set(), "help for a command or option that no longer exists"
    assert all(str(texts[k]).strip() for k in wanted)


def test_natije_lang_chooses_the_language_and_lang_overrides_it(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("NATIJE_LANG", "ru")
    assert t("help.import", "ru").split()[0] in _help(monkeypatch, capsys, "import", "--help")
    assert t("help.import", "en").split()[0] in _help(monkeypatch, capsys, "--lang", "en", "import", "--help")
    monkeypatch.delenv("NATIJE_LANG")
    assert t("help.import", "kk").split()[0] in _help(monkeypatch, capsys, "import", "--help")


def test_localise_leaves_every_parameter_with_help_and_no_type_placeholder() -> None:
    tree: Any = localise(app, "kk")
    for path, command in commands(tree):
        assert command.help and command.help != help_key(path)
        for param in command.params:
            assert param.help and param.help != help_key(path, param.name), (path, param.name)
            assert param.metavar is not None and "<" not in param.metavar


USAGE_MISTAKES = [
    (["show"], "usage.missing", {"name": "help.metavar.program"}),
    (["nosuch"], "usage.no_such_command", {"command": "nosuch"}),
    (["results", "DK2018", "--as-of"], "usage.option_needs_value", {"option": "--as-of"}),
    (["results", "DK2018", "--sed", "1"], "usage.no_such_option", {"option": "--sed"}),
    (["evaluation", "rerun", "x"], "usage.bad_value", {"name": "help.metavar.evaluation_id"}),
    (["init", "extra"], "usage.extra_arguments", {"arguments": "extra"}),
    ([], "usage.missing_command", {}),
]


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize(("args", "key", "params"), USAGE_MISTAKES, ids=[m[1] for m in USAGE_MISTAKES])
def test_usage_mistakes_are_told_in_the_language(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    lang: str,
    args: list[str],
    key: str,
    params: dict[str, str],
) -> None:
    monkeypatch.setenv("COLUMNS", "200")
    monkeypatch.setattr(sys, "argv", ["natije", "--lang", lang, *args])
    with pytest.raises(SystemExit) as info:
        main()
    assert info.value.code == 2
    err = " ".join(capsys.readouterr().err.split())
    shown = {k: t(v, lang) if v.startswith("help.") else v for k, v in params.items()}
    assert t(key, lang, **shown) in err, err
    if key != "usage.option_needs_value":  # click's parser raises that one without a context: no usage line
        assert t("help.ui.usage", lang).strip() in err
    if lang != "en":
        assert not _foreign_words(err, lang) - {"nosuch", "extra", "sed"}, err
