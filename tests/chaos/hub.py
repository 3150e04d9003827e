"""The hub's processes in a chaos run, started as a merchant or an operator starts them, and
killed with SIGKILL: embedded (`orderbridge sync` and `orderbridge serve` for the webhooks) or
scaled out (`orderbridge worker` ×N, `orderbridge scheduler`, `orderbridge serve`)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from orderbridge.settings import Settings
from tests.chaos.plan import ChaosPlan

ROOT = Path(__file__).resolve().parents[2]


def hub_environment(settings: Settings) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ORDERBRIDGE_")}
    env.update(ORDERBRIDGE_HOME=str(settings.home), ORDERBRIDGE_DATABASE_URL=settings.database_url,
               NO_PROXY="127.0.0.1,localhost",
               PYTHONPATH=os.pathsep.join([str(ROOT / "src"), env.get("PYTHONPATH", "")]))
    assert settings.secret_key is not None, "the chaos run needs an explicit secret key"
    env["ORDERBRIDGE_SECRET_KEY"] = settings.secret_key.get_secret_value()
    if settings.broker_url:
        env["ORDERBRIDGE_BROKER_URL"] = settings.broker_url
    return env


def run_cli(settings: Settings, *args: str,
            timeout_s: float = 120) -> subprocess.CompletedProcess[str]:
    """One `orderbridge` command, as a merchant types it."""
    return subprocess.run([sys.executable, "-m", "orderbridge", *args], capture_output=True,
                          text=True, env=hub_environment(settings), timeout=timeout_s)


@dataclass
class Role:
    name: str
    command: list[str]
    weight: float
    process: subprocess.Popen[str] | None = None


@dataclass
class HubProcesses:
    settings: Settings
    plan: ChaosPlan
    web_port: int
    roles: list[Role] = field(default_factory=list)
    kills: Counter[str] = field(default_factory=Counter)
    logs: list[Path] = field(default_factory=list)

    def __post_init__(self) -> None:
        serve = ["serve", "--port", str(self.web_port)]
        if self.plan.mode == "embedded":
            self.roles = [Role("sync", ["sync"], 0.65), Role("serve", serve, 0.35)]
        else:
            concurrency = str(self.plan.worker_concurrency)
            workers = [Role(f"worker-{n}", ["worker", "--concurrency", concurrency],
                            0.6 / self.plan.workers) for n in range(self.plan.workers)]
            self.roles = [*workers, Role("scheduler", ["scheduler", "--tick-s", "0.5"], 0.25),
                          Role("serve", serve, 0.15)]

    def start_all(self) -> None:
        for role in self.roles:
            self._start(role)

    def _start(self, role: Role) -> None:
        self.settings.home.mkdir(parents=True, exist_ok=True)
        log = self.settings.home / f"{role.name}-{len(self.logs)}.log"
        self.logs.append(log)
        with log.open("w") as out:
            role.process = subprocess.Popen(
                [sys.executable, "-m", "orderbridge", *role.command], text=True,
                env=hub_environment(self.settings), stdout=out, stderr=subprocess.STDOUT)

    def kill_one(self, role: Role) -> None:
        """SIGKILL it (a crash, an OOM kill, a pulled plug) and count it."""
        process = role.process
        if process is not None and process.poll() is None:
            process.send_signal(signal.SIGKILL)
            process.wait(timeout=30)
            self.kills[role.name.split("-")[0]] += 1

    def restart(self, role: Role) -> None:
        self._start(role)

    def revive(self) -> list[str]:
        """Start again whatever died by itself (a bug: reported), so the run goes on."""
        died = []
        for role in self.roles:
            if role.process is not None and role.process.poll() is not None:
                died.append(f"{role.name} exited {role.process.returncode}")
                self._start(role)
        return died

    def stop_all(self, timeout_s: float = 30) -> None:
        """A warm shutdown (SIGTERM), as an operator stops the hub."""
        for role in self.roles:
            if role.process is not None and role.process.poll() is None:
                role.process.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + timeout_s
        for role in self.roles:
            if role.process is None:
                continue
            try:
                role.process.wait(timeout=max(deadline - time.monotonic(), 0.1))
            except subprocess.TimeoutExpired:
                role.process.kill()
                role.process.wait()

    def tracebacks(self) -> list[str]:
        """Log lines of a traceback the hub printed (never expected: every outcome is a line)."""
        found = []
        for log in self.logs:
            text = log.read_text(errors="replace") if log.exists() else ""
            if "Traceback (most recent call last)" in text:
                start = text.index("Traceback (most recent call last)")
                found.append(f"{log.name}: {text[start:start + 1500]}")
        return found
