"""The Merkle tree against the RFC 6962 test vectors and the RFC's recursive definitions."""

from __future__ import annotations

import random

import pytest
from ledger import merkle_reference as ref
from ledger.rfc6962_vectors import CONSISTENCY, INCLUSION, LEAVES, ROOTS

from natije.ledger.merkle import (
    EMPTY_ROOT,
    CompactRange,
    consistency_proof,
    inclusion_proof,
    leaf_hash,
    leaf_nodes,
    merkle_root,
    stored_nodes,
    subtree_hash,
    verify_consistency,
    verify_inclusion,
)
from natije.ledger.verify import VerificationError

VECTOR_HASHES = [leaf_hash(leaf) for leaf in LEAVES]


def _leaves(n: int, seed: int = 0) -> list[bytes]:
    rng = random.Random(seed)
    return [leaf_hash(rng.randbytes(rng.randrange(40))) for _ in range(n)]


def _rejected(check, *args) -> bool:
    try:
        check(*args)
    except VerificationError:
        return True
    return False


def test_the_root_of_every_prefix_of_the_rfc_6962_leaves() -> None:
    assert leaf_hash(b"") == ROOTS[1] and EMPTY_ROOT == ROOTS[0]
    tree = CompactRange()
    assert tree.root() == ROOTS[0]
    for n, h in enumerate(VECTOR_HASHES, start=1):
        tree.append(h)
        assert tree.root() == ROOTS[n] == merkle_root(VECTOR_HASHES[:n]) == ref.mth(VECTOR_HASHES[:n])


@pytest.mark.parametrize(("index", "size", "proof"), INCLUSION)
def test_the_rfc_6962_inclusion_proofs(index: int, size: int, proof: list[str]) -> None:
    hashes = [bytes.fromhex(h) for h in proof]
    assert inclusion_proof(index, size, leaf_nodes(VECTOR_HASHES[:size])) == hashes
    verify_inclusion(index, size, VECTOR_HASHES[index], hashes, ROOTS[size])


@pytest.mark.parametrize(("first", "second", "proof"), CONSISTENCY)
def test_the_rfc_6962_consistency_proofs(first: int, second: int, proof: list[str]) -> None:
    hashes = [bytes.fromhex(h) for h in proof]
    assert consistency_proof(first, second, leaf_nodes(VECTOR_HASHES[:second])) == hashes
    verify_consistency(first, second, ROOTS[first], ROOTS[second], hashes)


def test_roots_match_the_recursive_definition_on_every_size_up_to_300() -> None:
    leaves = _leaves(300)
    tree, roots = CompactRange(), [EMPTY_ROOT]
    for h in leaves:
        tree.append(h)
        roots.append(tree.root())
    nodes = leaf_nodes(leaves)
    for n in range(301):
        assert roots[n] == ref.mth(leaves[:n]) == subtree_hash(0, n, nodes), n


def test_every_inclusion_proof_matches_the_rfc_and_verifies() -> None:
    """In every tree up to 70 leaves and in three random trees up to 300."""
    leaves = _leaves(300)
    nodes = leaf_nodes(leaves)
    for size in [*range(1, 71), *random.Random(9).sample(range(71, 301), 3)]:
        root = ref.mth(leaves[:size])
        for index in range(size):
            proof = inclusion_proof(index, size, nodes)
            assert proof == ref.path(index, leaves[:size]), (index, size)
            verify_inclusion(index, size, leaves[index], proof, root)


def test_every_consistency_proof_matches_the_rfc_and_verifies_up_to_size_40() -> None:
    leaves = _leaves(40)
    nodes = leaf_nodes(leaves)
    roots = [ref.mth(leaves[:n]) for n in range(41)]
    for second in range(41):
        for first in range(second + 1):
            proof = consistency_proof(first, second, nodes)
            assert proof == ([] if first in (0, second) else ref.proof(first, leaves[:second]))
            verify_consistency(first, second, roots[first], roots[second], proof)


def test_proofs_at_sampled_positions_of_larger_trees() -> None:
    leaves = _leaves(1100, seed=2)
    nodes = leaf_nodes(leaves)
    rng = random.Random(3)
    for _ in range(30):
        second = rng.randrange(1, 1101)
        first, index = rng.randrange(1, second + 1), rng.randrange(second)
        assert inclusion_proof(index, second, nodes) == ref.path(index, leaves[:second])
        if first < second:
            assert consistency_proof(first, second, nodes) == ref.proof(first, leaves[:second])


def _flips(hashes: list[bytes]):
    """Every proof with exactly one byte of one hash changed."""
    for i, h in enumerate(hashes):
        for b in range(len(h)):
            changed = bytearray(h)
            changed[b] ^= 0x01
            yield [*hashes[:i], bytes(changed), *hashes[i + 1 :]]


