"""Ledger speed: 10 M observation entries encoded, hashed, appended (streamed); proofs from stored hashes.

Phase 1 streams LEAVES entries in batches as a store would log imported observations: build each ``Entry``
and encode it (canonical bytes), hash it as a leaf, append the leaf hashes to a ``CompactRange``; the leaf
hashes and the nodes of every STRIDE-th level go to one file per level (what the store's tables will hold).
Peak RSS is read after the first batch and at the end: streaming keeps it flat.

Phase 2 builds inclusion and consistency proofs at random positions from those files (``stored_nodes`` with
the stride, and once from the leaf hashes alone), verifies them, and times the standalone verifier
(``python verify.py inclusion …``, a new process) on one of them. Times are wall clock, with the process's CPU
time beside the phase 1 steps (the machine may be shared).

Run: .venv/bin/python benchmarks/ledger_speed.py [--leaves 10000000] [--stride 8] [--dir DIR]
"""

from __future__ import annotations

import argparse
import itertools
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from natije.ledger import verify
from natije.ledger.canonical import Entry
from natije.ledger.checkpoint import Checkpoint, generate_key, save_public_key, sign
from natije.ledger.merkle import CompactRange, consistency_proof, inclusion_proof, stored_nodes, subtree_hash

BATCH = 100_000
START = datetime(2026, 1, 1, tzinfo=UTC)


