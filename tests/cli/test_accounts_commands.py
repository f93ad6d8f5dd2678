"""``natije users …`` and ``natije tokens …`` on SQLite and PostgreSQL: passwords never on the command line,
the token printed once on standard output alone, every mistake a message in the interface language."""

from __future__ import annotations

import io
import json
import sys
from collections.abc import Callable

import pytest
from accounts_store import add_agencies
from click.testing import CliRunner

from natije.cli import app, main
from natije.locale import t
from natije.services.logins import login
from natije.services.stores import open_store
from natije.services.tokens import authenticate_token

PASSWORD = "correct horse battery"
Run = Callable[..., tuple[int, str, str]]


@pytest.fixture
def run(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], db_url: str) -> Run:
    """``run(*args, stdin="")``: ``natije --db DB ARGS`` by the entry point → (exit code, stdout, stderr)."""
    add_agencies(open_store(db_url), "MDAI", "MF")

    def natije(*args: str, stdin: str = "") -> tuple[int, str, str]:
        monkeypatch.setattr(sys, "argv", ["natije", "--db", db_url, *args])
        monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
        monkeypatch.setenv("COLUMNS", "300")
        with pytest.raises(SystemExit) as info:
            main()
        out = capsys.readouterr()
        return int(info.value.code or 0), out.out, out.err

    return natije


def test_users_are_added_listed_granted_and_disabled(run: Run, db_url: str) -> None:
    add = ("users", "add", "Root", "--name", "Root User", "--role", "admin", "--password-stdin")
    code, out, err = run("--lang", "en", *add, stdin=PASSWORD + "\n")
    assert code == 0 and out.strip() == "User added: root (administrator, agency —)", (out, err)
    reporter = ("--name", "Айгерим", "--role", "reporter", "--agency", "MDAI", "--password-stdin")
    code, out, _ = run("--lang", "ru", "users", "add", "aigerim", *reporter, stdin=PASSWORD + "\r\n")
    assert code == 0 and "составитель отчётов, ведомство MDAI" in out
    assert login(open_store(db_url), "aigerim", PASSWORD).agency == "MDAI"
    code, out, _ = run("users", "grant", "aigerim", "--role", "approver", "--agency", "MF")
    assert code == 0 and t("role.approver", "kk") in out and "MF" in out
    code, out, _ = run("users", "disable", "aigerim")
    assert code == 0 and "aigerim" in out
    code, out, _ = run("users", "list", "--format", "json")
    users = {u["login"]: u for u in json.loads(out)}
    assert users["aigerim"]["role"] == "approver" and users["aigerim"]["active"] is False
    assert "password_hash" not in out and "$argon2" not in out
    code, out, _ = run("--lang", "en", "users", "list")
    assert code == 0 and "disabled" in out and "Айгерим" in out
    code, out, _ = run("users", "events", "--login", "aigerim", "--format", "csv")
    lines = out.strip().splitlines()
    rows = [line.split(",")[1:3] for line in lines[1:]]
    operator = rows[0][1]
    assert lines[0].startswith("at,kind,actor") and operator.startswith("cli:")
    assert rows == [
        ["user_disabled", operator],
        ["user_granted", operator],
        ["login", "aigerim"],
        ["user_added", operator],
    ]


def test_a_password_is_typed_twice_at_a_hidden_prompt(db_url: str) -> None:
    add_agencies(open_store(db_url), "MDAI")
    runner = CliRunner()
    args = ["--db", db_url, "--lang", "en", "users", "add", "dana", "--name", "Dana", "--role", "analyst"]
    result = runner.invoke(app, args, input=f"{PASSWORD}\n{PASSWORD}\n")
    assert result.exit_code == 0, result.output
    assert "Password:" in result.output and PASSWORD not in result.output
    result = runner.invoke(app, [*args[:6], "dana2", *args[7:]], input=f"{PASSWORD}\nsomething else\n")
    assert result.exit_code != 0 and result.exception is not None
    assert "the same password typed twice" in str(result.exception)


