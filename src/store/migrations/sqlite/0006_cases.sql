-- kordon store, version 6 (SQLite): cases. A case is one subject's hits
-- under review: a customer's (by its id) or, for an input without one, a
-- name's. Every alert belongs to one case; alerts raised while a subject's
-- case is still open join it, after it is closed they open another.
-- The case row holds its current state for the queue (filters, sort,
-- paging over an index); case_events is its history, append-only, and the
-- evidence of who did what.
CREATE TABLE cases (
    id INTEGER PRIMARY KEY,
    subject TEXT NOT NULL,            -- "customer:<id>" or "name:<input name>"
    customer_id TEXT,
    subject_name TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('open', 'in_review', 'escalated', 'pending_approval', 'closed')),
    verdict TEXT CHECK (verdict IN ('true_match', 'false_positive')), -- closed: the verdict; pending: the proposed one
    assignee TEXT,
    proposed_by TEXT,                 -- pending_approval: who proposed the closing
    top_score REAL NOT NULL,
    alert_count INTEGER NOT NULL,
    datasets TEXT NOT NULL,           -- ",eu_fsf,us_ofac_sdn,": each dataset of its hits between commas
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX cases_state_score ON cases (state, top_score, id);
CREATE INDEX cases_score ON cases (top_score, id);
CREATE INDEX cases_subject ON cases (subject, state);
CREATE INDEX cases_assignee ON cases (assignee, state);
CREATE INDEX cases_updated ON cases (updated_at, id);

CREATE TABLE case_events (
    id INTEGER PRIMARY KEY,
    case_id INTEGER NOT NULL REFERENCES cases (id),
    actor TEXT NOT NULL,
    kind TEXT NOT NULL,
    state TEXT NOT NULL,              -- the case's state after the event
    detail TEXT NOT NULL,             -- the comment, the assignee, the verdict
    alert_id INTEGER REFERENCES alerts (id),
    created_at TEXT NOT NULL
);
CREATE INDEX case_events_case ON case_events (case_id);
CREATE INDEX case_events_time ON case_events (created_at);
CREATE TRIGGER case_events_no_update BEFORE UPDATE ON case_events
BEGIN SELECT RAISE(ABORT, 'case history is append-only'); END;
CREATE TRIGGER case_events_no_delete BEFORE DELETE ON case_events
BEGIN SELECT RAISE(ABORT, 'case history is append-only'); END;

ALTER TABLE alerts ADD COLUMN case_id INTEGER REFERENCES cases (id);
CREATE INDEX alerts_case ON alerts (case_id);
-- the alerts no case has gathered yet: few, found without a scan
CREATE INDEX alerts_uncased ON alerts (id) WHERE case_id IS NULL;

-- What an administrator sets for every replica: the score from which
-- closing a case as a false positive needs a second reviewer.
CREATE TABLE settings (
    name TEXT PRIMARY KEY,
    value TEXT NOT NULL,
    actor TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
