"""A real HTTP server on 127.0.0.1 that plays an SMS provider, for the tests and the bench.

`LocalGateway()` listens on a free port in a thread; `url(path)` is an address on it. What each
request carried (method, path, headers, body) is kept in `received`. The path says what the
provider does:

- `/ok` (any other path too): 200 and `{"messageId": N}`, N counting from 1;
- `/nested`: 200 and `{"result": {"ids": ["X-N"]}}`;
- `/status/CODE`: that HTTP status, with a JSON error body;
- `/slow/SECONDS`: waits, then answers as `/ok` (a timeout on the client side);
- `/text`: 200 with a plain-text answer (`OK 85.95 123…`, an ESC in it);
- `/noid`: 200 and `{"status": "queued"}` (no id);
- `/ovh`: 200 and OVHcloud http2sms's JSON success (`{"status": 100, …, "SmsIds": ["N"]}`);
- `/ovh-refused`: 200 and its JSON failure (`{"status": 201, "message": "Missing message."}`);
- `/drop`: closes the connection without answering (the provider died mid-request);
- `/echo-token`: 400 with an answer quoting the Authorization header (a provider that leaks it).
"""

from __future__ import annotations

import itertools
import json
import socket
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass(frozen=True)
class Received:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes

    def json(self) -> object:
        return json.loads(self.body.decode("utf-8"))


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"

    def log_message(self, *args: object) -> None:  # quiet
        pass

    def _answer(self, status: int, payload: bytes, content_type: str = "application/json") -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def _handle(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        self.server.gateway.received.append(Received(self.command, self.path, dict(self.headers.items()), body))
        path = self.path.split("?")[0]
        number = next(self.server.gateway.ids)
        if path.startswith("/status/"):
            code = int(path.rsplit("/", 1)[1])
            said = {"code": code, "message": "erreur simulée \x1b[2J"}  # an ESC: shown inert
            self._answer(code, json.dumps(said).encode())
        elif path.startswith("/slow/"):
            time.sleep(float(path.rsplit("/", 1)[1]))
            self._answer(200, json.dumps({"messageId": number}).encode())
        elif path == "/text":
            self._answer(200, b"OK\n85.95\n123456789\x1b[2J\n", "text/plain")  # an ESC: shown inert
        elif path == "/noid":
            self._answer(200, b'{"status": "queued"}')
        elif path == "/nested":
            self._answer(200, json.dumps({"result": {"ids": [f"X-{number}"]}}).encode())
        elif path == "/drop":
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)
        elif path == "/ovh":
            self._answer(200, json.dumps({"status": 100, "creditLeft": "1987", "SmsIds": [str(number)]}).encode())
        elif path == "/ovh-refused":
            self._answer(200, b'{"status": 201, "message": "Missing message."}')
        elif path == "/echo-token":
            said = {"error": f"jeton refusé : {self.headers.get('Authorization', '')}"}
            self._answer(400, json.dumps(said, ensure_ascii=False).encode())
        else:
            self._answer(200, json.dumps({"messageId": number}).encode())

    do_POST = _handle
    do_GET = _handle


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    gateway: LocalGateway

    def handle_error(self, request: object, client_address: object) -> None:
        """Not printed: a client that gave up (the timeout tests, /slow/) leaves its handler
        writing to a closed socket, seconds later, and socketserver's traceback on stderr landed
        in whatever test the same worker ran then (one that asserts no « Traceback » there)."""


class LocalGateway:
    def __init__(self) -> None:
        self.received: list[Received] = []
        self.ids = itertools.count(1)
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.gateway = self
        self.port = self._server.server_address[1]
        # serve_forever sees a shutdown() request only between two polls: 0.5 s apart by default,
        # which close() waited out (~0.4 s) at the end of every worker's session, all at once, and
        # of each test with a gateway of its own. A poll costs ~10 µs: 20 a second are nothing.
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, name="sms-gateway", daemon=True
        )
        self._thread.start()

    def url(self, path: str = "/ok") -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def last(self) -> Received:
        return self.received[-1]

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()
