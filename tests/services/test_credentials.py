"""Tokens and password hashes as round trips and parsers: a made token is found by its id and matches only its
own digest; no other text passes for a token; a hash verifies its password and nothing else."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from natije.services.credentials import (
    digest_matches,
    hash_password,
    new_token,
    password_matches,
    token_digest,
    token_id,
)

TOKEN = re.compile(r"nj_[0-9a-f]{12}_[A-Za-z0-9_-]{43}")


def test_a_made_token_round_trips_and_tokens_differ() -> None:
    made = [new_token() for _ in range(200)]
    assert len({m.text for m in made}) == len({m.id for m in made}) == 200
    for m in made:
        assert TOKEN.fullmatch(m.text) and token_id(m.text) == m.id
        assert m.digest == token_digest(m.text) and digest_matches(m.text, m.digest)


@given(st.text(max_size=80))
def test_no_other_text_is_taken_for_a_token(text: str) -> None:
    ident = token_id(text)
    assert (ident is None) == (TOKEN.fullmatch(text.strip()) is None)


@given(st.integers(min_value=0, max_value=58), st.characters(whitelist_categories=("Lu", "Ll", "Nd")))
def test_a_token_changed_anywhere_no_longer_matches(position: int, char: str) -> None:
    made = new_token()
    changed = made.text[:position] + char + made.text[position + 1 :]
    assert digest_matches(changed, made.digest) is (changed == made.text)


@settings(max_examples=30, deadline=None)
@given(st.text(min_size=12, max_size=40), st.text(min_size=1, max_size=5))
def test_a_hash_verifies_its_password_only(password: str, extra: str) -> None:
    stored = hash_password(password)
    assert password not in stored
    assert password_matches(stored, password) == (True, False)
    assert password_matches(stored, password + extra) == (False, False)
    assert password_matches("not a hash", password) == (False, False)
