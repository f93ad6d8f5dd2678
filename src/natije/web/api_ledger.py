"""The log under ``/api/v1/``: the public key, the latest signed checkpoint, inclusion proofs of values and
consistency proofs between tree sizes, in the files ``ledger/verify.py`` reads (docs/ledger.md).

The proof files are served byte for byte as ``natije proof`` prints them; the key and the checkpoint are also
served as the files an auditor keeps (``key.pub``, ``checkpoint.txt``).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import Response

from natije.web import etags, schemas
from natije.web.answers import answer, lang_parameter, language
from natije.web.api import ERRORS, NOT_MODIFIED, PROBLEM

UNPUBLISHED: dict[int | str, dict[str, Any]] = {
    503: {"description": "The store has no signing key: nothing is published (problem details)", **PROBLEM}
}
KEPT = {**NOT_MODIFIED, **UNPUBLISHED}  # 422 included: an unknown ?lang=
router = APIRouter(prefix="/api/v1", tags=["ledger"], dependencies=[Depends(lang_parameter)])


def _reader(request: Request) -> Any:
    return request.app.state.natije.reader()


def _file(request: Request, state: str, body: str, media_type: str, name: str) -> Response:
    """``body`` as a file named ``name``, tagged with ``state`` (304 on a matching ``If-None-Match``)."""
    tag = etags.tag_of(request, state, language(request))
    disposition = {"Content-Disposition": f'inline; filename="{name}"'}
    return etags.not_modified(request, tag) or Response(
        body, media_type=media_type, headers={**etags.headers(tag), **disposition}
    )


def _text(media_type: str, what: str) -> dict[int | str, dict[str, Any]]:
    return {200: {"description": what, "content": {media_type: {"schema": {"type": "string"}}}}, **KEPT}


@router.get("/ledger/checkpoint", response_model=schemas.LedgerCheckpoint, responses=KEPT)
def checkpoint(request: Request) -> Response:
    """The latest signed checkpoint of the whole log: the signed note and its origin, size, root, time."""
    reader = _reader(request)
    found = reader.checkpoint()
    return answer(request, reader.state, {"note": found.note, **found.to_dict()})


@router.get("/ledger/checkpoint.txt", response_class=Response, responses=_text("text/plain", "Signed note"))
def checkpoint_file(request: Request) -> Response:
    """The latest signed checkpoint as the file ``verify.py`` reads (a C2SP signed note)."""
    reader = _reader(request)
    note = reader.checkpoint().note
    return _file(request, reader.state, note, "text/plain; charset=utf-8", "checkpoint.txt")


@router.get("/ledger/key", response_model=schemas.LedgerKey, responses=KEPT)
def key(request: Request) -> Response:
    """The Ed25519 public key the checkpoints verify with (PEM) and the log's origin."""
    reader = _reader(request)
    found = reader.public_key()
    return answer(request, reader.state, {"origin": found.origin, "public_key": found.pem})


@router.get("/ledger/key.pub", response_class=Response, responses=_text("application/x-pem-file", "PEM"))
def key_file(request: Request) -> Response:
    """The public key as the ``.pub`` file ``verify.py --key`` reads."""
    reader = _reader(request)
    return _file(request, reader.state, reader.public_key().pem, "application/x-pem-file", "natije-log.pub")


@router.get(
    "/proofs/{value_id:path}",
    response_model=schemas.InclusionProofFile,
    responses={**ERRORS, **UNPUBLISHED},
)
def proof(
    request: Request,
    value_id: Annotated[
        str, Path(description="The observation's number, or INDICATOR/TERRITORY/PERIOD (URL-encoded)")
    ],
) -> Response:
    """The inclusion proof of a value's current log entry in the latest checkpoint (``natije proof``)."""
    reader = _reader(request)
    found = reader.value_proof(value_id).proof
    return _file(request, reader.state, found.to_json(), "application/json", "proof.json")


@router.get(
    "/ledger/consistency",
    response_model=schemas.ConsistencyProofFile,
    responses={**KEPT, 400: {"description": "A size outside the log (problem details)", **PROBLEM}},
)
def consistency(
    request: Request,
    first: Annotated[int, Query(alias="from", ge=0, description="The earlier tree size")],
    second: Annotated[int | None, Query(alias="to", ge=0, description="The later (default: latest)")] = None,
) -> Response:
    """The proof that the tree of ``to`` entries extends the tree of its first ``from`` entries."""
    reader = _reader(request)
    found = reader.consistency(first, second)
    return _file(request, reader.state, found.to_json(), "application/json", "consistency.json")