def test_a_tampered_inclusion_proof_is_rejected() -> None:
    leaves = _leaves(21, seed=4)
    nodes = leaf_nodes(leaves)
    for size in (1, 2, 5, 8, 13, 21):
        root = ref.mth(leaves[:size])
        for index in range(size):
            proof = inclusion_proof(index, size, nodes)
            leaf = leaves[index]
            assert all(_rejected(verify_inclusion, index, size, leaf, p, root) for p in _flips(proof))
            assert all(_rejected(verify_inclusion, index, size, f[0], proof, root) for f in _flips([leaf]))
            assert all(_rejected(verify_inclusion, index, size, leaf, proof, f[0]) for f in _flips([root]))
            for wrong_index in {index - 1, index + 1, index ^ 2} - {index}:
                assert _rejected(verify_inclusion, wrong_index, size, leaf, proof, root)
            # a tree of another height; a size of the same shape (e.g. 5 and 6 for leaf 0) shares the proof,
            # which is why a proof is only ever checked against the size of a signed checkpoint
            for wrong_size in {size * 2, size // 2} - {size}:
                assert _rejected(verify_inclusion, index, wrong_size, leaf, proof, root)
            assert _rejected(verify_inclusion, index, size, leaf, [*proof, root], root)
            assert _rejected(verify_inclusion, index, size, leaf, [root, *proof], root)
            if proof:
                assert _rejected(verify_inclusion, index, size, leaf, proof[:-1], root)
                assert _rejected(verify_inclusion, index, size, leaf, [*proof[:-1], proof[-1][:31]], root)


def test_a_tampered_consistency_proof_is_rejected() -> None:
    leaves = _leaves(21, seed=5)
    nodes = leaf_nodes(leaves)
    roots = [ref.mth(leaves[:n]) for n in range(22)]
    for second in (2, 3, 7, 8, 9, 16, 21):
        for first in range(1, second):
            proof = consistency_proof(first, second, nodes)
            r1, r2 = roots[first], roots[second]
            assert all(_rejected(verify_consistency, first, second, r1, r2, p) for p in _flips(proof))
            assert all(_rejected(verify_consistency, first, second, f[0], r2, proof) for f in _flips([r1]))
            assert all(_rejected(verify_consistency, first, second, r1, f[0], proof) for f in _flips([r2]))
            for wrong in {first - 1, first + 1, first ^ 2} - {first}:
                assert _rejected(verify_consistency, wrong, second, r1, r2, proof)
            for wrong in {second * 2, second // 2} - {second}:
                assert _rejected(verify_consistency, first, wrong, r1, r2, proof)
            assert _rejected(verify_consistency, first, second, r2, r1, proof)
            assert _rejected(verify_consistency, first, second, r1, r2, [])
            assert _rejected(verify_consistency, first, second, r1, r2, proof[:-1])
            assert _rejected(verify_consistency, first, second, r1, r2, [*proof, r2])
            assert _rejected(verify_consistency, first, second, r1, r2, [proof[0], *proof])


def test_the_trivial_consistency_cases() -> None:
    root = ROOTS[3]
    verify_consistency(0, 0, EMPTY_ROOT, EMPTY_ROOT, [])
    verify_consistency(0, 3, EMPTY_ROOT, root, [])
    verify_consistency(3, 3, root, root, [])
    assert _rejected(verify_consistency, 0, 3, root, root, [])  # size 0 has the empty root
    assert _rejected(verify_consistency, 3, 3, root, ROOTS[4], [])
    assert _rejected(verify_consistency, 3, 3, root, root, [root])
    assert _rejected(verify_consistency, 4, 3, root, root, [])
    assert _rejected(verify_inclusion, 0, 0, EMPTY_ROOT, [], EMPTY_ROOT)


def test_proofs_outside_the_tree_are_programming_errors() -> None:
    nodes = leaf_nodes(VECTOR_HASHES)
    with pytest.raises(ValueError):
        inclusion_proof(8, 8, nodes)
    with pytest.raises(ValueError):
        consistency_proof(5, 4, nodes)
    with pytest.raises(ValueError):
        inclusion_proof(3, 9, nodes)  # the reader holds 8 leaves


def test_the_compact_range_reports_every_completed_subtree() -> None:
    leaves = _leaves(100, seed=6)
    seen: dict[tuple[int, int], bytes] = {}
    tree = CompactRange(on_node=lambda level, index, h: seen.setdefault((level, index), h))
    tree.extend(leaves)
    expected = {
        (level, index): ref.mth(leaves[index << level : (index + 1) << level])
        for level in range(1, 7)
        for index in range(100 >> level)
    }
    assert seen == expected
    assert len(tree.hashes) == (100).bit_count() and tree.size == 100


@pytest.mark.parametrize("stride", [1, 2, 3, 8])
def test_proofs_from_stored_levels_equal_proofs_from_leaves(stride: int) -> None:
    leaves = _leaves(777, seed=7)
    levels: dict[int, dict[int, bytes]] = {0: dict(enumerate(leaves))}
    reads: list[int] = []

    def keep(level: int, index: int, h: bytes) -> None:
        if level % stride == 0:
            levels.setdefault(level, {})[index] = h

    def read(level: int, start: int, stop: int) -> list[bytes]:
        reads.append(stop - start)
        stored = levels.get(level, {})
        return [stored[i] for i in range(start, stop) if i in stored]

    CompactRange(on_node=keep).extend(leaves)
    stored, from_leaves = stored_nodes(read, stride=stride, chunk=5), leaf_nodes(leaves)
    for index, second, first in [(0, 777, 512), (400, 777, 513), (776, 777, 776), (5, 600, 257)]:
        assert inclusion_proof(index, second, stored) == inclusion_proof(index, second, from_leaves)
        assert consistency_proof(first, second, stored) == consistency_proof(first, second, from_leaves)
    assert max(reads) <= 5  # streamed in chunks
    reads.clear()
    inclusion_proof(300, 777, stored)
    assert sum(reads) <= 2 * 10 * 2 ** (stride - 1)  # at most 2**(stride-1) stored hashes per node
