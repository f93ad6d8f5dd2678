"""The schema as SQLAlchemy Core tables; Alembic migrations must produce exactly this (a test compares).

Catalog tables are keyed by ``code``. References that may point at something a later package brings
(predecessor programs, parent territories, an indicator's agency) are stored as codes; the hot tables
(observations, revisions) use integer ids only, to keep 10 M-row stores lean.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    SmallInteger,
    String,
    Table,
    Text,
    UniqueConstraint,
)

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

metadata = MetaData(naming_convention=NAMING)

#: Observation status codes as stored (smallint) and as shown.
STATUS_CODES = {"submitted": 0, "approved": 1, "published": 2}

# SQLite's INTEGER PRIMARY KEY must be exactly INTEGER to alias the rowid; BigInteger elsewhere.
Id = BigInteger().with_variant(Integer(), "sqlite")


def _names() -> list[Column]:
    return [
        Column("name_kk", Text, nullable=False),
        Column("name_ru", Text, nullable=False),
        Column("name_en", Text, nullable=False),
    ]


agencies = Table(
    "agencies",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("code", String(64), nullable=False, unique=True),
    *_names(),
)

sources = Table(
    "sources",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("code", String(64), nullable=False, unique=True),
    Column("title", Text, nullable=False),
    Column("kind", String(16), nullable=False),
    Column("url", Text),
    Column("publisher", Text),
    Column("licence", Text),
    Column("name_kk", Text),
    Column("name_ru", Text),
    Column("name_en", Text),
)

territories = Table(
    "territories",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("code", String(32), nullable=False, unique=True),
    Column("level", String(16), nullable=False),
    Column("parent", String(32)),
    Column("valid_from", Date),
    Column("valid_to", Date),
    Column("successors", Text),  # ';'-separated codes
    Column("iso_code", String(16)),
    *_names(),
)

territory_changes = Table(
    "territory_changes",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("day", Date, nullable=False),
    Column("kind", String(16), nullable=False),
    Column("source", String(32), nullable=False),
    Column("target", String(32), nullable=False),
    Column("share", Float, nullable=False),
    Column("basis", String(32), nullable=False),
    UniqueConstraint("day", "source", "target", name="uq_territory_changes_key"),
)

programs = Table(
    "programs",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("code", String(64), nullable=False, unique=True),
    *_names(),
    Column("kind", String(32), nullable=False),
    Column("start_year", Integer, nullable=False),
    Column("end_year", Integer, nullable=False),
    Column("status", String(16), nullable=False),
    Column("owner", String(64)),
    Column("legal_act", Text),  # English, or the one text given for every language
    Column("legal_act_kk", Text),
    Column("legal_act_ru", Text),  # set only when given per language
    Column("repealed_on", Date),
    Column("description_kk", Text),
    Column("description_ru", Text),
    Column("description_en", Text),
)

program_predecessors = Table(
    "program_predecessors",
    metadata,
    Column("program_id", Integer, ForeignKey("programs.id", ondelete="CASCADE"), primary_key=True),
    Column("predecessor", String(64), primary_key=True),
    Column("position", Integer, nullable=False),
)

goals = Table(
    "goals",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("program_id", Integer, ForeignKey("programs.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("code", String(64), nullable=False, unique=True),
    Column("parent", String(64)),
    Column("kind", String(8), nullable=False),
    Column("position", Integer, nullable=False),
    *_names(),
)

indicators = Table(
    "indicators",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("code", String(96), nullable=False, unique=True),
    Column("program_id", Integer, ForeignKey("programs.id"), index=True),  # NULL = reference indicator
    Column("position", Integer, nullable=False),
    *_names(),
    Column("unit", String(16), nullable=False),
    Column("direction", String(8), nullable=False),
    Column("kind", String(12), nullable=False),
    Column("level", String(8), nullable=False),
    Column("frequency", String(1), nullable=False),
    Column("span_from", String(7)),
    Column("span_to", String(7)),
    Column("goal", String(64)),
    Column("agency", String(64)),
    Column("source", String(64)),
    Column("ratio_numerator", String(96)),
    Column("ratio_denominator", String(96)),
    Column("ratio_scale", Float),
    Column("tolerance", Float),
    Column("definition_kk", Text),
    Column("definition_ru", Text),
    Column("definition_en", Text),
    Column("continues", String(96)),  # an indicator code of a predecessor program (lineage)
    # declared ``range``: both NULL = none declared (the unit's own applies); an open side is stored infinite
    Column("range_low", Float),
    Column("range_high", Float),
)

commitments = Table(
    "commitments",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("indicator_id", Integer, ForeignKey("indicators.id"), nullable=False),
    Column("kind", String(8), nullable=False),
    Column("period", String(7), nullable=False),
    Column("period_start", Integer, nullable=False),
    Column("territory", String(32), nullable=False),  # '' = the whole program scope
    Column("version", Integer, nullable=False),
    Column("value", Float, nullable=False),
    Column("decided_on", Date, nullable=False),
    Column("document", Text, nullable=False),
    Column("note", Text),
    Column("recorded_at", DateTime, nullable=False),
    UniqueConstraint("indicator_id", "kind", "period", "territory", "version", name="uq_commitments_key"),
)

observations = Table(
    "observations",
    metadata,
    Column("id", Id, primary_key=True),
    Column("indicator_id", Integer, ForeignKey("indicators.id"), nullable=False),
    Column("territory_id", Integer, ForeignKey("territories.id"), nullable=False),
    Column("period", String(7), nullable=False),
    Column("period_start", Integer, nullable=False),
    Column("value", Float, nullable=False),
    Column("source_id", Integer),  # sources.id; no FK: a per-row check would cost 20 % of a bulk load
    Column("note", Text),
    Column("status", SmallInteger, nullable=False),
    Column("n_values", Integer, nullable=False),  # values it has had = its revision rows (first included)
    Column("first_recorded", DateTime, nullable=False),
    Column("recorded_at", DateTime, nullable=False),
    UniqueConstraint("indicator_id", "territory_id", "period", name="uq_observations_key"),
)

observation_revisions = Table(
    "observation_revisions",
    metadata,
    Column("id", Id, primary_key=True),
    # observations.id. No FK (nor on source_id): rows are only ever written set-based from observations by
    # the merge code, and a per-row FK check costs a third of this table's bulk insert (tests check the
    # invariant instead: every revision has its observation, n_values = number of revisions).
    Column("observation_id", Id, nullable=False),
    Column("value", Float, nullable=False),
    Column("recorded_at", DateTime, nullable=False),
    Column("reason_id", Integer),  # revision_reasons.id: one import's million revisions share one reason
    Column("source_id", Integer),
    Index("ix_observation_revisions_observation", "observation_id"),
)

revision_reasons = Table(
    "revision_reasons",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("reason", Text, nullable=False),  # '' when none was given
    Column("author", Text, nullable=False),
    UniqueConstraint("reason", "author", name="uq_revision_reasons_key"),
)

# Budget lines (migration 0003): one row per version of one line. The key tells lines of a year and stage
# apart (goal, the budget's own line code, source of funding, currency, the linked indicators as sorted
# ';'-joined codes); '' stands for "none" so the unique key holds on every backend. A changed amount is a new
# version with its decision date and document, as commitments are.
budget_lines = Table(
    "budget_lines",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("program_id", Integer, ForeignKey("programs.id"), nullable=False),
    Column("goal", String(64), nullable=False),  # '' = the whole program
    Column("year", Integer, nullable=False),
    Column("stage", String(10), nullable=False),
    Column("amount", Float, nullable=False),
    Column("currency", String(3), nullable=False),
    Column("source", String(64)),
    Column("line", String(64), nullable=False),  # '' = no line code
    Column("funding", String(16), nullable=False),  # '' = not stated
    Column("indicators", Text, nullable=False),  # sorted ';'-joined codes of budget_indicators ('' = none)
    Column("version", Integer, nullable=False),
    Column("decided_on", Date),
    Column("document", Text),
    Column("recorded_at", DateTime, nullable=False),
    UniqueConstraint(
        "program_id",
        "goal",
        "line",
        "funding",
        "currency",
        "indicators",
        "year",
        "stage",
        "version",
        name="uq_budget_lines_key",
    ),
)

budget_indicators = Table(
    "budget_indicators",
    metadata,
    Column("budget_line_id", Integer, ForeignKey("budget_lines.id", ondelete="CASCADE"), primary_key=True),
    Column("indicator_id", Integer, ForeignKey("indicators.id"), primary_key=True),
)

imports = Table(
    "imports",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("package_hash", String(64), nullable=False, index=True),
    Column("program", String(64)),
    Column("recorded_at", DateTime, nullable=False),
    Column("summary", Text, nullable=False),  # JSON
)

# Stored impact evaluations (H7, migration 0002): the frozen design, the hash of the panel it ran on and the
# result, so an evaluation can be re-run on newer data and compared. JSON columns are Text, as in ``imports``.
evaluations = Table(
    "evaluations",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("program", String(64), nullable=False, index=True),
    Column("indicator", String(96), nullable=False),
    Column("method", String(32), nullable=False),
    Column("design", Text, nullable=False),  # JSON
    Column("data_hash", String(64), nullable=False),
    Column("result", Text, nullable=False),  # JSON: EvaluationResult.to_dict()
    Column("created_at", DateTime, nullable=False),
    Column("author", Text),
    Column("engine_version", String(32), nullable=False),
    Column("label", Text),
)

# The present view of each program (results of every territory, flags, scorecard, budget by year), computed
# when its data change (inside the import's transaction) or on the first read of a new day (migration 0005). A
# row answers only for its key: the program, the day it was judged on, the store version (the last ``imports``
# and ``evaluations`` ids, see ``natije.store.snapshots.store_version``) and the natije version that computed
# it. Frames are Arrow IPC streams (zstd); the scorecard and the national territory codes JSON
# (``natije.services.snapshots``).
result_snapshots = Table(
    "result_snapshots",
    metadata,
    Column("program", String(64), primary_key=True),
    Column("day", Date, primary_key=True),
    Column("store_version", String(32), primary_key=True),
    Column("natije_version", String(32), primary_key=True),
    Column("computed_at", DateTime, nullable=False),
    Column("results", LargeBinary, nullable=False),
    Column("flags", LargeBinary, nullable=False),
    Column("budget", LargeBinary, nullable=False),
    Column("scorecard", Text, nullable=False),  # JSON
    Column("national", Text, nullable=False),  # JSON list of territory codes
)

# The tamper-evident log (migrations 0006 and 0008, docs/ledger.md): its entries in log order, in compressed
# blocks of 256 (store/ledger_blocks.py); the tree's perfect subtrees of every LEDGER_STRIDE-th level (so
# proofs read few hashes); and the signed checkpoints made so far. Entries are only ever appended.
ledger_blocks = Table(
    "ledger_blocks",
    metadata,
    Column("block", Id, primary_key=True, autoincrement=False),  # positions block * 256 onwards
    Column("count", Integer, nullable=False),  # entries held: 256, fewer only in the last block
    Column("last_tx", Integer, nullable=False),  # the transaction number of its last entry
    Column("data", LargeBinary, nullable=False),
)

ledger_nodes = Table(
    "ledger_nodes",
    metadata,
    Column("level", SmallInteger, primary_key=True, autoincrement=False),
    Column("idx", BigInteger, primary_key=True, autoincrement=False),
    Column("hash", LargeBinary, nullable=False),
)

ledger_checkpoints = Table(
    "ledger_checkpoints",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("size", BigInteger, nullable=False),
    Column("root", LargeBinary, nullable=False),
    Column("made_at", DateTime, nullable=False),
    Column("note", Text, nullable=False),  # the signed note, as exported
)

# Accounts (migration 0007, docs/access.md): users, the API tokens of agencies' systems, and the record of
# logins and changes of rights. A password is kept only as its Argon2id hash, a token only as its SHA-256;
# neither is ever logged (the log's views leave them out, see ``natije.store.ledger_views``). Times are naive
# UTC as everywhere; ``disabled_at``/``revoked_at`` NULL = in force.
users = Table(
    "users",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("login", String(64), nullable=False, unique=True),
    Column("display_name", Text, nullable=False),
    Column("password_hash", Text, nullable=False),
    Column("password_set_at", DateTime, nullable=False),
    Column("role", String(16), nullable=False),
    Column("agency", String(64)),
    Column("disabled_at", DateTime),
    Column("created_at", DateTime, nullable=False),
    Column("created_by", Text),
)

api_tokens = Table(
    "api_tokens",
    metadata,
    Column("id", String(16), primary_key=True),  # the public id inside the token (nj_<id>_<secret>)
    Column("digest", String(64), nullable=False),  # SHA-256 of the whole token, hex
    Column("name", Text, nullable=False),
    Column("role", String(16), nullable=False),
    Column("agency", String(64)),
    Column("actions", Text, nullable=False),  # ';'-joined action names, in the permission table's order
    Column("expires_at", DateTime, nullable=False),
    Column("revoked_at", DateTime),
    Column("created_at", DateTime, nullable=False),
    Column("created_by", Text),
    Column("last_used_at", DateTime),  # not logged: it changes with use, at most once a minute
)

auth_events = Table(
    "auth_events",
    metadata,
    Column("id", Id, primary_key=True),
    Column("at", DateTime, nullable=False),
    Column("kind", String(24), nullable=False),
    Column("actor", Text),  # who did it: a login, token:ID, cli:USER; NULL for someone not signed in
    Column("login", String(64)),  # the account it is about (as typed, for a failed login)
    Column("token", String(16)),  # the token it is about
    Column("address", String(64)),  # the client's address, when it came over the network
    Column("detail", Text),  # JSON: the rights before and after, a token's scope, why a login was refused
    Index("ix_auth_events_login", "login", "at"),
    Index("ix_auth_events_address", "address", "at"),
)

submissions = Table(
    "submissions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("agency", String(64), nullable=False),
    Column("channel", String(8), nullable=False),  # 'form' | 'xlsx' | 'api'
    Column("actor", Text, nullable=False),  # Principal.name: a login, token:ID
    Column("idempotency_key", String(255)),  # a retried request with the same key gets the first answer
    Column("request_digest", String(64), nullable=False),  # SHA-256 of the canonical request body, hex
    Column("submitted_at", DateTime, nullable=False),
    Column("answer", Text, nullable=False),  # JSON: the first answer, replayed for a retried key
    Column("row_count", Integer, nullable=False),
    UniqueConstraint("actor", "idempotency_key", name="uq_submissions_key"),
)
submitted_values = Table(
    "submitted_values",
    metadata,
    Column("id", Id, primary_key=True),
    Column("submission_id", Integer, ForeignKey("submissions.id"), nullable=False, index=True),
    Column("row", Integer, nullable=False),  # the row number the submitter sees (a spreadsheet's header is 1)
    Column("indicator_id", Integer, ForeignKey("indicators.id"), nullable=False),
    Column("territory_id", Integer, ForeignKey("territories.id"), nullable=False),
    Column("period", String(7), nullable=False),
    Column("period_start", Integer, nullable=False),
    Column("value", Float, nullable=False),
    Column("note", Text),
    Column("source_id", Integer),  # sources.id
    Column("state", String(12), nullable=False),  # 'pending' | 'approved' | 'returned' | 'superseded'
    Column("decided_by", Text),
    Column("decided_at", DateTime),
    Column("reason", Text),  # why it was returned, or why an approved correction changed a published value
    Column("observation_id", BigInteger().with_variant(Integer(), "sqlite")),  # observations.id once approved
    Index("ix_submitted_values_key", "indicator_id", "territory_id", "period"),
    Index("ix_submitted_values_state", "state"),
)

# Signed-in web sessions (migration 0011, docs/web-security.md): the browser holds a random session id, the
# store only its SHA-256, so a copy of the table opens no session. A session ends at ``expires_at``
# (absolute), after ``idle`` without use (``last_seen_at``), at logout (the row is deleted), when its user is
# disabled or its user's password changes after ``password_set_at``. Not logged: it is no published data.
web_sessions = Table(
    "web_sessions",
    metadata,
    Column("digest", String(64), primary_key=True),  # SHA-256 of the session id, hex
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("created_at", DateTime, nullable=False),
    Column("last_seen_at", DateTime, nullable=False),
    Column("expires_at", DateTime, nullable=False),
    Column("password_set_at", DateTime, nullable=False),  # the user's, when the session began
    Column("csrf_secret", String(64), nullable=False),  # the forms' synchronizer token of this session
    Index("ix_web_sessions_user", "user_id"),
)
