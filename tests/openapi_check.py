#!/usr/bin/env python3
"""Checks a running kordon server against its own OpenAPI document: every
documented operation answers with a documented status, successful JSON
responses carry the fields their schema requires, and error statuses the
server gives for bad input are documented. Usage: openapi_check.py DOC URL"""
import json
import sys
import urllib.error
import urllib.parse
import urllib.request

doc = json.load(open(sys.argv[1]))
base = sys.argv[2]
problems = []

PATH_VALUES = {"dataset": "default", "id": "eu-oj-32014R0269-1426", "kind": "entity"}
QUERY_VALUES = {"q": "Evgeny Primakov", "prefix": "Primakov", "limit": "3"}
BODIES = {
    "match": ("application/json",
              b'{"queries": {"q": {"schema": "Person", "properties": {"name": ["Evgeny Primakov"]}}}}'),
    "reconcilePost": ("application/x-www-form-urlencoded",
                      b"queries=" + urllib.parse.quote(b'{"q0": {"query": "Eric Badege"}}').encode()),
    "scan": ("text/plain", b"Evgeny Primakov heads Rossotrudnichestvo."),
    "screen": ("application/x-ndjson", b'{"schema": "Person", "properties": {"name": ["Eric Badege"]}}\n'),
    # no reason: refused (422) without changing the parties the later checks read
    "judge": ("application/json", b'{"kind": "split", "records": ["eu-oj-32014R0269-1426", "ofac-15718"]}'),
}


def request(method, path, body=None, content_type=None):
    req = urllib.request.Request(base + path, data=body, method=method)
    if content_type:
        req.add_header("Content-Type", content_type)
    try:
        with urllib.request.urlopen(req) as r:
            return r.status, r.headers.get("Content-Type", ""), r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.headers.get("Content-Type", ""), e.read()


def resolve(schema):
    while "$ref" in schema:
        name = schema["$ref"].split("/")[-1]
        schema = doc["components"]["schemas"][name]
    return schema


def required_fields(schema):
    schema = resolve(schema)
    fields = set(schema.get("required", []))
    for part in schema.get("allOf", []):
        fields |= required_fields(part)
    return fields


for path, item in doc["paths"].items():
    for method, op in item.items():
        concrete = path
        for name, value in PATH_VALUES.items():
            concrete = concrete.replace("{%s}" % name, value)
        query = {p["name"]: QUERY_VALUES[p["name"]] for p in op.get("parameters", [])
                 if p["in"] == "query" and p["name"] in QUERY_VALUES}
        if query:
            concrete += "?" + urllib.parse.urlencode(query)
        content_type, body = BODIES.get(op["operationId"], (None, None))
        status, ctype, payload = request(method.upper(), concrete, body, content_type)
        where = f"{method.upper()} {concrete}"
        if str(status) not in op["responses"]:
            problems.append(f"{where}: status {status} is not documented ({sorted(op['responses'])})")
            continue
        spec = op["responses"][str(status)]
        media = spec.get("content", {})
        if "application/json" in media and status == 200:
            if not ctype.startswith("application/json"):
                problems.append(f"{where}: documented JSON, got {ctype}")
                continue
            data = json.loads(payload)
            missing = required_fields(media["application/json"]["schema"]) - set(data)
            if missing:
                problems.append(f"{where}: response lacks required {sorted(missing)}")
        # an unknown dataset is a documented 404 wherever the path takes one
        if "{dataset}" in path:
            bad = path.replace("{dataset}", "no_such_dataset")
            for name, value in PATH_VALUES.items():
                bad = bad.replace("{%s}" % name, value)
            status, _, _ = request(method.upper(), bad, body, content_type)
            if status != 404 or "404" not in op["responses"]:
                problems.append(f"{method.upper()} {bad}: unknown dataset gave {status}")

# and nothing undocumented answers
for path in ["/nope", "/v1/match/default", "/entities", "/admin/other"]:
    status, _, _ = request("GET", path)
    if status != 404 and path not in doc["paths"]:
        problems.append(f"GET {path}: undocumented path answered {status}")

for p in problems:
    print("openapi:", p, file=sys.stderr)
sys.exit(1 if problems else 0)
