"""Load and crash checks of the HTTP API against a real uvicorn on loopback.

```
.venv/bin/python benchmarks/api_load.py [--backend sqlite|postgres|both] [--approvals 420]
                                        [--clients 20] [--workers 1] [--pause-ms 100]
```

1. **Approval latency**: a 60-agent team with the sample's queues and a rule-clean weekly
   rotation roster (300 shifts with meal breaks, 30-minute grid), published; pools of swaps
   that pass every check and stay valid in any order (no agent in two swaps on one day) are
   proposed and accepted (untimed), then `--clients` connections approve a pool in a closed
   loop (timed: user lookup, hard rules of both agents, coverage effect with projected service
   levels, new version, compare-and-set). The load comes from a separate light process
   (asyncio, raw HTTP/1.1 with keep-alive, requests built before the clock starts), which
   also times `GET /health` at the same concurrency in the same run as the baseline of what
   the machine, the HTTP stack and the load generator cost without any work. Reported:
   p50/p95/p99 and throughput, one-client latency, server CPU per approval, the load
   generator's CPU per request, and the machine's load average. A second, paced pass
   (`--pause-ms`) has the same clients pause between approvals, i.e. below saturation.
2. **Conflicting approvals**: up to 20 give-aways of one shift to different colleagues,
   each approval fired 10 times (about 200 calls), plus independent swaps in the same
   burst: expected 1 + independent applied, the rest 409, and the final roster equal to
   the published one with exactly the winners applied (nothing lost, nothing half-done).
3. **Crash during a job**: a long solve job is started, the server (every worker process) is
   killed with SIGKILL while it runs, and restarted: the job must be `failed` and the
   published roster unchanged.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import date, datetime, timedelta
from datetime import time as clock
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from api.models import User  # noqa: E402
from api.security import create_token, hash_password  # noqa: E402
from roster.domain import PlanningPeriod, Roster, Team  # noqa: E402

SECRET = "benchmark-secret-" + "x" * 40
PG = "host=127.0.0.1 port=5432 user=postgres dbname=test"


def week_start() -> date:
    today = date.today()
    return today + timedelta(days=14 - today.weekday())


def requirements(team: Team, start: date) -> list[dict[str, Any]]:
    """A plausible demand profile: agents per 30-minute interval, with volumes."""
    from roster.staffing import required_agents
    rows = []
    shape = {h: v for h, v in zip(range(24), [0, 0, 0, 0, 0, 0, 0, 0, 20, 35, 45, 50, 50, 45,
                                              45, 50, 50, 50, 55, 60, 70, 75, 65, 40],
                                  strict=True)}
    step = team.settings.interval_minutes
    for d in range(7):
        for minute in range(0, 24 * 60, step):
            moment = datetime.combine(start + timedelta(days=d), clock()) + timedelta(
                minutes=minute)
            for name, share in (("presale", 0.6), ("aftersale", 0.4)):
                volume = shape[moment.hour] * share * step / 60
                if volume <= 0:
                    continue
                queue = team.settings.queues[name]
                agents = required_agents(queue, volume, step).agents
                rows.append({"start": moment.strftime("%Y-%m-%d %H:%M"), "queue": name,
                             "agents": int(agents), "volume": round(volume, 3)})
    return rows


def rotation_team(start: date, agents: int = 60) -> tuple[Team, Roster]:
    """A 60-agent team (the sample's queues and targets) and a rule-clean rotation roster:
    5 days on, 2 off, staggered; early 08-17 or late 14-23 with a meal break; presale,
    aftersale or both skills."""
    from roster.domain import (
        Agent,
        Break,
        Contract,
        ContractKind,
        MealBreak,
        Shift,
        ShiftTemplate,
        TeamSettings,
    )
    from roster.sampledata.team import sample_settings
    meal = MealBreak(applies_over_minutes=360, length_minutes=60, earliest_after_minutes=240,
                     latest_after_minutes=240)
    settings = TeamSettings(
        name="bench", display_name="benchmark team", timezone="Asia/Shanghai",
        interval_minutes=30, period_days=7, queues=sample_settings().queues,
        contracts={"full": Contract(name="full", kind=ContractKind.FULL_TIME,
                                    min_minutes_per_week=0, max_minutes_per_week=2880,
                                    max_days_per_week=6, max_consecutive_days=6,
                                    min_rest_hours=11, max_weekends=2)},
        templates={"early": ShiftTemplate(name="early", earliest_start=clock(8),
                                          latest_start=clock(8), length_minutes=540,
                                          meal_break=meal),
                   "late": ShiftTemplate(name="late", earliest_start=clock(14),
                                         latest_start=clock(14), length_minutes=540,
                                         meal_break=meal)})
    people, shifts = [], []
    for i in range(agents):
        skills = ({"presale": 3, "aftersale": 3} if i % 3 == 0 else
                  {"presale": 3} if i % 3 == 1 else {"aftersale": 3})
        agent_id = f"ag{i:02d}"
        people.append(Agent(id=agent_id, name=f"坐席{i:02d}", team="bench", contract="full",
                            skills=skills))
        off = {i % 7, (i + 1) % 7}
        hour = 8 if i % 2 == 0 else 14
        for d in range(7):
            if d in off:
                continue
            day = start + timedelta(days=d)
            begin = datetime.combine(day, clock(hour))
            lunch = begin + timedelta(hours=4)
            shifts.append(Shift(agent_id=agent_id, date=day, start=begin,
                                end=begin + timedelta(hours=9),
                                template="early" if hour == 8 else "late",
                                queue="aftersale" if i % 3 == 2 else "presale",
                                breaks=[Break(start=lunch, end=lunch + timedelta(hours=1))]))
    team = Team(settings=settings, agents=people)
    return team, Roster(team="bench", period=PlanningPeriod(start=start, days=7,
                                                            interval_minutes=30),
                        shifts=shifts)


# ---- servers -------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Server:
    """uvicorn (`workers` processes, through `api.serve`) in its own process group on
    loopback."""

    def __init__(self, url: str, workers: int = 1):
        self.url = url
        self.workers = workers
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> Server:
        env = {**os.environ, "ROSTER_DATABASE_URL": self.url, "ROSTER_SECRET_KEY": SECRET,
               "ROSTER_SOLVE_TIME_LIMIT_SECONDS": "120"}
        self.proc = subprocess.Popen(  # api.serve: uvicorn, TCP_NODELAY with --workers too
            [sys.executable, "-m", "api.serve", "--host", "127.0.0.1", "--port",
             str(self.port), "--log-level", "warning", "--workers", str(self.workers)],
            cwd=ROOT, env=env, start_new_session=True)
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            try:
                ready = httpx.get(f"{self.base}/health", timeout=1).status_code == 200
            except httpx.HTTPError:
                ready = False
            if ready and (self.workers == 1 or len(self.pids()) > self.workers):
                time.sleep(1.0 if self.workers > 1 else 0)  # let every worker finish start-up
                return self
            time.sleep(0.1)
        raise RuntimeError("uvicorn did not start")

    def pids(self) -> list[int]:
        """The server's processes (the supervisor and its workers)."""
        assert self.proc is not None
        out = subprocess.run(["pgrep", "-g", str(self.proc.pid)], capture_output=True,
                             text=True).stdout
        return [int(x) for x in out.split()]

    def cpu_ms(self) -> float:
        """CPU time (user + system) the server's processes have used so far."""
        total = 0
        for pid in self.pids():
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            total += int(fields[11]) + int(fields[12])
        return total * 1000 / os.sysconf("SC_CLK_TCK")

    def kill(self) -> None:
        assert self.proc is not None
        os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait()

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()


def database(backend: str, folder: Path) -> tuple[str, Any]:
    """A fresh database URL and a function that drops it."""
    if backend == "sqlite":
        path = folder / f"bench-{uuid.uuid4().hex[:6]}.db"
        return f"sqlite:///{path}", lambda: None
    import psycopg
    name = f"roster_api_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(PG, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')

    def drop() -> None:
        with psycopg.connect(PG, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    return f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}", drop


class Client:
    """HTTP helper with one token per user."""

    def __init__(self, base: str, users: dict[str, int]):
        self.base = base
        self.users = users
        self.http = httpx.Client(base_url=base, timeout=120,
                                 limits=httpx.Limits(max_connections=64))

    def headers(self, username: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {create_token(self.users[username], SECRET, 600)}"}

    def get(self, username: str, url: str, **kw: Any) -> httpx.Response:
        return self.http.get(url, headers=self.headers(username), **kw)

    def post(self, username: str, url: str, body: Any = None) -> httpx.Response:
        return self.http.post(url, headers=self.headers(username), json=body)


def seed(url: str, team: Team, roster: Roster, reqs: list[dict[str, Any]]) -> dict[str, int]:
    """Migrate and add the planner and two supervisors (agents come after the import)."""
    from api.db import make_engine, make_sessionmaker, migrate
    engine = make_engine(url)
    migrate(engine)
    users: dict[str, int] = {}
    hashed = hash_password("benchmark password")
    with make_sessionmaker(engine)() as session, session.begin():
        for name, role in (("plan", "planner"), ("sup", "supervisor"), ("sup_b", "supervisor")):
            user = User(username=name, password_hash=hashed, role=role, active=True)
            session.add(user)
            session.flush()
            users[name] = user.id
    engine.dispose()
    return users


def publish_world(client: Client, team: Team, roster: Roster,
                  reqs: list[dict[str, Any]], url: str) -> int:
    from api.db import make_engine, make_sessionmaker
    from api.models import SupervisorTeam
    r = client.post("plan", "/teams", {"team": team.model_dump(mode="json")})
    assert r.status_code == 201, r.text
    engine = make_engine(url)
    hashed = hash_password("benchmark password")
    with make_sessionmaker(engine)() as session, session.begin():
        for name in ("sup", "sup_b"):
            session.add(SupervisorTeam(user_id=client.users[name], team_id=team.settings.name))
        for agent in team.agents:
            user = User(username=f"u_{agent.id}", password_hash=hashed, role="agent",
                        team_id=team.settings.name, agent_id=agent.id, active=True)
            session.add(user)
            session.flush()
            client.users[user.username] = user.id
    engine.dispose()
    r = client.post("plan", f"/teams/{team.settings.name}/rosters/upload",
                    {"roster": roster.model_dump(mode="json"), "requirements": reqs})
    assert r.status_code == 201, r.text
    roster_id = r.json()["id"]
    print(f"  uploaded roster: {len(roster.shifts)} shifts, "
          f"{len(r.json()['violations'])} hard violations")
    assert client.post("plan", f"/rosters/{roster_id}/publish").status_code == 200
    return roster_id


def published(client: Client, team_id: str, start: date) -> dict[str, Any]:
    return client.get("plan", f"/teams/{team_id}/rosters/published",
                      params={"start": start.isoformat()}).json()


# ---- the load generator (a separate process) ------------------------------------------------


Call = tuple[str, str, str]
"""(method, path, username)."""


async def _read_response(reader: asyncio.StreamReader) -> int:
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ", 2)[1])
    length = 0
    for line in lines[1:]:
        name, _, value = line.partition(":")
        if name.strip().lower() == "content-length":
            length = int(value)
        elif name.strip().lower() == "transfer-encoding":
            raise RuntimeError(f"expected a Content-Length response, got {line!r}")
    await reader.readexactly(length)
    return status


async def _drive(port: int, requests: list[bytes], clients: int,
                 pause_ms: float = 0.0) -> dict[str, Any]:
    """Send `requests` over `clients` keep-alive connections, each one request at a time
    (and, with `pause_ms`, waiting that long between its requests)."""
    warm = f"GET /health HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n".encode()
    connections = []
    for _ in range(clients):
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(warm)
        await _read_response(reader)
        connections.append((reader, writer))
    latencies: list[float] = [0.0] * len(requests)
    codes: list[int] = [0] * len(requests)
    todo = iter(range(len(requests)))

    async def client(number: int, reader: asyncio.StreamReader,
                     writer: asyncio.StreamWriter) -> None:
        if pause_ms:  # spread the paced clients over one pause
            await asyncio.sleep(pause_ms / 1000 * number / clients)
        for i in todo:
            started = time.perf_counter()
            writer.write(requests[i])
            codes[i] = await _read_response(reader)
            latencies[i] = (time.perf_counter() - started) * 1000
            if pause_ms:
                await asyncio.sleep(pause_ms / 1000)

    cpu = time.process_time()
    started = time.perf_counter()
    await asyncio.gather(*(client(n, r, w) for n, (r, w) in enumerate(connections)))
    seconds = time.perf_counter() - started
    cpu = time.process_time() - cpu
    for _, writer in connections:
        writer.close()
    return {"latencies": latencies, "codes": codes, "seconds": seconds,
            "cpu_ms_per_request": cpu * 1000 / max(len(requests), 1)}


def drive_main() -> None:
    """`api_load.py --drive`: read a plan (JSON) on stdin, print the results (JSON)."""
    plan = json.load(sys.stdin)
    requests = [r.encode() for r in plan["requests"]]
    print(json.dumps(asyncio.run(_drive(plan["port"], requests, plan["clients"],
                                        plan.get("pause_ms", 0.0)))))


def raw_request(method: str, path: str, port: int, token: str, body: Any) -> str:
    data = json.dumps(body) if body is not None else ""
    head = (f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
            f"Authorization: Bearer {token}\r\n")
    if method != "GET":
        head += f"Content-Type: application/json\r\nContent-Length: {len(data)}\r\n"
    return head + "\r\n" + data


def burst(client: Client, calls: list[Call], clients: int, pause_ms: float = 0.0
          ) -> tuple[list[float], list[int], float, float]:
    """Run the calls from the load-generator process over `clients` connections (each
    pausing `pause_ms` between its calls); latencies (ms), status codes, seconds, and the
    generator's CPU ms per request."""
    port = int(client.base.rsplit(":", 1)[1])
    tokens = {user: create_token(client.users[user], SECRET, 600) for _, _, user in calls}
    requests = [raw_request(method, url, port, tokens[user],
                            {"comment": "ok"} if method == "POST" else None)
                for method, url, user in calls]
    plan = json.dumps({"port": port, "clients": min(clients, len(calls)),
                       "requests": requests, "pause_ms": pause_ms})
    done = subprocess.run([sys.executable, __file__, "--drive"], input=plan, text=True,
                          capture_output=True, check=True, timeout=600)
    result = json.loads(done.stdout)
    return (result["latencies"], result["codes"], result["seconds"],
            result["cpu_ms_per_request"])


# ---- 1. approval latency -------------------------------------------------------------------


def exchange_candidates(roster: dict[str, Any], busy: set[str],
                        rng: random.Random) -> list[tuple[str, str, str]]:
    """(requester, peer, date) pairs both working that day with the same template."""
    by_day: dict[tuple[str, str], list[str]] = {}
    for shift in roster["roster"]["shifts"]:
        by_day.setdefault((shift["date"], shift["template"]), []).append(shift["agent_id"])
    found = []
    for (day, _template), agents in by_day.items():
        for a in agents:
            for b in agents:
                if a < b and a not in busy and b not in busy:
                    found.append((a, b, day))
    rng.shuffle(found)
    return found


def prepare_pool(client: Client, team_id: str, start: date, size: int,
                 rng: random.Random) -> list[int]:
    """Propose and accept up to `size` swaps that pass every check and stay valid in any
    order: same-template exchanges on one day, no agent in two swaps on the same day."""
    current = published(client, team_id, start)
    taken: set[tuple[str, str]] = set()
    ready: list[int] = []
    for a, b, day in exchange_candidates(current, set(), rng):
        if len(ready) >= size:
            break
        if (a, day) in taken or (b, day) in taken:
            continue
        r = client.post(f"u_{a}", f"/teams/{team_id}/swaps",
                        {"requester_date": day, "peer_id": b, "peer_date": day})
        if r.status_code != 201:
            continue
        swap = r.json()
        if not swap["check"]["ok"]:
            client.post(f"u_{a}", f"/swaps/{swap['id']}/cancel")
            continue
        accepted = client.post(f"u_{b}", f"/swaps/{swap['id']}/accept")
        if accepted.status_code == 200 and accepted.json()["status"] == "pending_supervisor":
            taken |= {(a, day), (b, day)}
            ready.append(swap["id"])
    return ready


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))
    return ordered[index]


