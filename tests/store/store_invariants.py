"""Invariants of the observation tables that are kept by construction rather than by per-row constraints.

The store tests check them after merges (full scans): every observation has its revisions, every revision its
observation, and the references they hold exist.
"""

from __future__ import annotations

from sqlalchemy import Connection

CHECKS = {
    "revisions_without_observation": (
        "SELECT count(*) FROM observation_revisions r "
        "WHERE NOT EXISTS (SELECT 1 FROM observations o WHERE o.id = r.observation_id)"
    ),
    "observations_without_revision": (
        "SELECT count(*) FROM observations o "
        "WHERE NOT EXISTS (SELECT 1 FROM observation_revisions r WHERE r.observation_id = o.id)"
    ),
    "n_values_mismatch": (
        "SELECT count(*) FROM observations o WHERE o.n_values <> "
        "(SELECT count(*) FROM observation_revisions r WHERE r.observation_id = o.id)"
    ),
    "unknown_source": (
        "SELECT (SELECT count(*) FROM observations o WHERE o.source_id IS NOT NULL AND NOT EXISTS "
        "(SELECT 1 FROM sources s WHERE s.id = o.source_id)) + (SELECT count(*) FROM observation_revisions r "
        "WHERE r.source_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM sources s WHERE s.id = r.source_id))"
    ),
    "unknown_reason": (
        "SELECT count(*) FROM observation_revisions r WHERE r.reason_id IS NOT NULL AND NOT EXISTS "
        "(SELECT 1 FROM revision_reasons x WHERE x.id = r.reason_id)"
    ),
}


def check_observations(conn: Connection) -> dict[str, int]:
    """Count violations of each invariant in :data:`CHECKS` (all zero in a healthy store). Full scans."""
    return {name: int(conn.exec_driver_sql(sql).scalar_one()) for name, sql in CHECKS.items()}
