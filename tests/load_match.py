#!/usr/bin/env python3
"""A small load generator for tests/e2e_replicas.sh: POST /match requests,
each one query whose key is a unique customer id, from several threads at
once, for a number of seconds or requests. Prints one JSON line: the count
of answers per HTTP status (0 for a connection that failed) and the ids
answered 200, so the test can compare what clients were told with what the
store recorded.

usage: load_match.py URL ACTOR PREFIX SECONDS CONCURRENCY [--name NAME] [--key]
  --key: send each request with an Idempotency-Key (its customer id)
"""
import http.client
import json
import sys
import threading
import time
import urllib.parse


def main():
    url, actor, prefix, seconds, concurrency = sys.argv[1:6]
    name = "Evgeny Primakov"
    if "--name" in sys.argv:
        name = sys.argv[sys.argv.index("--name") + 1]
    with_key = "--key" in sys.argv
    parsed = urllib.parse.urlparse(url)
    until = time.monotonic() + float(seconds)
    lock = threading.Lock()
    counter = [0]
    codes = {}
    answered = []

    def worker():
        conn = None
        while time.monotonic() < until:
            with lock:
                counter[0] += 1
                n = counter[0]
            cid = f"{prefix}-{n}"
            body = json.dumps({"queries": {cid: {"schema": "Person", "properties": {"name": [name]}}}})
            headers = {"Content-Type": "application/json", "X-Kordon-User": actor}
            if with_key:
                headers["Idempotency-Key"] = cid
            status = 0
            try:
                if conn is None:
                    conn = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=10)
                conn.request("POST", "/match/default", body=body, headers=headers)
                resp = conn.getresponse()
                resp.read()
                status = resp.status
                if resp.getheader("Connection", "").lower() == "close":
                    conn.close()
                    conn = None
            except (OSError, http.client.HTTPException):
                if conn is not None:
                    conn.close()
                conn = None
            with lock:
                codes[status] = codes.get(status, 0) + 1
                if status == 200:
                    answered.append(cid)
        if conn is not None:
            conn.close()

    threads = [threading.Thread(target=worker) for _ in range(int(concurrency))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    print(json.dumps({"codes": {str(k): v for k, v in sorted(codes.items())}, "answered": answered}))


if __name__ == "__main__":
    main()
