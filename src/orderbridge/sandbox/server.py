"""Serving a simulator on loopback: in a background thread (tests, the demo) or in the
foreground next to the other one (`orderbridge sandbox`)."""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from dataclasses import dataclass

import uvicorn
from fastapi import FastAPI

LOOPBACK = "127.0.0.1"


def bind_loopback(port: int = 0, host: str = LOOPBACK) -> socket.socket:
    """Bind a listening socket; port 0 picks a free one."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        raise OSError(f"cannot listen on {host}:{port} ({exc.strerror}); "
                      "is another sandbox already running? pick another port") from exc
    # Without TCP_NODELAY every small answer waits for the peer's delayed ACK (~40 ms).
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    sock.listen(2048)
    return sock


def _server_for(app: FastAPI) -> uvicorn.Server:
    config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="off",
                            timeout_keep_alive=30)
    return uvicorn.Server(config)


@dataclass
class RunningServer:
    """A simulator listening on loopback in a background thread."""

    base_url: str
    _server: uvicorn.Server
    _thread: threading.Thread

    def stop(self) -> None:
        self._server.should_exit = True
        self._thread.join(timeout=10)


def serve_in_thread(app: FastAPI, port: int = 0, host: str = LOOPBACK) -> RunningServer:
    """Start `app` on `host:port` in a daemon thread and wait until it accepts connections."""
    sock = bind_loopback(port, host)
    bound_port = sock.getsockname()[1]
    server = _server_for(app)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True,
                              name=f"sandbox-{bound_port}")
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError(f"sandbox on {host}:{bound_port} did not start")
        time.sleep(0.01)
    return RunningServer(f"http://{host}:{bound_port}", server, thread)


async def serve_together(apps: list[tuple[FastAPI, socket.socket]]) -> None:
    """Serve several apps on one event loop until interrupted."""
    servers = [_server_for(app) for app, _ in apps]
    await asyncio.gather(*(server.serve(sockets=[sock]) for server, (_, sock) in
                           zip(servers, apps, strict=True)))
