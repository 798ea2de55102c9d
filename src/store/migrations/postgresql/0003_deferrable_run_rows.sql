-- kordon store, version 3 (PostgreSQL): the foreign keys of a run's rows
-- may be checked at commit. A server writes many small runs in one
-- transaction (group commit) and sends each table's rows with one COPY,
-- the runs themselves last, when their counts are known; within such a
-- transaction the checks are deferred (SET CONSTRAINTS ALL DEFERRED),
-- everywhere else they stay immediate.
ALTER TABLE run_datasets ALTER CONSTRAINT run_datasets_run_id_fkey DEFERRABLE INITIALLY IMMEDIATE;
ALTER TABLE inputs ALTER CONSTRAINT inputs_run_id_fkey DEFERRABLE INITIALLY IMMEDIATE;
ALTER TABLE results ALTER CONSTRAINT results_input_id_fkey DEFERRABLE INITIALLY IMMEDIATE;
ALTER TABLE alerts ALTER CONSTRAINT alerts_run_id_fkey DEFERRABLE INITIALLY IMMEDIATE;
ALTER TABLE alerts ALTER CONSTRAINT alerts_result_id_fkey DEFERRABLE INITIALLY IMMEDIATE;
