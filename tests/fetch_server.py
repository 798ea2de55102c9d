#!/usr/bin/env python3
"""A local HTTP server for kordon's fetch tests: serves the real lists under
ROOT, and misbehaves the ways publishers' servers do. The first path segment
picks the behaviour, the rest is a file under ROOT:

  /ok/REL          200 with ETag and Last-Modified; 304 when they match
  /noetag/REL      200 without validators
  /lastmod/REL     200 with Last-Modified only; 304 when If-Modified-Since matches
  /404/REL         404          /500/REL   500 every time
  /flaky/REL       503 on the first request for REL, then as /ok/
  /truncated/REL   announces the full Content-Length, sends half, closes
  /slow/REL        sends 100 bytes, then one byte every half second
  /html/REL        200 with an HTML error page (a list of the wrong format)
  /shrunk/REL      a UN XML list keeping one INDIVIDUAL/ENTITY in ten
  /redirect/REL    302 to /ok/REL

Listens on 127.0.0.1 on a free port and prints it on the first line of
stdout. Exits when stdin closes, so it never outlives the test that started
it. Standard library only."""
import hashlib
import http.server
import os
import re
import sys
import threading
import time
from email.utils import formatdate

# realpath: the data directory may itself be reached through a symlink
ROOT = os.path.realpath(sys.argv[1])
seen_flaky = set()
seen_lock = threading.Lock()


def shrink_un(data):
    """Keeps every tenth <INDIVIDUAL> and <ENTITY> of a UN consolidated list."""
    text = data.decode("utf-8")
    for tag in ("INDIVIDUAL", "ENTITY"):
        count = [0]

        def keep(m):
            count[0] += 1
            return m.group(0) if count[0] % 10 == 1 else ""

        text = re.sub(r"<%s>.*?</%s>\s*" % (tag, tag), keep, text, flags=re.S)
    return text.encode("utf-8")


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        pass

    def send_body(self, status, body, content_type="application/octet-stream", extra=()):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for k, v in extra:
            self.send_header(k, v)
        self.end_headers()
        try:
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client stopped reading (a size limit): expected

    def do_GET(self):
        parts = self.path.split("/", 2)
        if len(parts) < 3:
            return self.send_body(400, b"bad path\n", "text/plain")
        mode, rel = parts[1], parts[2].split("?")[0]
        path = os.path.realpath(os.path.join(ROOT, rel))
        if not path.startswith(ROOT + os.sep) or not os.path.isfile(path):
            return self.send_body(404, b"no such file\n", "text/plain")
        with open(path, "rb") as f:
            data = f.read()
        if mode == "redirect":
            self.send_response(302)
            self.send_header("Location", "/ok/" + rel)
            self.send_header("ETag", '"not-the-list"')
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        if mode == "404":
            return self.send_body(404, b"<html><body>Not Found</body></html>", "text/html")
        if mode == "500":
            return self.send_body(500, b"<html><body>Internal Server Error</body></html>",
                                  "text/html")
        if mode == "flaky":
            with seen_lock:
                first = rel not in seen_flaky
                seen_flaky.add(rel)
            if first:
                return self.send_body(503, b"try again\n", "text/plain")
            mode = "ok"
        if mode == "ok":
            etag = '"%s"' % hashlib.sha256(data).hexdigest()[:16]
            modified = formatdate(os.path.getmtime(path), usegmt=True)
            validators = (("ETag", etag), ("Last-Modified", modified))
            if self.headers.get("If-None-Match") == etag:
                self.send_response(304)
                for k, v in validators:
                    self.send_header(k, v)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            return self.send_body(200, data, extra=validators)
        if mode == "lastmod":
            modified = formatdate(os.path.getmtime(path), usegmt=True)
            if self.headers.get("If-Modified-Since") == modified:
                self.send_response(304)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            return self.send_body(200, data, extra=(("Last-Modified", modified),))
        if mode == "noetag":
            return self.send_body(200, data)
        if mode == "html":
            return self.send_body(200, b"<!DOCTYPE html>\n<html><head><title>Maintenance"
                                  b"</title></head><body>Back soon</body></html>\n",
                                  "text/html")
        if mode == "shrunk":
            return self.send_body(200, shrink_un(data), "application/xml")
        if mode == "truncated":
            self.send_response(200)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data[: len(data) // 2])
            self.wfile.flush()
            self.close_connection = True
            return
        if mode == "slow":
            self.send_response(200)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            try:
                self.wfile.write(data[:100])
                self.wfile.flush()
                for i in range(100, min(len(data), 220)):
                    time.sleep(0.5)
                    self.wfile.write(data[i : i + 1])
                    self.wfile.flush()
            except OSError:
                pass  # the client gave up, as it should
            self.close_connection = True
            return
        return self.send_body(400, b"unknown mode\n", "text/plain")


def main():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    print(server.server_address[1], flush=True)

    def watch_stdin():
        sys.stdin.read()
        os._exit(0)

    threading.Thread(target=watch_stdin, daemon=True).start()
    server.serve_forever()


if __name__ == "__main__":
    main()