def entry(i: int) -> Entry:
    """The i-th imported observation, as the store will log it."""
    return Entry(
        "insert",
        "observations",
        {
            "indicator": f"I{i % 50}",
            "territory": f"{i % 20_000:09d}",
            "period": f"{2000 + i % 25}-{1 + i % 12:02d}",
        },
        None,
        {"value": i * 0.25, "source": "stat", "status": "official", "as_of": date(2025, 6, 30)},
        START + timedelta(microseconds=i),
        "import 1",
        i // 1_000_000,
    )


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class Levels:
    """One file per stored level, hash ``i`` at offset ``32 * i``: writes buffered, reads with pread."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.buffers: dict[int, bytearray] = {}
        self.files: dict[int, int] = {}

    def add(self, level: int, h: bytes) -> None:
        buffer = self.buffers.setdefault(level, bytearray())
        buffer += h
        if len(buffer) >= 1 << 22:
            self.flush(level)

    def flush(self, level: int) -> None:
        with open(self.folder / f"level{level}", "ab") as f:
            f.write(self.buffers.pop(level, b""))

    def close(self) -> None:
        for level in list(self.buffers):
            self.flush(level)

    def read(self, level: int, start: int, stop: int) -> list[bytes]:
        if level not in self.files:
            self.files[level] = os.open(self.folder / f"level{level}", os.O_RDONLY)
        data = os.pread(self.files[level], 32 * (stop - start), 32 * start)
        return [data[i : i + 32] for i in range(0, len(data), 32)]


def append_all(
    leaves: int, stride: int, levels: Levels
) -> tuple[CompactRange, dict[str, float], dict[str, float]]:
    """Phase 1; returns the tree and the seconds spent per step, wall clock and CPU."""

    def keep(level: int, index: int, h: bytes) -> None:
        if level % stride == 0:
            levels.add(level, h)

    tree = CompactRange(on_node=keep)
    steps = ("build and encode entries", "leaf hashes", "append (tree + level files)")
    spent = dict.fromkeys(steps, 0.0)
    cpu = dict.fromkeys(steps, 0.0)
    for lo in range(0, leaves, BATCH):
        clocks = [(time.perf_counter(), time.process_time())]
        encoded = [entry(i).encode() for i in range(lo, min(lo + BATCH, leaves))]
        clocks.append((time.perf_counter(), time.process_time()))
        hashes = [verify.leaf_hash(e) for e in encoded]
        clocks.append((time.perf_counter(), time.process_time()))
        tree.extend(hashes)
        for h in hashes:
            levels.add(0, h)
        clocks.append((time.perf_counter(), time.process_time()))
        for step, (before, after) in zip(steps, itertools.pairwise(clocks), strict=True):
            spent[step] += after[0] - before[0]
            cpu[step] += after[1] - before[1]
        del encoded, hashes  # before the next batch is built
        if lo == 0:
            print(f"  after the first batch: peak RSS {peak_rss_mb():.0f} MB", flush=True)
    levels.close()
    return tree, spent, cpu


def timed(fn: Callable[[], object], repeat: int) -> float:
    t0 = time.perf_counter()
    for _ in range(repeat):
        fn()
    return (time.perf_counter() - t0) / repeat


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--leaves", type=int, default=10_000_000)
    parser.add_argument("--stride", type=int, default=8)
    parser.add_argument("--dir", type=Path, default=None)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(dir=args.dir) as tmp:
        folder = Path(tmp)
        levels = Levels(folder)
        t0 = time.perf_counter()
        tree, spent, cpu = append_all(args.leaves, args.stride, levels)
        total = time.perf_counter() - t0
        n = tree.size
        print(f"phase 1: {n:,} entries in {total:.1f} s, peak RSS {peak_rss_mb():.0f} MB")
        for step, seconds in spent.items():
            print(f"  {step}: {seconds:.1f} s, CPU {cpu[step]:.1f} s ({cpu[step] / n * 1e6:.2f} µs each)")
        sizes = {p.name: p.stat().st_size for p in folder.iterdir()}
        print(f"  level files: {', '.join(f'{k} {v / 2**20:.1f} MiB' for k, v in sorted(sizes.items()))}")

        root, rng = tree.root(), random.Random(1)
        nodes = stored_nodes(levels.read, stride=args.stride)
        indices = [rng.randrange(n) for _ in range(100)]
        firsts = sorted(rng.randrange(1, n) for _ in range(20))
        proofs = {i: inclusion_proof(i, n, nodes) for i in indices}
        for i, path in proofs.items():
            verify.verify_inclusion(i, n, levels.read(0, i, i + 1)[0], path, root)
        for m in firsts:
            verify.verify_consistency(m, n, subtree_hash(0, m, nodes), root, consistency_proof(m, n, nodes))
        print(f"phase 2 (nodes of every level that is a multiple of {args.stride} stored), per call:")
        runs: dict[str, tuple[Callable[[], object], int]] = {
            "inclusion proof, 100 random leaves": (
                lambda: [inclusion_proof(i, n, nodes) for i in indices],
                100,
            ),
            "consistency proof, 20 random older sizes": (
                lambda: [consistency_proof(m, n, nodes) for m in firsts],
                20,
            ),
            "root of an older size, the same 20": (lambda: [subtree_hash(0, m, nodes) for m in firsts], 20),
        }
        for label, (run, calls) in runs.items():
            print(f"  {label}: {timed(run, 1) / calls * 1e3:.2f} ms")
        t = time.perf_counter()
        leaves_only = inclusion_proof(indices[0], n, stored_nodes(levels.read))
        print(f"  inclusion proof from the leaf hashes alone: {time.perf_counter() - t:.1f} s")
        assert leaves_only == proofs[indices[0]]
        leaf, proof = levels.read(0, indices[0], indices[0] + 1)[0], proofs[indices[0]]
        each = timed(lambda: verify.verify_inclusion(indices[0], n, leaf, proof, root), 1000)
        print(f"  verify an inclusion proof in-process: {each * 1e6:.0f} µs; peak RSS {peak_rss_mb():.0f} MB")

        key = generate_key()
        save_public_key(key.public_key(), folder / "log.pub")
        (folder / "checkpoint").write_text(sign(Checkpoint("bench/log", n, root, datetime.now(UTC)), key))
        i = indices[0]
        proof = verify.InclusionProof(n, i, entry(i).encode(), tuple(proofs[i]))
        (folder / "proof.json").write_text(proof.to_json())
        shutil.copy(verify.__file__, folder / "verify.py")
        command = [
            sys.executable,
            "-I",
            "verify.py",
            "inclusion",
            "checkpoint",
            "proof.json",
            "--key",
            "log.pub",
        ]
        t = time.perf_counter()
        done = subprocess.run(command, cwd=folder, capture_output=True, text=True, check=True)
        took = time.perf_counter() - t
        print(f"  standalone verifier, new process: {took:.2f} s ({done.stdout.splitlines()[0]})")


if __name__ == "__main__":
    main()