def _summary(latencies: list[float], seconds: float) -> dict[str, float]:
    return {"p50_ms": round(statistics.median(latencies), 1),
            "p95_ms": round(percentile(latencies, 0.95), 1),
            "p99_ms": round(percentile(latencies, 0.99), 1),
            "throughput_per_s": round(len(latencies) / seconds, 1)}


def approval_latency(server: Server, client: Client, team_id: str, start: date, total: int,
                     clients: int, pause_ms: float) -> dict[str, Any]:
    rng = random.Random(7)
    latencies: list[float] = []
    codes: list[int] = []
    seconds = server_cpu = driver_cpu = 0.0
    single: list[float] = []
    load_before = os.getloadavg()[0]
    while len(latencies) < total:
        pool = prepare_pool(client, team_id, start, min(200, total - len(latencies)), rng)
        if not pool:
            break
        if not single:  # one client first: the latency without queueing
            single, got, _, _ = burst(client, [("POST", f"/swaps/{sid}/approve", "sup")
                                               for sid in pool[:30]], 1)
            assert set(got) == {200}, got
            pool = pool[30:]
        calls = [("POST", f"/swaps/{sid}/approve", "sup" if i % 2 else "sup_b")
                 for i, sid in enumerate(pool)]
        cpu_before = server.cpu_ms()
        lat, got, took, driver = burst(client, calls, clients)
        server_cpu += server.cpu_ms() - cpu_before
        latencies += lat
        codes += got
        seconds += took
        driver_cpu += driver * len(calls)
    paced: dict[str, Any] | None = None
    if pause_ms > 0:  # the same clients, each pausing between approvals: below saturation
        pool = prepare_pool(client, team_id, start, 200, rng)
        lat, got, took, _ = burst(client, [("POST", f"/swaps/{sid}/approve", "sup")
                                           for sid in pool], clients, pause_ms)
        assert set(got) == {200}, got
        paced = {"pause_ms": pause_ms, "approvals": len(lat), **_summary(lat, took)}
    cpu_before = server.cpu_ms()
    health, _, health_seconds, health_driver = burst(client, [("GET", "/health", "sup")] * 2000,
                                                     clients)
    health_server = (server.cpu_ms() - cpu_before) / len(health)
    result = {
        "approvals": len(latencies), "ok": codes.count(200),
        "other_codes": sorted(set(codes) - {200}), "clients": clients,
        "workers": server.workers, **_summary(latencies, seconds),
        "one_client_p50_ms": round(statistics.median(single), 1),
        "one_client_p95_ms": round(percentile(single, 0.95), 1),
        "server_cpu_ms_per_approval": round(server_cpu / max(len(latencies), 1), 2),
        "driver_cpu_ms_per_request": round(driver_cpu / max(len(latencies), 1), 3),
        "health": {**_summary(health, health_seconds),
                   "server_cpu_ms_per_request": round(health_server, 2),
                   "driver_cpu_ms_per_request": round(health_driver, 3)},
        "paced": paced,
        "load_average_before_after": [round(load_before, 1), round(os.getloadavg()[0], 1)],
    }
    result["p95_over_health_p95"] = round(
        result["p95_ms"] / max(result["health"]["p95_ms"], 0.01), 1)
    return result


