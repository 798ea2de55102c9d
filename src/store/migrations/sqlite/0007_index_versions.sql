-- kordon store, version 7 (SQLite): the list versions a run screened
-- against are written once per index, not once per run. A recording
-- server wrote a row per dataset for every run (seven for every /match),
-- a third of what it wrote; now a run names its index version, and the
-- index's datasets are kept once. Runs recorded before keep their rows
-- (run_datasets_recorded); the view run_datasets shows both, as the table
-- did, for whoever reads the store with SQL.
CREATE TABLE index_versions (
    id INTEGER PRIMARY KEY,
    fingerprint TEXT NOT NULL UNIQUE, -- SHA-256 of built_at and every dataset's name, version, date, count
    built_at TEXT,
    first_recorded_at TEXT NOT NULL
);

CREATE TABLE index_version_datasets (
    index_version_id INTEGER NOT NULL REFERENCES index_versions (id),
    dataset TEXT NOT NULL,
    version TEXT NOT NULL,
    newest_date TEXT,
    entity_count INTEGER NOT NULL,
    PRIMARY KEY (index_version_id, dataset)
);

ALTER TABLE runs ADD COLUMN index_version_id INTEGER REFERENCES index_versions (id);
ALTER TABLE run_datasets RENAME TO run_datasets_recorded;

CREATE VIEW run_datasets AS
    SELECT run_id, dataset, version, newest_date, entity_count FROM run_datasets_recorded
    UNION ALL
    SELECT r.id, d.dataset, d.version, d.newest_date, d.entity_count
      FROM runs r JOIN index_version_datasets d ON d.index_version_id = r.index_version_id;
