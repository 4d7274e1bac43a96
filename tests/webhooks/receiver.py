"""A real HTTP server on 127.0.0.1 that records what it is sent (webhooks, SMS gateway)."""

import json
import threading
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Received:
    def __init__(self, statuses):
        self.requests = []  # (path, headers as a dict, body bytes)
        self.statuses = list(statuses)  # answers in turn; the last one repeats
        self.url = ""

    def json(self, n=-1):
        return json.loads(self.requests[n][2])


@contextmanager
def receiver(statuses=(200,)):
    """Yields a Received whose `url` takes POSTs and answers with `statuses` in turn."""
    received = Received(statuses)

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            received.requests.append((self.path, dict(self.headers), body))
            status = (
                received.statuses.pop(0) if len(received.statuses) > 1 else received.statuses[0]
            )
            answer = json.dumps({"id": f"gw-{len(received.requests)}"}).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    received.url = f"http://127.0.0.1:{server.server_address[1]}/hook"
    try:
        yield received
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
