"""The log under /api/v1: key, checkpoint, proofs of values and consistency proofs, checked with the verifier
the site serves, loaded from its own file as a third party would."""

from __future__ import annotations

import importlib.util
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient

from natije.services.ledger_proofs import value_proof
from natije.services.stores import open_store
from natije.web import Settings, create_app, schemas

VALUE = "AI2023.POPULATION_COVERAGE/000000000/2025"


def third_party_verifier(client: TestClient, folder: Path) -> ModuleType:
    """verify.py as downloaded from the site, imported from its own file (no natije on its path needed)."""
    path = folder / "verify.py"
    path.write_bytes(client.get("/ledger/verify.py").content)
    spec = importlib.util.spec_from_file_location("downloaded_verify", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is made
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def verifier(client: TestClient, tmp_path_factory: pytest.TempPathFactory) -> ModuleType:
    return third_party_verifier(client, tmp_path_factory.mktemp("third-party"))


def _signed(client: TestClient, verifier: ModuleType, note: str) -> object:
    pem = client.get("/api/v1/ledger/key.pub").content
    return verifier.verify_checkpoint(note, verifier.serialization.load_pem_public_key(pem))


def test_the_key_and_the_checkpoint_are_published_and_verify(
    client: TestClient, verifier: ModuleType
) -> None:
    body = client.get("/api/v1/ledger/checkpoint")
    head = schemas.LedgerCheckpoint.model_validate(body.json())
    key = schemas.LedgerKey.model_validate(client.get("/api/v1/ledger/key").json())
    note = client.get("/api/v1/ledger/checkpoint.txt")
    assert note.text == head.note and note.headers["content-type"].startswith("text/plain")
    assert client.get("/api/v1/ledger/key.pub").text == key.public_key.replace("\r\n", "\n")
    signed = _signed(client, verifier, head.note)
    assert (signed.origin, signed.size, signed.root.hex()) == (head.origin, head.size, head.root)  # type: ignore[attr-defined]
    assert head.origin == key.origin and head.time.endswith("Z") and head.size > 1000
    again = client.get("/api/v1/ledger/checkpoint", headers={"If-None-Match": body.headers["etag"]})
    assert again.status_code == 304


def test_a_values_proof_verifies_standalone_and_is_what_natije_proof_prints(
    client: TestClient, verifier: ModuleType, demo_db: Path, tmp_path: Path
) -> None:
    answer = client.get(f"/api/v1/proofs/{quote(VALUE, safe='')}")
    assert answer.status_code == 200
    schemas.InclusionProofFile.model_validate(answer.json())
    proof = verifier.InclusionProof.from_json(answer.text)
    checkpoint = _signed(client, verifier, client.get("/api/v1/ledger/checkpoint.txt").text)
    entry = proof.verify(checkpoint)
    published = client.get("/api/v1/observations?indicator=AI2023.POPULATION_COVERAGE&territory=national")
    value = next(row["value"] for row in published.json()["items"] if row["period"] == "2025")
    assert entry["table"] == "observations" and entry["after"]["value"] == value
    assert dict(entry["key"]) == dict(zip(("indicator", "territory", "period"), VALUE.split("/")))
    assert answer.text == value_proof(open_store(str(demo_db)), VALUE)[0].to_json()  # the CLI's bytes

    for name, url in (("c.txt", "/api/v1/ledger/checkpoint.txt"), ("k.pub", "/api/v1/ledger/key.pub")):
        (tmp_path / name).write_bytes(client.get(url).content)
    (tmp_path / "p.json").write_text(answer.text)
    script = sys.modules[verifier.__name__].__file__
    run = subprocess.run(
        [sys.executable, "-I", str(script), "inclusion", "c.txt", "p.json", "--key", "k.pub"],
        check=False,
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0 and '"observations"' in run.stdout, run.stderr


def test_a_value_by_its_number_is_the_same_proof_as_by_its_key(client: TestClient) -> None:
    by_key = client.get(f"/api/v1/proofs/{quote(VALUE, safe='')}").json()
    page = client.get("/en/indicators/AI2023.POPULATION_COVERAGE").text
    number = page.split('class="verify" href="/en/proofs/')[1].split('"')[0]
    assert number.isdigit() and client.get(f"/api/v1/proofs/{number}").json() == by_key


@pytest.mark.parametrize(
    ("lang", "words"), [("ru", "значения «nope/x» нет"), ("en", "no value 'nope/x'"), ("kk", "мәні жоқ")]
)
def test_an_unknown_value_is_a_localised_problem(client: TestClient, lang: str, words: str) -> None:
    answer = client.get(f"/api/v1/proofs/nope%2Fx?lang={lang}")
    assert answer.status_code == 404 and answer.headers["content-type"] == "application/problem+json"
    assert words in answer.json()["detail"]


def test_consistency_between_a_kept_checkpoint_and_the_latest(
    client: TestClient, verifier: ModuleType, demo_db: Path
) -> None:
    with sqlite3.connect(demo_db) as db:  # the checkpoint the import signed, as an auditor kept it then
        kept = db.execute("SELECT note FROM ledger_checkpoints ORDER BY id LIMIT 1").fetchone()[0]
    first = _signed(client, verifier, kept)
    latest = _signed(client, verifier, client.get("/api/v1/ledger/checkpoint.txt").text)
    assert first.size < latest.size  # type: ignore[attr-defined]  # the stored evaluation came after it
    answer = client.get(f"/api/v1/ledger/consistency?from={first.size}")  # type: ignore[attr-defined]
    schemas.ConsistencyProofFile.model_validate(answer.json())
    verifier.ConsistencyProof.from_json(answer.text).verify(first, latest)
    wrong = client.get(f"/api/v1/ledger/consistency?from={first.size - 1}&to={latest.size}")  # type: ignore[attr-defined]
    with pytest.raises(verifier.VerificationError):
        verifier.ConsistencyProof.from_json(wrong.text).verify(first, latest)


@pytest.mark.parametrize(
    ("query", "status"), [("from=10&to=5", 400), ("from=0&to=99999999", 400), ("from=-1", 422), ("to=3", 422)]
)
def test_sizes_outside_the_log_are_problems(client: TestClient, query: str, status: int) -> None:
    answer = client.get(f"/api/v1/ledger/consistency?{query}&lang=ru")
    assert answer.status_code == status and answer.headers["content-type"] == "application/problem+json"
    if status == 400:
        assert "размер дерева от" in answer.json()["detail"]


def test_a_store_without_its_key_publishes_nothing_and_says_so(demo_db: Path, tmp_path: Path) -> None:
    copy = tmp_path / "nokey.db"
    with sqlite3.connect(demo_db) as source, sqlite3.connect(copy) as target:
        source.backup(target)
    assert not Path(str(copy) + ".ledger-key.pem").exists()
    with TestClient(create_app(Settings(database_url=str(copy)))) as bare:
        for url in (
            "/api/v1/ledger/key",
            "/api/v1/ledger/checkpoint",
            f"/api/v1/proofs/{quote(VALUE, safe='')}",
        ):
            answer = bare.get(f"{url}?lang=en")
            assert answer.status_code == 503, url
            assert "publishes no signing key" in answer.json()["detail"]
        page = bare.get("/ru/proofs/1")
        assert page.status_code == 503 and "не публикует ключ подписи" in page.text
    shutil.rmtree(tmp_path, ignore_errors=True)
