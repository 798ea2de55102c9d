-- kordon store, version 2 (SQLite): analysts' judgments on parties.
-- The build joins the records of several lists that are one real person,
-- body or vessel into a party; an analyst corrects it: "merge" says two
-- records are one party, "split" that they are two, whatever the rules
-- say. Append-only: "revoke" ends the judgment on a pair, and the newest
-- row of a pair is its state. record_a sorts before record_b.
CREATE TABLE party_judgments (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('merge', 'split', 'revoke')),
    record_a TEXT NOT NULL,
    record_b TEXT NOT NULL CHECK (record_a < record_b),
    actor TEXT NOT NULL,
    reason TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX party_judgments_pair ON party_judgments (record_a, record_b);
CREATE TRIGGER party_judgments_no_update BEFORE UPDATE ON party_judgments
BEGIN SELECT RAISE(ABORT, 'judgments are append-only: revoke with a new row'); END;
CREATE TRIGGER party_judgments_no_delete BEFORE DELETE ON party_judgments
BEGIN SELECT RAISE(ABORT, 'judgments are append-only: revoke with a new row'); END;
