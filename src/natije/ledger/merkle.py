"""The Merkle tree of the log (RFC 9162 §2.1): roots, a streaming builder, and proofs from stored hashes.

A tree is never held in memory. :class:`CompactRange` appends leaf hashes one by one keeping one hash per set
bit of the size (at most 64), so the root of every size is at hand as the log grows. Proofs are built from
*perfect subtrees*: node ``(level, index)`` is the hash of the ``2**level`` leaves from ``index * 2**level``;
every hash in an inclusion or consistency proof is such a node or a fold of a few along the right edge.
A :data:`Nodes` function supplies them; :func:`stored_nodes` makes one from whatever the store keeps:

- only the leaf hashes (``stride=None``): a node of level L reads and hashes ``2**L`` leaves, so a proof in a
  tree of n leaves costs about n hashes (seconds at 10 M leaves), streamed in chunks;
- also the nodes of every level that is a multiple of ``stride`` (``CompactRange(on_node=...)`` hands each one
  over as it completes; with ``stride=8`` that is one extra hash per 255 leaves): a node then reads at most
  ``2**(stride - 1)`` stored hashes, so a proof costs at most ``2 * log2(n) * 2**(stride - 1)`` reads and
  hashes (milliseconds), whatever the size of the log.

Verification is in :mod:`natije.ledger.verify`, which needs nothing of natije.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Sequence

from natije.ledger.verify import (
    EMPTY_ROOT,
    leaf_hash,
    node_hash,
    root_from_inclusion,
    verify_consistency,
    verify_inclusion,
)

__all__ = [
    "EMPTY_ROOT",
    "CompactRange",
    "Nodes",
    "consistency_proof",
    "inclusion_proof",
    "leaf_hash",
    "leaf_nodes",
    "merkle_root",
    "node_hash",
    "range_hashes",
    "root_from_inclusion",
    "stored_nodes",
    "subtree_hash",
    "verify_consistency",
    "verify_inclusion",
]

Nodes = Callable[[int, int], bytes]
"""``nodes(level, index)``: the hash of the perfect subtree of the ``2**level`` leaves from
``index * 2**level``."""

LevelReader = Callable[[int, int, int], Sequence[bytes]]
"""``read(level, start, stop)``: the stored hashes ``start..stop-1`` of ``level`` (level 0: leaf hashes)."""


class CompactRange:
    """The hashes of the perfect subtrees that make up the leaves appended so far, largest first.

    ``on_node(level, index, hash)`` is called for every perfect subtree of level >= 1 an :meth:`extend`
    completes whose level is a multiple of ``stride`` (so a store can keep the levels it wants); leaves are
    not reported.

    Examples
    --------
    >>> tree = CompactRange()
    >>> tree.extend(leaf_hash(bytes([i])) for i in range(5))
    >>> tree.size, len(tree.hashes)
    (5, 2)
    """

    __slots__ = ("_hashes", "_on_node", "_size", "_stride")

    def __init__(self, on_node: Callable[[int, int, bytes], None] | None = None, stride: int = 1) -> None:
        if stride < 1:
            raise ValueError("stride is positive")
        self._hashes: list[bytes] = []
        self._size = 0
        self._on_node = on_node
        self._stride = stride

    @classmethod
    def resume(
        cls,
        size: int,
        hashes: Sequence[bytes],
        on_node: Callable[[int, int, bytes], None] | None = None,
        stride: int = 1,
    ) -> CompactRange:
        """The range of a tree of ``size`` leaves from its perfect subtrees' hashes (largest first), e.g.
        :attr:`hashes` kept earlier or read back with :func:`range_hashes`; appending continues from there."""
        if size < 0 or len(hashes) != size.bit_count() or any(len(h) != 32 for h in hashes):
            raise ValueError(f"a tree of {size} leaves has one 32-byte hash per set bit of its size")
        tree = cls(on_node, stride)
        tree._hashes, tree._size = list(hashes), size
        return tree

    @property
    def size(self) -> int:
        """How many leaves have been appended."""
        return self._size

    @property
    def hashes(self) -> tuple[bytes, ...]:
        """The perfect subtrees' hashes, one per set bit of :attr:`size`, the largest (leftmost) first."""
        return tuple(self._hashes)

    def append(self, leaf: bytes) -> None:
        """Append one leaf hash (32 bytes: :func:`leaf_hash` of the entry)."""
        self.extend((leaf,))

    def extend(self, leaves: Iterable[bytes]) -> None:
        """Append leaf hashes in order.

        The new leaves are hashed up level by level: at each level the pending subtree of that level (if the
        size so far has one) and the new nodes are paired left to right, an odd one out stays pending. So
        each interior node costs one hash and no Python bookkeeping per leaf beyond it."""
        nodes = list(leaves)
        if any(len(h) != 32 for h in nodes):
            raise ValueError("a leaf hash is 32 bytes")
        size, total = self._size, self._size + len(nodes)
        pending = dict(zip(_set_bits(size), self._hashes))
        kept: list[bytes] = []
        sha256 = hashlib.sha256  # node_hash, inlined: this loop runs once per interior node
        for level in range(total.bit_length()):
            first = size >> level  # index at this level of the first node not yet paired
            if level in pending:
                nodes.insert(0, pending[level])
                first -= 1
            pairs = len(nodes) // 2
            if len(nodes) % 2:
                kept.append(nodes[-1])
            nodes = [sha256(b"\x01" + a + b).digest() for a, b in zip(nodes[0 : 2 * pairs : 2], nodes[1::2])]
            if self._on_node is not None and (level + 1) % self._stride == 0:
                for offset, h in enumerate(nodes):
                    self._on_node(level + 1, first // 2 + offset, h)
        self._hashes = kept[::-1]
        self._size = total

    def root(self) -> bytes:
        """The root hash of the tree of :attr:`size` leaves (SHA-256 of nothing when empty)."""
        return _fold(self._hashes)


def _set_bits(size: int) -> list[int]:
    """The levels of the perfect subtrees of a tree of ``size`` leaves, largest first."""
    return [level for level in range(size.bit_length() - 1, -1, -1) if size >> level & 1]


def _fold(hashes: Sequence[bytes]) -> bytes:
    """The root over perfect subtrees listed largest first: each joins the fold of those to its right."""
    if not hashes:
        return EMPTY_ROOT
    root = hashes[-1]
    for h in reversed(hashes[:-1]):
        root = node_hash(h, root)
    return root


def merkle_root(leaves: Iterable[bytes]) -> bytes:
    """The root hash of a tree of leaf hashes, streamed.

    Examples
    --------
    >>> merkle_root([leaf_hash(b"")]).hex()[:16]
    '6e340b9cffb37a98'
    """
    tree = CompactRange()
    tree.extend(leaves)
    return tree.root()


def stored_nodes(read: LevelReader, stride: int | None = None, chunk: int = 1 << 16) -> Nodes:
    """A :data:`Nodes` function over stored hashes: leaf hashes (level 0) and, with ``stride``, every level
    that is a multiple of ``stride``; a node is the fold of the stored hashes of the level at or below it.

    Reads at most ``chunk`` hashes at a time, so memory stays flat whatever the node's size.
    """
    if stride is not None and stride < 1 or chunk < 1:
        raise ValueError("stride and chunk are positive")

    def node(level: int, index: int) -> bytes:
        base = 0 if stride is None else level - level % stride
        count = 1 << (level - base)
        start, stop = index * count, (index + 1) * count
        tree = CompactRange()
        for lo in range(start, stop, chunk):
            hi = min(lo + chunk, stop)
            hashes = read(base, lo, hi)
            if len(hashes) != hi - lo:
                raise ValueError(f"level {base} holds no hashes {lo}..{hi - 1}: the tree is smaller")
            tree.extend(hashes)
        return tree.root()

    return node


def range_hashes(size: int, nodes: Nodes) -> list[bytes]:
    """The perfect subtrees' hashes of the tree of ``size`` leaves, largest first (for
    :meth:`CompactRange.resume`)."""
    hashes, start = [], 0
    for level in range(size.bit_length() - 1, -1, -1):
        if size >> level & 1:
            hashes.append(nodes(level, start >> level))
            start += 1 << level
    return hashes


def leaf_nodes(leaves: Sequence[bytes]) -> Nodes:
    """A :data:`Nodes` function over leaf hashes in memory (tests, small logs)."""
    return stored_nodes(lambda level, start, stop: leaves[start:stop])


def subtree_hash(start: int, stop: int, nodes: Nodes) -> bytes:
    """MTH of the leaves ``start..stop-1`` for a subtree of the RFC's split (``start`` a multiple of the
    largest power of two not above ``stop - start``): its perfect subtrees, largest first, folded.

    ``subtree_hash(0, m, nodes)`` is the root of the tree's first ``m`` leaves (an older checkpoint's root),
    from O(log m) nodes."""
    hashes = []
    while start < stop:
        level = (stop - start).bit_length() - 1
        if start:
            level = min(level, (start & -start).bit_length() - 1)
        hashes.append(nodes(level, start >> level))
        start += 1 << level
    return _fold(hashes)


def _split(n: int) -> int:
    """The largest power of two smaller than ``n`` (n >= 2): the size of the left subtree."""
    return 1 << ((n - 1).bit_length() - 1)


def inclusion_proof(index: int, size: int, nodes: Nodes) -> list[bytes]:
    """PATH(index, D[size]) of RFC 9162 §2.1.3.1: the sibling hashes from the leaf up to the root."""
    if not 0 <= index < size:
        raise ValueError(f"index {index} is not below the tree size {size}")
    path = []
    lo, hi = 0, size
    while hi - lo > 1:
        k = _split(hi - lo)
        if index < lo + k:
            path.append(subtree_hash(lo + k, hi, nodes))
            hi = lo + k
        else:
            path.append(subtree_hash(lo, lo + k, nodes))
            lo += k
    return path[::-1]


def consistency_proof(first: int, second: int, nodes: Nodes) -> list[bytes]:
    """PROOF(first, D[second]) of RFC 9162 §2.1.4.1 (empty when ``first`` is 0 or equals ``second``)."""
    if not 0 <= first <= second:
        raise ValueError(f"size {first} is not between 0 and the later size {second}")
    if first in (0, second):
        return []
    path = []
    lo, hi, m, whole = 0, second, first, True  # m: the old tree's leaves within lo..hi; whole: SUBPROOF's b
    while m != hi - lo:
        k = _split(hi - lo)
        if m <= k:
            path.append(subtree_hash(lo + k, hi, nodes))
            hi = lo + k
        else:
            path.append(subtree_hash(lo, lo + k, nodes))
            lo, m, whole = lo + k, m - k, False
    if not whole:
        path.append(subtree_hash(lo, hi, nodes))
    return path[::-1]
