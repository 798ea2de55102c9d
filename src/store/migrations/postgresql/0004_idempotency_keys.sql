-- kordon store, version 4 (PostgreSQL): answers kept by their Idempotency-Key.
-- A client (or a load balancer) that retries a request with the same key
-- gets the answer the first one got, and nothing is recorded twice. The
-- key is the route and the client's key; request_sha256 tells a retry from
-- another request reusing a key.
CREATE TABLE idempotency_keys (
    key TEXT PRIMARY KEY,
    request_sha256 TEXT NOT NULL,
    status INTEGER NOT NULL,
    content_type TEXT NOT NULL,
    body TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at);