def test_a_password_is_never_an_argument(run: Run) -> None:
    code, _, err = run(
        "--lang", "en", "users", "add", "dana", "--name", "D", "--role", "analyst", "--password", PASSWORD
    )
    assert code == 2 and "--password" in err


def test_a_token_is_printed_once_alone_on_standard_output(run: Run, db_url: str) -> None:
    far = ("--agency", "MDAI", "--action", "submit", "--expires", "2099-01-01")
    code, out, err = run("--lang", "en", "tokens", "create", "--name", "MDAI warehouse", *far)
    assert code == 2 and "366" in err  # too far ahead
    code, out, err = run("--lang", "en", "tokens", "create", "--name", "MDAI warehouse", "--agency", "MDAI")
    assert code == 0, err
    token = out.strip()
    assert out == token + "\n" and token.startswith("nj_") and "not shown again" in err
    principal = authenticate_token(open_store(db_url), token)
    assert principal is not None and (principal.role, principal.agency) == ("reporter", "MDAI")
    code, out, _ = run("tokens", "list", "--format", "json")
    [listed] = json.loads(out)
    assert (
        token not in out
        and listed["status"] == "active"
        and listed["actions"]
        == [
            "read_published",
            "read_unpublished",
            "submit",
        ]
    )
    code, out, _ = run("--lang", "en", "tokens", "revoke", listed["id"])
    assert code == 0 and listed["id"] in out
    assert authenticate_token(open_store(db_url), token) is None
    assert run("tokens", "list", "--format", "json")[1].strip() == "[]"
    code, out, _ = run("--lang", "en", "tokens", "list", "--all")
    assert "revoked" in out and listed["id"] in out


def test_a_token_as_json_carries_the_token(run: Run) -> None:
    code, out, _ = run("tokens", "create", "--name", "research", "--role", "analyst", "--format", "json")
    made = json.loads(out)
    assert code == 0 and made["token"].startswith(f"nj_{made['id']}_") and made["role"] == "analyst"


@pytest.mark.parametrize(
    ("args", "code", "key", "params"),
    [
        (("users", "disable", "nobody"), 3, "error.user_not_found", {"login": "nobody"}),
        (("users", "grant", "nobody", "--role", "analyst"), 3, "error.user_not_found", {"login": "nobody"}),
        (("tokens", "revoke", "0123456789ab"), 3, "error.token_not_found", {"token": "0123456789ab"}),
    ],
)
@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_mistakes_are_told_in_the_language(
    run: Run, lang: str, args: tuple[str, ...], code: int, key: str, params: dict[str, str]
) -> None:
    got, _, err = run("--lang", lang, *args)
    assert got == code and t(key, lang, **params) in err and "Traceback" not in err


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_bad_input_names_every_problem_in_the_language(run: Run, lang: str) -> None:
    add = ("--lang", lang, "users", "add")
    code, _, err = run(*add, "dana", "--name", "x", "--role", "analyst", "--password-stdin", stdin="short\n")
    assert code == 2 and "short" not in err and "Traceback" not in err
    assert t("expected.password_length", lang, low=12, high=256) in " ".join(err.split())
    code, _, err = run(*add, "X", "--name", "x", "--role", "reporter", "--password-stdin", stdin=PASSWORD)
    said = " ".join(err.split())
    assert code == 2 and t("expected.login", lang) in said
    assert t("expected.agency_for_role", lang, role="reporter") in said
    code, _, err = run(*add, "dana", "--name", "x", "--role", "boss", "--password-stdin")
    assert code == 2 and "boss" in err


def test_the_last_administrator_cannot_be_disabled(run: Run) -> None:
    run("users", "add", "root", "--name", "R", "--role", "admin", "--password-stdin", stdin=PASSWORD + "\n")
    code, _, err = run("--lang", "ru", "users", "disable", "root")
    assert code == 4 and t("error.last_admin", "ru", login="root") in " ".join(err.split())