# ---- 2. conflicting approvals --------------------------------------------------------------


def conflicting_approvals(client: Client, team_id: str, start: date) -> dict[str, Any]:
    before = published(client, team_id, start)
    shifts = before["roster"]["shifts"]
    working = {(s["agent_id"], s["date"]) for s in shifts}
    agents = sorted({s["agent_id"] for s in shifts})
    rng = random.Random(11)
    # one shift given away to as many colleagues as the checks allow (at most 20)
    give_aways: list[int] = []
    group: set[str] = set()
    day = None
    for shift in sorted(shifts, key=lambda s: (s["date"], s["agent_id"])):
        candidates = [p for p in agents if (p, shift["date"]) not in working]
        rng.shuffle(candidates)
        made = []
        for peer in candidates:
            r = client.post(f"u_{shift['agent_id']}", f"/teams/{team_id}/swaps",
                            {"requester_date": shift["date"], "peer_id": peer})
            if r.status_code == 201 and r.json()["check"]["ok"]:
                made.append((r.json()["id"], peer))
            elif r.status_code == 201:
                client.post(f"u_{shift['agent_id']}", f"/swaps/{r.json()['id']}/cancel")
            if len(made) >= 20:
                break
        if len(made) >= 10:
            day = shift["date"]
            group = {shift["agent_id"], *(p for _, p in made)}
            for swap_id, peer in made:
                assert client.post(f"u_{peer}", f"/swaps/{swap_id}/accept").status_code == 200
                give_aways.append(swap_id)
            break
        for swap_id, _ in made:
            client.post(f"u_{shift['agent_id']}", f"/swaps/{swap_id}/cancel")
    assert day is not None, "no shift could be given to 10 colleagues"
    # independent swaps among agents outside the group, on other days
    independent: list[int] = []
    busy = set(group)
    for a, b, other in exchange_candidates(before, busy, rng):
        if len(independent) >= 8:
            break
        if a in busy or b in busy or other == day:
            continue
        r = client.post(f"u_{a}", f"/teams/{team_id}/swaps",
                        {"requester_date": other, "peer_id": b, "peer_date": other})
        if r.status_code != 201 or not r.json()["check"]["ok"]:
            continue
        if client.post(f"u_{b}", f"/swaps/{r.json()['id']}/accept").json()["status"] == (
                "pending_supervisor"):
            independent.append(r.json()["id"])
            busy |= {a, b}
    repeats = max(1, -(-(200 - len(independent)) // len(give_aways)))
    calls = [("POST", f"/swaps/{sid}/approve", "sup" if k % 2 else "sup_b")
             for sid in give_aways for k in range(repeats)]
    calls += [("POST", f"/swaps/{sid}/approve", "sup") for sid in independent]
    random.Random(3).shuffle(calls)
    _, codes, _, _ = burst(client, calls, 20)
    after = published(client, team_id, start)
    statuses = {sid: client.get("plan", f"/swaps/{sid}").json()["status"]
                for sid in give_aways + independent}
    winners = [sid for sid in give_aways if statuses[sid] == "approved"]
    applied_independent = [sid for sid in independent if statuses[sid] == "approved"]
    expected_versions = before["version"] + len(winners) + len(applied_independent)
    # replay the approved swaps on the starting roster: the published one must equal it
    replay = {(s["agent_id"], s["date"]): s for s in before["roster"]["shifts"]}
    for sid in winners + applied_independent:
        swap = client.get("plan", f"/swaps/{sid}").json()
        mine = replay.pop((swap["requester_id"], swap["requester_date"]))
        theirs = replay.pop((swap["peer_id"], swap["peer_date"])) if swap["peer_date"] else None
        replay[swap["peer_id"], mine["date"]] = {**mine, "agent_id": swap["peer_id"]}
        if theirs:
            replay[swap["requester_id"], theirs["date"]] = {**theirs,
                                                            "agent_id": swap["requester_id"]}
    final = {(s["agent_id"], s["date"]): (s["start"], s["end"]) for s in
             after["roster"]["shifts"]}
    replayed = {k: (v["start"], v["end"]) for k, v in replay.items()}
    return {
        "calls": len(calls), "give_away_requests": len(give_aways),
        "independent_requests": len(independent),
        "http_200": codes.count(200), "http_409": codes.count(409),
        "other_codes": sorted(set(codes) - {200, 409}),
        "expected_applied": 1 + len(independent),
        "applied": len(winners) + len(applied_independent),
        "versions_added": after["version"] - before["version"],
        "version_matches": after["version"] == expected_versions,
        "lost_or_half_applied": sum(1 for k in set(final) | set(replayed)
                                    if final.get(k) != replayed.get(k)),
    }


# ---- 3. crash during a job -----------------------------------------------------------------


def crash_during_job(server: Server, client: Client, team_id: str, start: date,
                     reqs: list[dict[str, Any]]) -> tuple[dict[str, Any], Server]:
    before = published(client, team_id, start)
    digest = hashlib.sha256(json.dumps(before["roster"], sort_keys=True).encode()).hexdigest()
    r = client.post("plan", f"/teams/{team_id}/rosters",
                    {"start": start.isoformat(), "requirements": reqs,
                     "time_limit_seconds": 120})
    job_id = r.json()["id"]
    deadline = time.monotonic() + 30
    status = "queued"
    while time.monotonic() < deadline and status != "running":
        status = client.get("plan", f"/jobs/{job_id}").json()["status"]
        time.sleep(0.1)
    time.sleep(1.0)
    server.kill()
    restarted = Server(server.url, server.workers)
    restarted.start()
    client.base = restarted.base
    client.http = httpx.Client(base_url=restarted.base, timeout=120)
    job = client.get("plan", f"/jobs/{job_id}").json()
    after = published(client, team_id, start)
    digest_after = hashlib.sha256(json.dumps(after["roster"], sort_keys=True).encode()
                                  ).hexdigest()
    return {"status_when_killed": status, "job_after_restart": job["status"],
            "message": job["message"], "published_id_unchanged": after["id"] == before["id"],
            "published_content_unchanged": digest == digest_after}, restarted


# ---- main ----------------------------------------------------------------------------------


def run_backend(backend: str, args: argparse.Namespace, team: Team, roster: Roster,
                reqs: list[dict[str, Any]], folder: Path) -> dict[str, Any]:
    url, drop = database(backend, folder)
    server = None
    try:
        users = seed(url, team, roster, reqs)
        server = Server(url, args.workers).start()
        client = Client(server.base, users)
        publish_world(client, team, roster, reqs, url)
        team_id = team.settings.name
        start = roster.period.start
        latency = approval_latency(server, client, team_id, start, args.approvals,
                                   args.clients, args.pause_ms)
        print(f"  approval latency: {latency}")
        conflict = conflicting_approvals(client, team_id, start)
        print(f"  conflicting approvals: {conflict}")
        crash, server = crash_during_job(server, client, team_id, start, reqs)
        print(f"  crash during job: {crash}")
        return {"latency": latency, "conflict": conflict, "crash": crash}
    finally:
        if server is not None:
            server.stop()
        drop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--backend", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--approvals", type=int, default=420)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--workers", type=int, default=1, help="uvicorn worker processes")
    parser.add_argument("--pause-ms", type=float, default=100,
                        help="a second, paced pass: each client pauses this long between "
                             "approvals (0: skip)")
    args = parser.parse_args()
    start = week_start()
    team, roster = rotation_team(start)
    reqs = requirements(team, start)
    from roster.checker import check_roster
    violations = check_roster(team, roster)
    assert not violations, violations[:3]
    print(f"team {team.settings.name}: {len(team.agents)} agents, week {start}, "
          f"{len(roster.shifts)} shifts")
    backends = ["sqlite", "postgres"] if args.backend == "both" else [args.backend]
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        for backend in backends:
            print(f"[{backend}]")
            try:
                results[backend] = run_backend(backend, args, team, roster, reqs, Path(tmp))
            except Exception as err:  # report a backend that cannot run, run the others
                if backend == "postgres" and "connect" in str(err).lower():
                    print(f"  skipped: PostgreSQL not reachable ({err})")
                    continue
                raise
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    if sys.argv[1:] == ["--drive"]:
        drive_main()
    else:
        main()
