-- kordon store, version 1 (SQLite). The PostgreSQL file of the same number
-- holds the same tables; only column types and trigger syntax differ.
-- Times are ISO 8601 UTC text ("2026-11-29T06:50:00.123Z") written by kordon,
-- so both engines compare and export them the same way.

-- One screening run: who asked, with what, against which list versions.
-- A run and everything it recorded are written in one transaction, so a run
-- that is visible is complete.
CREATE TABLE runs (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('screen', 'monitor')),
    actor TEXT NOT NULL,
    source TEXT,
    parameters TEXT NOT NULL,
    index_built_at TEXT,
    started_at TEXT NOT NULL,
    finished_at TEXT,
    input_count INTEGER NOT NULL DEFAULT 0,
    match_count INTEGER NOT NULL DEFAULT 0,
    alert_count INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE run_datasets (
    run_id INTEGER NOT NULL REFERENCES runs (id),
    dataset TEXT NOT NULL,
    version TEXT NOT NULL,
    newest_date TEXT,
    entity_count INTEGER NOT NULL,
    PRIMARY KEY (run_id, dataset)
);

-- Every input row as it was screened, and every result with its score and
-- the features that explain it.
CREATE TABLE inputs (
    id INTEGER PRIMARY KEY,
    run_id INTEGER NOT NULL REFERENCES runs (id),
    row_number INTEGER NOT NULL,
    customer_id TEXT,
    name TEXT,
    birth_date TEXT,
    country TEXT,
    gender TEXT,
    schema TEXT,
    identifier TEXT,
    error TEXT
);
CREATE INDEX inputs_run ON inputs (run_id);

CREATE TABLE results (
    id INTEGER PRIMARY KEY,
    input_id INTEGER NOT NULL REFERENCES inputs (id),
    rank INTEGER NOT NULL,
    entity_id TEXT NOT NULL,
    entity_hash TEXT,
    caption TEXT NOT NULL,
    schema TEXT NOT NULL,
    datasets TEXT NOT NULL,
    score REAL NOT NULL,
    is_match INTEGER NOT NULL,
    name_score REAL NOT NULL,
    matched_name TEXT NOT NULL,
    explanation TEXT NOT NULL
);
CREATE INDEX results_input ON results (input_id);

-- A result with match: true that a reviewer has to look at.
CREATE TABLE alerts (
    id INTEGER PRIMARY KEY,
    run_id INTEGER NOT NULL REFERENCES runs (id),
    result_id INTEGER NOT NULL UNIQUE REFERENCES results (id),
    customer_id TEXT,
    entity_id TEXT NOT NULL,
    entity_hash TEXT NOT NULL,
    reason TEXT NOT NULL CHECK (reason IN ('screen', 'new', 'changed')),
    created_at TEXT NOT NULL
);
CREATE INDEX alerts_created ON alerts (created_at);

-- Decisions are evidence: never updated or deleted. A correction is a new
-- row; the newest decision on an alert is its state.
CREATE TABLE decisions (
    id INTEGER PRIMARY KEY,
    alert_id INTEGER NOT NULL REFERENCES alerts (id),
    reviewer TEXT NOT NULL,
    verdict TEXT NOT NULL CHECK (verdict IN ('true-match', 'false-positive', 'escalate')),
    comment TEXT NOT NULL,
    decided_at TEXT NOT NULL
);
CREATE INDEX decisions_alert ON decisions (alert_id);
CREATE INDEX decisions_time ON decisions (decided_at);
CREATE TRIGGER decisions_no_update BEFORE UPDATE ON decisions
BEGIN SELECT RAISE(ABORT, 'decisions are append-only: record a correction as a new decision'); END;
CREATE TRIGGER decisions_no_delete BEFORE DELETE ON decisions
BEGIN SELECT RAISE(ABORT, 'decisions are append-only: record a correction as a new decision'); END;

-- "Customer X is not entity Y" as long as Y's listing has this content
-- hash. Append-only too: allowed = 0 revokes an earlier entry; the newest
-- row for a pair decides.
CREATE TABLE allow_list (
    id INTEGER PRIMARY KEY,
    customer_id TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    entity_hash TEXT NOT NULL,
    allowed INTEGER NOT NULL CHECK (allowed IN (0, 1)),
    decision_id INTEGER REFERENCES decisions (id),
    actor TEXT NOT NULL,
    reason TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX allow_list_pair ON allow_list (customer_id, entity_id);
CREATE TRIGGER allow_list_no_update BEFORE UPDATE ON allow_list
BEGIN SELECT RAISE(ABORT, 'the allow-list is append-only: revoke with a new row'); END;
CREATE TRIGGER allow_list_no_delete BEFORE DELETE ON allow_list
BEGIN SELECT RAISE(ABORT, 'the allow-list is append-only: revoke with a new row'); END;

-- Customers under monitoring, by the id the customer file gives them.
CREATE TABLE customers (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    birth_date TEXT,
    country TEXT,
    gender TEXT,
    schema TEXT,
    identifier TEXT,
    added_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
