"""The message of every natije error exists in Kazakh, Russian and English,
on the Python API and in the CLI."""

from __future__ import annotations

import ast
import pickle
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from natije.errors import (
    ConfigurationError,
    EstimationError,
    Expected,
    NotFound,
    Problem,
    Text,
    ValidationError,
)
from natije.locale import LANGUAGES, catalog

SRC = Path(__file__).resolve().parents[1] / "src" / "natije"
SCRIPT = [sys.executable, "-c", "from natije.cli import main; main()"]
ERRORS = {
    "NatijeError",
    "NotFound",
    "PermissionDenied",
    "ConfigurationError",
    "EstimationError",
    "InsufficientData",
}
PLACEHOLDER = re.compile(r"\{\w*\}")


def _trees() -> Iterator[tuple[Path, ast.Module]]:
    for path in sorted(SRC.rglob("*.py")):
        yield path, ast.parse(path.read_text(encoding="utf-8"), str(path))


def _called(node: ast.AST, names: set[str]) -> bool:
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in names


def _keys(arg: ast.expr) -> list[str]:
    """The message keys a ``Text`` call's first argument can take
    (a literal, or either side of ``a if c else b``)."""
    if isinstance(arg, ast.IfExp):
        return _keys(arg.body) + _keys(arg.orelse)
    assert isinstance(arg, ast.Constant) and isinstance(arg.value, str), ast.unparse(arg)
    return [arg.value]


def _text_calls() -> list[tuple[str, tuple[str, ...]]]:
    """Every ``Text(key, **params)`` in the source: its key and the names of its parameters."""
    calls = set()
    for _, tree in _trees():
        for node in ast.walk(tree):
            if _called(node, {"Text"}):
                assert isinstance(node, ast.Call)
                params = tuple(sorted(str(k.arg) for k in node.keywords))
                calls.update((key, params) for key in _keys(node.args[0]))
    return sorted(calls)


def test_error_keys_in_the_code_and_in_the_catalogs_are_the_same() -> None:
    used = {key for key, _ in _text_calls()}
    assert len(used) >= 50  # the scan found the raise sites
    assert used == {k for k in catalog("en") if k.startswith("error.")}


@pytest.mark.parametrize(("key", "params"), _text_calls())
def test_every_error_message_renders_in_each_language(key: str, params: tuple[str, ...]) -> None:
    text = Text(key, **{name: f"X{i}" for i, name in enumerate(params)})
    rendered = {lang: NotFound(text).message_in(lang) for lang in LANGUAGES}
    assert rendered["en"] == str(text)
    assert len(set(rendered.values())) == len(LANGUAGES), rendered
    for lang, message in rendered.items():
        assert not PLACEHOLDER.search(message), f"{lang}: {message}"
        assert sorted(re.findall(r"X\d", message)) == sorted(re.findall(r"X\d", rendered["en"])), (
            f"{lang}: {message}"
        )


def test_message_in_and_to_dict_keep_the_key_and_parameters() -> None:
    err = NotFound(Text("error.program_not_found", code="DK"), program="DK")
    assert err.message == "program 'DK' not found" and str(err) == err.message
    assert err.message_in("ru") == "программа «DK» не найдена"
    assert err.message_in("kk") == "«DK» бағдарламасы табылмады"
    assert err.to_dict() == {
        "error": "NotFound",
        "message": "program 'DK' not found",
        "key": "error.program_not_found",
        "params": {"code": "DK"},
        "program": "DK",
    }
    copy = pickle.loads(pickle.dumps(err))
    assert copy.message_in("ru") == err.message_in("ru") and copy.to_dict() == err.to_dict()
    plain = EstimationError("plain English", method="x")
    assert plain.message_in("kk") == "plain English"
    assert plain.to_dict() == {"error": "EstimationError", "message": "plain English", "method": "x"}


def test_expected_is_a_text_and_validation_errors_are_unchanged() -> None:
    e = Expected("expected.utf8")
    assert isinstance(e, Text) and e.in_lang("en") == str(e) == "UTF-8 text"
    err = ValidationError(Problem("a.csv", 2, "value", "x", e))
    assert err.message_in("ru") == err.message and "key" not in err.to_dict()


def _natije(*args: str) -> subprocess.CompletedProcess[str]:
    """Run the console script as a user would, on a terminal wide enough not to wrap the message."""
    return subprocess.run(
        [*SCRIPT, *args], check=False, capture_output=True, text=True, env={"COLUMNS": "500", "PATH": ""}
    )


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A SQLite store holding one small program, shared by the CLI tests of this module (they only read)."""
    from cli.cli_packages import write_program

    folder = tmp_path_factory.mktemp("cli")
    path = str(folder / "natije.db")
    assert _natije("--db", path, "import", str(write_program(folder / "P1", "P1"))).returncode == 0
    return path


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("ru", "Ошибка: программа «NOPE» не найдена"),
        ("kk", "Қате: «NOPE» бағдарламасы табылмады"),
        ("en", "Error: program 'NOPE' not found"),
    ],
)
def test_cli_prints_the_message_in_the_interface_language(db: str, lang: str, text: str) -> None:
    done = _natije("--db", db, "--lang", lang, "show", "NOPE")
    assert done.returncode == NotFound.exit_code == 3, done.stderr
    assert text in done.stderr


def test_cli_prints_values_in_the_message_literally(tmp_path: Path) -> None:
    path = tmp_path / "[bold]" / "natije.db"
    done = _natije("--db", str(path), "--lang", "ru", "programs")
    assert done.returncode == ConfigurationError.exit_code, done.stderr
    assert f"папка файла базы данных «{path}» не существует" in done.stderr


def _is_text(arg: ast.expr | None, texts: set[str]) -> bool:
    """Whether ``arg`` is a ``Text(...)`` call or a variable assigned one in the same module."""
    return arg is not None and (_called(arg, {"Text"}) or isinstance(arg, ast.Name) and arg.id in texts)


def _offenders(tree: ast.Module) -> list[int]:
    """Lines of ``tree`` that build a natije error whose message is not a ``Text``."""
    texts = {
        t.id
        for node in ast.walk(tree)
        if isinstance(node, ast.Assign) and _called(node.value, {"Text"})
        for t in node.targets
        if isinstance(t, ast.Name)
    }
    lines = []
    for node in ast.walk(tree):
        if _called(node, ERRORS):
            assert isinstance(node, ast.Call)
            message = (
                node.args[0]
                if node.args
                else next((k.value for k in node.keywords if k.arg == "message"), None)
            )
            if not _is_text(message, texts):
                lines.append(node.lineno)
    return lines


def test_the_english_only_check_tells_text_from_plain_strings() -> None:
    source = """
m = Text("error.a")
raise NotFound(f"program {code!r} not found")
raise EstimationError("no treated unit")
raise EstimationError(message="no treated unit")
raise NotFound(Text("error.program_not_found", code=code))
raise InsufficientData(m, n=1)
raise ConfigurationError(other)
"""
    assert _offenders(ast.parse(source)) == [3, 4, 5, 8]


def test_no_error_is_raised_with_an_english_only_message() -> None:
    offenders = [f"{path.relative_to(SRC)}:{line}" for path, tree in _trees() for line in _offenders(tree)]
    assert not offenders, "pass the message as Text('error.<name>', ...): " + ", ".join(offenders)
