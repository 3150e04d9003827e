"""A deployment of the scale-out mode for the tests: a fresh PostgreSQL database, a Redis
broker database of its own, one pair of sandboxes per integration (each merchant its own Houzz
store and QBC account), and real `orderbridge worker` / `orderbridge scheduler` processes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import redis
from cryptography.fernet import Fernet

from orderbridge.crypto import SecretBox
from orderbridge.sandbox.launcher import SandboxPair, start_sandboxes
from orderbridge.settings import Settings
from orderbridge.store import Store, integrations, open_store
from orderbridge.workflows.sandbox_connection import save_sandbox_credentials

_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw")
REDIS_URL = f"redis://127.0.0.1:6379/{11 + int(_WORKER or 0) % 5}"
"""A database of the machine's Redis for the tests alone (flushed before and after): one per
pytest-xdist worker, so two farms on two workers never share a broker."""
JOBS_EVERY_S = {"download_every_s": "1", "deliver_every_s": "1", "shipments_every_s": "2",
                "cancellations_every_s": "2", "inventory_every_s": "3", "notify_every_s": "3"}


@dataclass
class Farm:
    home: Path
    database_url: str
    store: Store
    pairs: dict[str, SandboxPair] = field(default_factory=dict)
    ids: dict[str, int] = field(default_factory=dict)
    processes: list[subprocess.Popen[str]] = field(default_factory=list)
    logs: dict[int, Path] = field(default_factory=dict)
    secret_key: str = field(default_factory=lambda: Fernet.generate_key().decode())

    @property
    def settings(self) -> Settings:
        return Settings(home=self.home, database_url=self.database_url,
                        secret_key=self.secret_key, broker_url=REDIS_URL)

    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("ORDERBRIDGE_")}
        env.update(ORDERBRIDGE_HOME=str(self.home), ORDERBRIDGE_DATABASE_URL=self.database_url,
                   ORDERBRIDGE_SECRET_KEY=self.secret_key, ORDERBRIDGE_BROKER_URL=REDIS_URL,
                   NO_PROXY="127.0.0.1,localhost")
        return env

    def add_integrations(self, count: int, **settings: str) -> None:
        box = SecretBox.from_settings(self.settings)
        for number in range(count):
            name = f"m-{number:03d}"
            pair = start_sandboxes()
            pair.seed(12, seed=number)
            with self.store.begin() as session:
                row = integrations.get_or_create_integration(session, name)
                save_sandbox_credentials(session, row.id, box, houzz_url=pair.houzz_url,
                                         qbc_url=pair.qbc_url)
                for key, value in {**JOBS_EVERY_S, "retry_base_s": "0", **settings}.items():
                    integrations.set_setting(session, row.id, key, value)
            self.pairs[name], self.ids[name] = pair, row.id

    def start(self, *command: str) -> subprocess.Popen[str]:
        """The command in its own process, its output to a file (a pipe nobody reads while
        the test waits would fill up and block the process's logging)."""
        self.home.mkdir(parents=True, exist_ok=True)
        log = self.home / f"{command[0]}-{len(self.processes)}.log"
        with log.open("w") as out:
            process = subprocess.Popen([sys.executable, "-m", "orderbridge", *command],
                                       env=self.env(), text=True, stdout=out,
                                       stderr=subprocess.STDOUT)
        self.processes.append(process)
        self.logs[process.pid] = log
        return process

    def worker(self, concurrency: int = 16) -> subprocess.Popen[str]:
        return self.start("worker", "--concurrency", str(concurrency))

    def scheduler(self) -> subprocess.Popen[str]:
        return self.start("scheduler", "--tick-s", "0.5")

    def stop_all(self) -> dict[int, str]:
        """SIGTERM every process still running (a warm shutdown); what each printed."""
        outputs = {}
        for process in self.processes:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
            outputs[process.pid] = self.logs[process.pid].read_text()
        self.processes.clear()
        return outputs

    def close(self) -> None:
        self.stop_all()
        for pair in self.pairs.values():
            pair.stop()
        self.store.close()


def open_farm(home: Path, database_url: str) -> Farm:
    broker = redis.Redis.from_url(REDIS_URL)
    broker.flushdb()
    broker.close()
    settings = Settings(home=home, database_url=database_url)
    return Farm(home, database_url, open_store(settings))


def wait_until(condition: Callable[[], bool], timeout_s: float, what: str,
               farm: Farm) -> float:
    """Poll ``condition`` until it holds (the seconds it took), or fail saying ``what``."""
    started = time.monotonic()
    while not condition():
        for process in farm.processes:
            assert process.poll() is None or process.returncode == -signal.SIGKILL, (
                process.args, farm.logs[process.pid].read_text()[-3000:])
        if time.monotonic() - started > timeout_s:
            raise AssertionError(f"not within {timeout_s:g} s: {what}")
        time.sleep(0.25)
    return time.monotonic() - started
