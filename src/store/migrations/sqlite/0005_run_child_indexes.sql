-- kordon store, version 5: every table that refers to runs is indexed by
-- its run. A run's rows are written before its runs row (deferred foreign
-- keys, version 3); inserting the runs row then looks for the rows that
-- wait for it, and without an index that was a scan of every dataset row
-- of every earlier run: recording slowed as the store grew. Reading a
-- run's datasets (audit) and alerts by run was the same scan.
CREATE INDEX run_datasets_run ON run_datasets (run_id);
CREATE INDEX alerts_run ON alerts (run_id);
