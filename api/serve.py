"""Run the API with uvicorn, in one process or in several worker processes.

```
python -m api.serve [--host 127.0.0.1] [--port 8000] [--workers 1] [--log-level info]
```

With several workers the listening socket is bound here, with protocol `IPPROTO_TCP`, and
handed to uvicorn's process supervisor. uvicorn 0.54's own `--workers` binds it with
protocol 0; asyncio then leaves Nagle's algorithm on for every connection, so on Linux each
response on a keep-alive connection waits about 40 ms for the client's delayed ACK
(uvicorn issue 3149). Every worker runs `api.main.create_app`; they share nothing but the
database (roster versions are cached per process by id, approvals are serialised by row locks
or, on SQLite, by `api.db.write_gate`).
"""

from __future__ import annotations

import argparse
import socket

import uvicorn
from uvicorn.supervisors import Multiprocess

APP = "api.main:create_served_app"


def listener(host: str, port: int) -> socket.socket:
    """A TCP listening socket whose accepted connections get TCP_NODELAY from asyncio."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.set_inheritable(True)
    return sock


def logs_access(log_level: str) -> bool:
    """Whether uvicorn's access log can show anything: its lines are at level info, so
    above that the server skips making them at all."""
    return log_level.lower() in ("trace", "debug", "info")


def serve(host: str = "127.0.0.1", port: int = 8000, workers: int = 1,
          log_level: str = "info") -> None:
    """Serve the API until stopped (SIGINT/SIGTERM)."""
    config = uvicorn.Config(APP, factory=True, host=host, port=port, workers=workers,
                            log_level=log_level, access_log=logs_access(log_level))
    if workers <= 1:
        uvicorn.Server(config).run()
        return
    sock = listener(host, port)
    try:
        Multiprocess(config, sockets=[sock]).run()
    finally:
        sock.close()


def main() -> None:
    parser = argparse.ArgumentParser(description="Run the roster API with uvicorn.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--log-level", default="info")
    args = parser.parse_args()
    serve(args.host, args.port, args.workers, args.log_level)


if __name__ == "__main__":
    main()
