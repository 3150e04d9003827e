"""`orderbridge sandbox` as a user runs it: a real process serving both APIs until Ctrl-C."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import time

import httpx


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_sandbox_command_serves_seeded_apis_until_interrupted() -> None:
    houzz_port, qbc_port = free_port(), free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "orderbridge", "sandbox", "--houzz-port", str(houzz_port),
         "--qbc-port", str(qbc_port), "--skus", "7", "--orders", "3", "--rate-limit", "50",
         "--rate-window", "10"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + 30
        output = ""
        while "Ctrl-C stops" not in output:
            assert time.monotonic() < deadline, output
            line = process.stdout.readline() if process.stdout else ""
            assert line or process.poll() is None, output
            output += line
        assert f"--base-url http://127.0.0.1:{houzz_port}" in output
        assert f"--base-url http://127.0.0.1:{qbc_port}" in output
        houzz = httpx.get(f"http://127.0.0.1:{houzz_port}/api", params={
            "format": "json", "method": "getOrders", "Status": "Charged"}, headers={
            "X-HOUZZ-API-SSL-TOKEN": "sandbox-token", "X-HOUZZ-API-USER-NAME": "sandbox-seller",
            "X-HOUZZ-API-APP-NAME": "orderbridge-sandbox"}).json()
        assert houzz["Ack"] == "Success" and len(houzz["Orders"]) == 3
        qbc = httpx.get(f"http://127.0.0.1:{qbc_port}/variants",
                        headers={"Authorization": "Bearer sandbox-token"})
        assert len(qbc.json()["variants"]) == 7
        assert qbc.headers["X-Rate-Limit-Limit"] == "50"
    finally:
        process.send_signal(signal.SIGINT)
        try:
            rest, _ = process.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()  # never leave it running for a later test to trip over
            process.communicate()
            raise
    assert process.returncode == 0
    assert "Stopping the sandboxes" in rest


def test_sandbox_command_reports_a_busy_port() -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = subprocess.run(
            [sys.executable, "-m", "orderbridge", "sandbox", "--houzz-port", str(port),
             "--qbc-port", str(free_port())], capture_output=True, text=True, timeout=30)
    assert result.returncode == 1
    assert f"cannot listen on 127.0.0.1:{port}" in result.stdout + result.stderr
