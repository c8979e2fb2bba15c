"""A stand-in AWS Lambda service for the client suites: the Invoke API
(POST /2015-03-31/functions/{name}/invocations) on a loopback port, calling Python handlers
registered under a function ARN and recording the events they got.

    lam = StandInLambda()                      # serving at lam.endpoint
    lam.register(arn, handler)                 # handler(event) -> event (its response filled in)
    lam.events(arn)                            # the events received, oldest first

A handler that raises answers as a function error (X-Amz-Function-Error: Unhandled).
"""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import unquote


class StandInLambda:
    def __init__(self):
        self._handlers = {}
        self._events = []
        self._lock = threading.Lock()
        lam = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def do_POST(self):
                lam._serve(self)

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.endpoint = f"http://127.0.0.1:{self._server.server_address[1]}"
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def register(self, arn, handler):
        with self._lock:
            self._handlers[arn] = handler

    def events(self, arn):
        with self._lock:
            return [event for name, event in self._events if name == arn]

    def close(self):
        self._server.shutdown()

    def _serve(self, request):
        parts = request.path.split("/")
        body = request.rfile.read(int(request.headers.get("Content-Length") or 0))
        if len(parts) != 5 or parts[1:3] != ["2015-03-31", "functions"] or parts[4] != "invocations":
            return self._reply(request, 404, {"message": "no such route"}, "UnknownOperationException")
        name = unquote(parts[3])
        event = json.loads(body)
        with self._lock:
            self._events.append((name, json.loads(body)))
            handler = self._handlers.get(name)
        if handler is None:
            return self._reply(request, 404, {"message": f"Function not found: {name}"}, "ResourceNotFoundException")
        try:
            result = handler(event)
        except Exception as error:  # noqa: BLE001 - a raising handler is a function error
            payload = {"errorMessage": str(error), "errorType": type(error).__name__}
            return self._reply(request, 200, payload, function_error="Unhandled")
        return self._reply(request, 200, event if result is None else result)

    @staticmethod
    def _reply(request, status, payload, error_type=None, function_error=None):
        data = json.dumps(payload).encode()
        request.send_response(status)
        request.send_header("Content-Type", "application/json")
        request.send_header("Content-Length", str(len(data)))
        if error_type:
            request.send_header("x-amzn-ErrorType", error_type)
        if function_error:
            request.send_header("X-Amz-Function-Error", function_error)
        request.end_headers()
        request.wfile.write(data)
