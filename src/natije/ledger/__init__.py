"""The tamper-evident history: canonical entries, the RFC 9162 Merkle tree, signed checkpoints, proofs.

Pure: no store, no services, no I/O but the key files of :mod:`natije.ledger.checkpoint`. The reading side of
every public format and all the checks are in :mod:`natije.ledger.verify`, a single file that runs without
natije (standard library and ``cryptography``). The format is specified in docs/ledger.md.
"""
