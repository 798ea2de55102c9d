-- kordon store, version 3 (SQLite): nothing to change. A server's group
-- commit defers the foreign-key checks of its transaction with PRAGMA
-- defer_foreign_keys, which SQLite allows on any constraint; PostgreSQL
-- needs its constraints declared deferrable (see the file of that name).
SELECT 1;
