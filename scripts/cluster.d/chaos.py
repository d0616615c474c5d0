#!/usr/bin/env python3
"""A scripted, repeatable chaos round against the topology of scripts/cluster.

Run by `scripts/cluster chaos [--seconds N] [--short]` (standard library only).

Through HAProxy: registers an account, logs in, creates a group. Then 4 writer threads add
expenses, each with a unique Idempotency-Key, retried with the same key on any error or timeout
until a 2xx arrives (the id it answers is "acknowledged"); 2 reader-writer threads do the same
and, after each acknowledged write of their own, read it back (GET the expense: a 404 is a stale
read) and the group's balances (a version lower than 1 + the writes acknowledged before this one
started + 1 is a stale read).

Meanwhile the chaos schedule runs its steps in a fixed order (one cycle in --short, cycles until
--seconds are used otherwise): kill -9 an app instance and restart it; SIGTERM another and restart
it; Redis master kill -9 (sentinels promote the replica; the old master is restarted and the
sentinels make it a replica); a replica lag period (SQL thread stopped ~10 s; first, while the
replica is db2, the one the app reads from); MariaDB primary kill -9, promotion of the replica,
the old primary restarted read-only and made a replica of the new one. In Galera mode
(`scripts/cluster up --galera`) the last two steps are instead: a node stalled (SIGSTOP for
~10 s: the others drop it, and it rejoins when it wakes), and kill -9 of a node and its rejoining
by state transfer. 15 s of load alone between steps. Every step waits for conditions, not for fixed times (the lag period's length
and the pauses aside).

At the end: the writers finish, the group's expenses are listed through the API and compared
with the acknowledged set; `splitter-server verify` runs against the final primary; the replica
is compared with the primary (in Galera mode, the three nodes with each other). The last lines are:

    acknowledged N, missing N, duplicated N, stale reads N
    5xx by cause: <status> <code|haproxy> <count> ...
    seconds without a writable primary: X
    all 5xx were 503 with Retry-After: yes|no ...

Exit 1 if anything is missing, duplicated or read stale, if any 5xx was a 500, if verify fails or
the replica differs from the primary.
"""

import argparse
import collections
import csv
import datetime
import io
import json
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid

T0 = time.monotonic()
PRINT_LOCK = threading.Lock()


def now():
    return time.monotonic() - T0


def say(msg):
    with PRINT_LOCK:
        print(f"[{now():7.1f}s] {msg}", flush=True)


def read_kv(path):
    out = {}
    with open(path) as f:
        for line in f:
            line = line.strip()
            if line and not line.startswith("#") and "=" in line:
                k, v = line.split("=", 1)
                out[k] = v
    return out


# --- the cluster: processes, SQL, Redis, HAProxy ---------------------------------------------------

class Cluster:
    def __init__(self, state, cluster_cmd, bin_path, env):
        self.state = state
        self.cmd = cluster_cmd
        self.bin = bin_path
        self.env = env
        self.secrets = read_kv(os.path.join(state, "secrets", "passwords.env"))
        self.mode = env.get("DB_MODE", "replication")
        self.dbs = ["db1", "db2", "db3"] if self.mode == "galera" else ["db1", "db2"]
        self.log = open(os.path.join(state, "chaos", "actions.log"), "a")

    def port(self, name):
        return int(self.env[name.upper() + "_PORT"])

    # processes
    def pid(self, name):
        with open(os.path.join(self.state, "run", name + ".pid")) as f:
            pid, start = f.read().split()
        return int(pid), start

    def alive(self, name):
        try:
            pid, start = self.pid(name)
            with open(f"/proc/{pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            return fields[0] != "Z" and fields[19] == start
        except (OSError, ValueError, IndexError):
            return False

    def kill(self, name, sig):
        pid, _ = self.pid(name)
        if not self.alive(name):
            raise RuntimeError(f"{name} is not running")
        os.kill(pid, sig)
        return pid

    def run(self, *args, timeout=300):
        """scripts/cluster ARGS (an internal subcommand); its output goes to actions.log."""
        self.log.write(f"---- {time.strftime('%H:%M:%S')} cluster {' '.join(args)}\n")
        self.log.flush()
        p = subprocess.run([self.cmd, *args], stdout=self.log, stderr=subprocess.STDOUT, timeout=timeout)
        if p.returncode != 0:
            raise RuntimeError(f"scripts/cluster {' '.join(args)} failed (see {self.log.name})")

    # MariaDB, as root over the node's socket
    def sql(self, node, query, timeout=30):
        p = subprocess.run(
            ["mariadb", "--no-defaults", "-uroot", f"--socket={self.state}/{node}/mysqld.sock",
             "-N", "-B", "-e", query],
            capture_output=True, text=True, timeout=timeout)
        if p.returncode != 0:
            raise RuntimeError(f"{node}: {query}: {p.stderr.strip()}")
        return p.stdout.strip()

    def sql_or_none(self, node, query):
        try:
            return self.sql(node, query, timeout=5) if self.alive(node) else None
        except (RuntimeError, subprocess.TimeoutExpired):
            return None

    def slave_status(self, node):
        p = subprocess.run(
            ["mariadb", "--no-defaults", "-uroot", f"--socket={self.state}/{node}/mysqld.sock",
             "-e", "SHOW SLAVE STATUS\\G"], capture_output=True, text=True, timeout=10)
        if p.returncode != 0:
            raise RuntimeError(f"{node}: SHOW SLAVE STATUS: {p.stderr.strip()}")
        out = p.stdout
        st = {}
        for line in out.splitlines():
            if ":" in line:
                k, v = line.split(":", 1)
                st[k.strip()] = v.strip()
        return st

    def galera_status(self, node, name):
        return self.sql_or_none(node, "SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS "
                                      f"WHERE VARIABLE_NAME = '{name}'")

    def galera_synced(self, node):
        return (self.galera_status(node, "WSREP_LOCAL_STATE_COMMENT") == "Synced"
                and self.galera_status(node, "WSREP_READY") == "ON")

    def db_roles(self):
        """(primary, replica): the node with read_only=0, and the other one. In Galera mode: the
        first Synced node, and None."""
        if self.mode == "galera":
            return next((n for n in self.dbs if self.galera_synced(n)), None), None
        for node in ("db1", "db2"):
            if self.sql_or_none(node, "SELECT @@read_only") == "0":
                return node, ("db2" if node == "db1" else "db1")
        return None, None

    def probe_write(self):
        """One write through the HAProxy write endpoint; True if it was committed."""
        try:
            p = subprocess.run(
                ["mariadb", f"--defaults-file={self.state}/secrets/probe.cnf", "--connect-timeout=1",
                 "-h127.0.0.1", f"-P{self.port('mysql')}", "-e",
                 "INSERT INTO cluster_probe.beat (note) VALUES ('chaos probe')"],
                capture_output=True, text=True, timeout=30)
            return p.returncode == 0
        except subprocess.TimeoutExpired:
            return False

    # Redis
    def redis(self, port, *args):
        p = subprocess.run(["redis-cli", "-h", "127.0.0.1", "-p", str(port), *args],
                           capture_output=True, text=True, timeout=5)
        return p.stdout.replace("\r", "")

    def sentinel_masters(self):
        out = []
        for s in ("sentinel1", "sentinel2", "sentinel3"):
            r = self.redis(self.port(s), "SENTINEL", "get-master-addr-by-name", "splitter").split()
            out.append(int(r[1]) if len(r) == 2 else None)
        return out

    def redis_info(self, node):
        info = {}
        try:
            for line in self.redis(self.port(node), "INFO", "replication").splitlines():
                if ":" in line:
                    k, v = line.split(":", 1)
                    info[k] = v
        except subprocess.TimeoutExpired:
            pass
        return info

    # HAProxy
    def haproxy(self):
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.port('stats')}/;csv", timeout=2) as r:
                text = r.read().decode()
        except OSError:
            return {}
        rows = csv.reader(io.StringIO(text.lstrip("# ")))
        head = next(rows)
        i_px, i_sv, i_st = head.index("pxname"), head.index("svname"), head.index("status")
        return {(row[i_px], row[i_sv]): row[i_st] for row in rows if len(row) > i_st}

    def lb_up(self, proxy, server):
        return self.haproxy().get((proxy, server), "").startswith("UP")


class WriteProbe:
    """Writes through the write endpoint, in a thread, until one commits."""

    def __init__(self, cl):
        self.at = None
        self.thread = threading.Thread(target=self.run, args=(cl,), daemon=True)
        self.thread.start()

    def run(self, cl):
        while not cl.probe_write():
            time.sleep(0.05)
        self.at = time.monotonic()

    def seconds_after(self, t, what):
        """Seconds from t until the first committed write (waits up to 2 minutes for it)."""
        self.thread.join(120)
        if self.at is None:
            raise RuntimeError(f"the write endpoint never accepted a write {what}")
        return self.at - t


class Fatal(RuntimeError):
    """A condition being waited for can no longer come true."""


def wait_for(what, cond, timeout, interval=0.1):
    """Polls cond() until true; returns seconds waited. Raises on timeout."""
    start = time.monotonic()
    while True:
        try:
            if cond():
                return time.monotonic() - start
        except Fatal:
            raise
        except (RuntimeError, OSError, subprocess.TimeoutExpired, ValueError, IndexError):
            pass
        if time.monotonic() - start > timeout:
            raise RuntimeError(f"timed out after {timeout}s waiting for {what}")
        time.sleep(interval)


# --- HTTP through HAProxy ----------------------------------------------------------------------------

class Resp:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers
        self.body = body
        try:
            self.json = json.loads(body) if body else None
        except ValueError:
            self.json = None

    def error_code(self):
        if isinstance(self.json, dict) and isinstance(self.json.get("error"), dict):
            return self.json["error"].get("code")
        return None


class Stats:
    def __init__(self):
        self.lock = threading.Lock()
        self.requests = 0
        self.fivexx = collections.Counter()          # (status, cause) -> n
        self.fivexx_by_step = collections.Counter()  # (step, status, cause) -> n
        self.not_503_retry_after = collections.Counter()  # (status, cause) -> n of 5xx not "503 + Retry-After"
        self.fivexx_ids = collections.defaultdict(list)   # (status, cause) -> request ids
        self.other_status = collections.Counter()    # non-2xx, non-5xx: (status, code) -> n
        self.transport = collections.Counter()       # timeouts, resets: kind -> n
        self.unexpected = []                         # 4xx that a retry cannot cure
        self.step = "setup"

    def count(self, resp, rid, what):
        with self.lock:
            self.requests += 1
            if resp is None:
                return
            if resp.status >= 500:
                code = resp.error_code()
                if resp.headers.get("X-Splitter-Origin") == "load-balancer":
                    cause = "haproxy"
                elif code:
                    cause = code
                elif resp.json is None:
                    cause = "haproxy"
                else:
                    cause = "json-without-code"
                key = (resp.status, cause)
                self.fivexx[key] += 1
                self.fivexx_by_step[(self.step, resp.status, cause)] += 1
                if not (resp.status == 503 and resp.headers.get("Retry-After")):
                    self.not_503_retry_after[key] += 1
                self.fivexx_ids[key].append((rid, what, round(now(), 1), resp.headers.get("X-Cluster-Server")))
            elif resp.status >= 300:
                self.other_status[(resp.status, resp.error_code() or "-")] += 1

    def count_transport(self, kind):
        with self.lock:
            self.requests += 1
            self.transport[kind] += 1


class Api:
    def __init__(self, base, stats, give_up):
        self.base = base
        self.stats = stats
        self.give_up = give_up   # an Event: after it, retries stop at the deadline
        self.deadline = None
        self.token = None
        self.token_lock = threading.Lock()
        self.creds = None

    def call(self, method, path, body=None, key=None, timeout=15, auth=True):
        rid = "chaos-" + uuid.uuid4().hex[:20]
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(self.base + path, data=data, method=method)
        req.add_header("x-request-id", rid)
        if data is not None:
            req.add_header("Content-Type", "application/json")
        if key:
            req.add_header("Idempotency-Key", key)
        if auth and self.token:
            req.add_header("Authorization", "Bearer " + self.token)
        try:
            with urllib.request.urlopen(req, timeout=timeout) as r:
                return Resp(r.status, r.headers, r.read()), rid
        except urllib.error.HTTPError as e:
            try:
                payload = e.read()
            except Exception:  # noqa: BLE001 - a body cut short is still an answer
                payload = b""
            return Resp(e.code, e.headers, payload), rid
        except Exception as e:  # noqa: BLE001 - timeouts, resets, refused: all retried
            reason = getattr(e, "reason", None)
            return None, f"{type(e).__name__}{'/' + type(reason).__name__ if reason is not None and not isinstance(reason, str) else ''}"

    def login(self):
        with self.token_lock:
            r = self.until_2xx("POST", "/v1/auth/login", self.creds, auth=False, what="login")
            self.token = r.json["access_token"]

    def until_2xx(self, method, path, body=None, key=None, accept=(), auth=True, what=""):
        """Sends until a 2xx (or a status in accept) arrives: the same key every time."""
        attempt = 0
        while True:
            attempt += 1
            resp, rid = self.call(method, path, body, key, auth=auth)
            if resp is None:
                self.stats.count_transport(rid)
            else:
                self.stats.count(resp, rid, what)
                if 200 <= resp.status < 300 and resp.json is None:
                    # Every 2xx here carries JSON: one that does not was cut short; again.
                    self.stats.count_transport("2xx without a JSON body")
                elif 200 <= resp.status < 300 or resp.status in accept:
                    return resp
                elif resp.status == 401 and auth and what != "login":
                    self.login()
                    continue
                elif resp.status < 500 and resp.status not in (408, 409, 429):
                    with self.stats.lock:
                        self.stats.unexpected.append((round(now(), 1), what, resp.status, resp.body[:300]))
                    return resp
                elif resp.status == 409 and resp.error_code() != "email_taken":
                    with self.stats.lock:
                        self.stats.unexpected.append((round(now(), 1), what, resp.status, resp.body[:300]))
                    return resp
                elif resp.status == 409:   # the account was made by an earlier attempt
                    return resp
            if self.give_up.is_set() and self.deadline and time.monotonic() > self.deadline:
                return resp
            wait = min(0.05 * attempt, 1.0)
            if resp is not None and resp.headers.get("Retry-After"):
                try:
                    wait = min(float(resp.headers["Retry-After"]), 1.0)
                except ValueError:
                    pass
            time.sleep(wait)


# --- the load ----------------------------------------------------------------------------------------

class Load:
    MEMBERS = ["ana", "ben", "cy", "dan"]

    def __init__(self, api, group, run_id, stats):
        self.api = api
        self.group = group
        self.run_id = run_id
        self.stats = stats
        self.stop = threading.Event()
        self.lock = threading.Lock()
        self.acked = []          # (expense id, key, monotonic time)
        self.acked_cents = 0     # the sum of the acknowledged expenses' amounts
        self.unfinished = []     # keys given up on at the deadline
        self.stale = []          # (time, what, detail)
        self.reads = 0
        self.threads = []

    def write(self, who, n):
        key = f"{self.run_id}-{who}-{n}"
        cents = (n * 37 + len(who) * 11) % 9900 + 100
        body = {"amount": f"{cents // 100}.{cents % 100:02d}", "paid_by": self.MEMBERS[n % 4],
                "split": {"type": "equal"}, "description": key}
        with self.lock:
            before = (len(self.acked), self.acked_cents)
        r = self.api.until_2xx("POST", f"/v1/groups/{self.group}/expenses", body, key=key, what="add expense")
        if r is None or not (200 <= r.status < 300):
            with self.lock:
                self.unfinished.append(key)
            return None, key, before
        eid = r.json["id"]
        with self.lock:
            self.acked.append((eid, key, time.monotonic()))
            self.acked_cents += cents
        return eid, key, (before[0], before[1] + cents)

    def writer(self, who):
        n = 0
        while not self.stop.is_set():
            n += 1
            self.write(who, n)

    def reader_writer(self, who):
        n = 0
        while not self.stop.is_set():
            n += 1
            eid, key, before = self.write(who, n)
            if eid is None:
                continue
            r = self.api.until_2xx("GET", f"/v1/groups/{self.group}/expenses/{eid}", accept=(404,), what="read own expense")
            with self.lock:
                self.reads += 1
            if r is not None and r.status == 404:
                self.note_stale("own expense", f"{eid} ({key}) answered 404 by {r.headers.get('X-Cluster-Server')}")
            elif r is not None and 200 <= r.status < 300 and (r.json or {}).get("description") != key:
                self.note_stale("own expense", f"{eid} is {r.json!r}, not {key}")
            # Every write acknowledged before this one started, and this one, must be in what is
            # read now: the group's version is at least 1 (creation) + those writes + 1, and the
            # total paid at least their amounts.
            acked_before, least_cents = before
            least = 1 + acked_before + 1
            reads = [("balances", f"/v1/groups/{self.group}/balances")]
            if n % 4 == 0:
                # Computed from the records (read from the replica on a cache miss).
                reads.append(("pairwise settlement", f"/v1/groups/{self.group}/settlement?method=pairwise"))
            for what, path in reads:
                r = self.api.until_2xx("GET", path, what=f"read {what}")
                with self.lock:
                    self.reads += 1
                if r is None or not (200 <= r.status < 300):
                    continue
                body = r.json or {}
                version = body.get("version", 0)
                server = r.headers.get("X-Cluster-Server")
                if version < least:
                    self.note_stale(what, f"version {version} < {least} after {eid} (from {server})")
                elif what == "balances":
                    paid = sum(to_cents(b.get("paid", "0")) for b in body.get("balances", []))
                    if paid < least_cents:
                        self.note_stale(what, f"total paid {paid / 100:.2f} < {least_cents / 100:.2f} "
                                              f"acknowledged, at version {version}, after {eid} (from {server})")

    def note_stale(self, what, detail):
        with self.lock:
            self.stale.append((round(now(), 1), what, detail))
        say(f"STALE READ: {what}: {detail}")

    def start(self):
        for i in range(4):
            self.threads.append(threading.Thread(target=self.writer, args=(f"w{i + 1}",), daemon=True))
        for i in range(2):
            self.threads.append(threading.Thread(target=self.reader_writer, args=(f"r{i + 1}",), daemon=True))
        for t in self.threads:
            t.start()

    def finish(self, grace):
        self.stop.set()
        self.api.deadline = time.monotonic() + grace
        self.api.give_up.set()
        for t in self.threads:
            t.join(grace + 30)

    def acks_between(self, a, b):
        with self.lock:
            return sum(1 for _, _, t in self.acked if a <= t <= b)

    def longest_ack_gap(self, a, b):
        with self.lock:
            times = sorted(t for _, _, t in self.acked if a <= t <= b)
        times = [a] + times + [b]
        return max((y - x for x, y in zip(times, times[1:])), default=0.0)


def to_cents(amount):
    whole, _, frac = str(amount).partition(".")
    sign = -1 if whole.startswith("-") else 1
    return sign * (abs(int(whole or "0")) * 100 + int((frac + "00")[:2]))


# --- the chaos steps ----------------------------------------------------------------------------------

class Chaos:
    def __init__(self, cl, load, stats, pause):
        self.cl = cl
        self.load = load
        self.stats = stats
        self.pause = pause
        self.results = []       # (step, seconds, details)
        self.no_primary = []    # seconds without a writable primary, per DB failover
        self.redis_split = []   # seconds HAProxy had both Redis nodes up as master

    def step(self, name, fn):
        with self.stats.lock:
            self.stats.step = name
        say(f"step: {name}")
        t = time.monotonic()
        detail = fn()
        took = time.monotonic() - t
        gap = self.load.longest_ack_gap(t, time.monotonic())
        self.results.append((name, took, detail, gap))
        say(f"step done: {name} in {took:.1f}s; {detail}; longest gap between acknowledged writes {gap:.2f}s")
        with self.stats.lock:
            self.stats.step = "between steps"

    def rest(self):
        say(f"load only for {self.pause:.0f}s")
        time.sleep(self.pause)

    def app_kill9(self, name):
        cl = self.cl
        pid = cl.kill(name, signal.SIGKILL)
        t = time.monotonic()
        down = wait_for(f"HAProxy to mark {name} down", lambda: not cl.lb_up("app", name), 30)
        cl.run("_start", name)
        wait_for(f"HAProxy to mark {name} up", lambda: cl.lb_up("app", name), 60)
        return f"kill -9 {name} (pid {pid}); HAProxy marked it down after {down:.1f}s; restarted and up again after {time.monotonic() - t:.1f}s"

    def app_sigterm(self, name):
        cl = self.cl
        pid = cl.kill(name, signal.SIGTERM)
        t = time.monotonic()
        exited = wait_for(f"{name} to exit", lambda: not cl.alive(name), 60)
        cl.run("_start", name)
        wait_for(f"HAProxy to mark {name} up", lambda: cl.lb_up("app", name), 60)
        return f"SIGTERM {name} (pid {pid}); exited after {exited:.1f}s; restarted and up again after {time.monotonic() - t:.1f}s"

    def redis_failover(self):
        cl = self.cl
        masters = cl.sentinel_masters()
        port = masters[0]
        old = "redis1" if port == cl.port("redis1") else "redis2"
        new = "redis2" if old == "redis1" else "redis1"
        cl.kill(old, signal.SIGKILL)
        promoted = wait_for("the sentinels to promote a new master",
                            lambda: all(m == cl.port(new) for m in cl.sentinel_masters()), 60)
        lb = wait_for(f"HAProxy to send Redis to {new}", lambda: cl.lb_up("redis-master", new), 30)

        def settled():
            masters = cl.sentinel_masters()
            flags = [cl.redis(cl.port(s), "SENTINEL", "master", "splitter").split("\n") for s in
                     ("sentinel1", "sentinel2", "sentinel3")]
            flags = [f[f.index("flags") + 1] if "flags" in f else "?" for f in flags]
            return all(m == cl.port(new) for m in masters) and all(f == "master" for f in flags)
        wait_for("the sentinels to agree on the new master, none calling it down", settled, 30)
        cl.run("_start", old)
        both_up = []   # when HAProxy was seen with both nodes up as master

        def rejoined():
            st = cl.haproxy()
            if st.get(("redis-master", old), "").startswith("UP") and st.get(("redis-master", new), "").startswith("UP"):
                both_up.append(time.monotonic())
            current = cl.sentinel_masters()[0]
            info = cl.redis_info(old)
            if current == cl.port(old):
                raise Fatal(f"the sentinels failed over again, onto the restarted {old}")
            return info.get("role") == "slave" and info.get("master_link_status") == "up" \
                and info.get("master_port") == str(current)
        rejoin = wait_for(f"the sentinels to make {old} a replica", rejoined, 120)
        split = [both_up[-1] - both_up[0] if both_up else 0.0]
        self.redis_split.append(split[0])
        again = "" if cl.sentinel_masters()[0] == cl.port(new) else "; THE SENTINELS FAILED OVER AGAIN"
        return (f"kill -9 {old} (master); sentinels promoted {new} after {promoted:.1f}s; HAProxy used it after "
                f"{promoted + lb:.1f}s; {old} restarted and replicating after {rejoin:.1f}s "
                f"(HAProxy saw two masters for ~{split[0]:.1f}s){again}")

    def db_failover(self):
        cl = self.cl
        primary, replica = cl.db_roles()
        if primary is None:
            raise RuntimeError("no writable primary before the DB failover")

        pid = cl.kill(primary, signal.SIGKILL)
        t = time.monotonic()
        writable = WriteProbe(cl)
        cl.run("_db-promote", replica)
        promoted = time.monotonic() - t
        gap = writable.seconds_after(t, "after the promotion")
        self.no_primary.append(gap)
        say(f"  {replica} promoted {promoted:.2f}s after the kill; the write endpoint took a write after {gap:.2f}s")
        t_restart = time.monotonic()
        cl.run("_start", primary, "rejoin")
        cl.run("_db-rejoin", primary)
        rejoin = time.monotonic() - t_restart
        return (f"kill -9 {primary} (pid {pid}); {replica} promoted after {promoted:.2f}s; "
                f"no writable primary for {gap:.2f}s; {primary} restarted read-only and replicating from "
                f"{replica} after {rejoin:.1f}s")

    def replica_lag(self, hold):
        cl = self.cl
        primary, replica = cl.db_roles()
        cl.sql(replica, "STOP SLAVE SQL_THREAD")
        t = time.monotonic()
        behind, sbm_stopped = [], set()
        while time.monotonic() - t < hold:
            time.sleep(1.0)
            pp = cl.sql_or_none(primary, "SELECT @@gtid_binlog_pos") or ""
            rp = cl.sql_or_none(replica, "SELECT @@gtid_slave_pos") or ""
            sbm_stopped.add(cl.slave_status(replica).get("Seconds_Behind_Master"))
            try:
                behind.append(int(pp.rsplit("-", 1)[1]) - int(rp.rsplit("-", 1)[1]))
            except (IndexError, ValueError):
                pass
        pos = cl.sql(primary, "SELECT @@gtid_binlog_pos")
        cl.sql(replica, "START SLAVE SQL_THREAD")
        t2 = time.monotonic()
        sbm = []

        def caught_up():
            sbm.append(cl.slave_status(replica).get("Seconds_Behind_Master"))
            return cl.sql(replica, f"SELECT MASTER_GTID_WAIT('{pos}', 0)") == "0"
        wait_for(f"{replica} to catch up", caught_up, 120, interval=0.05)
        peak = max((int(s) for s in sbm if s and s.isdigit()), default=0)
        return (f"STOP SLAVE SQL_THREAD on {replica} for {hold:.0f}s: up to {max(behind, default=0)} transactions "
                f"behind (Seconds_Behind_Master {'/'.join(sorted(str(x) for x in sbm_stopped))} while stopped); "
                f"applied them {time.monotonic() - t2:.1f}s after START SLAVE SQL_THREAD "
                f"(Seconds_Behind_Master up to {peak} meanwhile)")

    def galera_kill(self, node):
        """kill -9 of a Galera node; the others go on once they have dropped it from the group.
        Restarted, it rejoins by state transfer."""
        cl = self.cl

        pid = cl.kill(node, signal.SIGKILL)
        t = time.monotonic()
        writable = WriteProbe(cl)
        down = wait_for(f"HAProxy to mark {node} down", lambda: not cl.lb_up("mysql-primary", node), 30)
        gap = writable.seconds_after(t, "after the node was killed")
        self.no_primary.append(gap)
        others = [n for n in cl.dbs if n != node]
        size = [cl.galera_status(n, "WSREP_CLUSTER_SIZE") for n in others]
        say(f"  {node} killed; HAProxy marked it down after {down:.2f}s; a write committed after {gap:.2f}s; "
            f"cluster size seen by {', '.join(others)}: {', '.join(str(x) for x in size)}")
        t_restart = time.monotonic()
        cl.run("_start", node)
        rejoin = time.monotonic() - t_restart
        wait_for(f"HAProxy to mark {node} up", lambda: cl.lb_up("mysql-primary", node), 60)
        log = os.path.join(cl.state, "log", node + ".log")
        try:
            tail = open(log, errors="replace").read().split("---- ")[-1]
        except OSError:
            tail = ""
        how = ("a full state transfer (rsync)" if "SST received" in tail and "Bypassing" not in tail
               else "an incremental state transfer" if "IST received" in tail else "a state transfer")
        return (f"kill -9 {node} (pid {pid}); no write committed for {gap:.2f}s (until the others dropped it); "
                f"restarted and Synced by {how} after {rejoin:.1f}s")

    def galera_lag(self, node, hold):
        """A node that stops answering for `hold` seconds (SIGSTOP, then SIGCONT: a stalled VM, a
        long pause). For up to the suspect timeout the group waits for it; after that the others
        drop it and go on, and when it wakes it finds itself outside the primary component and
        rejoins by incremental state transfer. HAProxy's check fails meanwhile, so it is taken out.

        With CLUSTER_GALERA_LAG=ftwrl the node is instead desynced and held under a global read
        lock (what a lock-based backup does). Seen here (2026-12-01): stale reads and one lost
        acknowledged write in that window (docs/scaling.md); so that variant is not the default."""
        cl = self.cl
        if os.environ.get("CLUSTER_GALERA_LAG") == "ftwrl":
            return self.galera_ftwrl(node, hold)
        pid, _ = cl.pid(node)
        t = time.monotonic()
        os.kill(pid, signal.SIGSTOP)
        try:
            down = wait_for(f"HAProxy to take {node} out", lambda: not cl.lb_up("mysql-primary", node), 30)
            others = [n for n in cl.dbs if n != node]
            dropped = {}

            def watch():
                while time.monotonic() - t < hold:
                    if "t" not in dropped and all(cl.galera_status(n, "WSREP_CLUSTER_SIZE") == "2" for n in others):
                        dropped["t"] = time.monotonic() - t
                    time.sleep(0.2)
            watch()
        finally:
            os.kill(pid, signal.SIGCONT)
        t2 = time.monotonic()
        wait_for(f"{node} to be Synced again", lambda: cl.galera_synced(node), 120, interval=0.05)
        synced = time.monotonic() - t2
        wait_for(f"HAProxy to put {node} back", lambda: cl.lb_up("mysql-primary", node), 60)
        drop = f"the others dropped it after {dropped['t']:.1f}s" if "t" in dropped else "the others kept it"
        return (f"{node} stopped (SIGSTOP) for {hold:.0f}s: HAProxy took it out after {down:.1f}s; {drop}; "
                f"Synced again {synced:.1f}s after SIGCONT, back in HAProxy after {time.monotonic() - t:.1f}s in all")

    def galera_ftwrl(self, node, hold):
        """The node desynced and blocked by a global read lock for `hold` seconds."""
        cl = self.cl
        q = (f"SET GLOBAL wsrep_desync = ON; FLUSH TABLES WITH READ LOCK; SELECT SLEEP({hold:.0f}); "
             "UNLOCK TABLES; SET GLOBAL wsrep_desync = OFF;")
        t = time.monotonic()
        locker = subprocess.Popen(
            ["mariadb", "--no-defaults", "-uroot", f"--socket={cl.state}/{node}/mysqld.sock", "-N", "-B", "-e", q],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        down = wait_for(f"HAProxy to take {node} out", lambda: not cl.lb_up("mysql-primary", node), 30)
        queue = []
        while locker.poll() is None:
            v = cl.galera_status(node, "WSREP_LOCAL_RECV_QUEUE")
            if v and v.isdigit():
                queue.append(int(v))
            time.sleep(0.5)
        if locker.returncode != 0:
            raise RuntimeError(f"{node}: desync and lock failed: {locker.stderr.read().strip()}")
        t2 = time.monotonic()
        wait_for(f"{node} to be Synced again", lambda: cl.galera_synced(node), 120, interval=0.05)
        synced = time.monotonic() - t2
        wait_for(f"HAProxy to put {node} back", lambda: cl.lb_up("mysql-primary", node), 60)
        return (f"{node} desynced and read-locked for {hold:.0f}s: HAProxy took it out after {down:.1f}s; "
                f"up to {max(queue, default=0)} transactions queued on it; Synced {synced:.1f}s after the "
                f"lock was released, back in HAProxy after {time.monotonic() - t:.1f}s in all")

    def cycle(self, k, lag_hold):
        apps = ["app1", "app2", "app3"]
        self.step(f"kill -9 {apps[k % 3]}", lambda: self.app_kill9(apps[k % 3]))
        self.rest()
        self.step(f"SIGTERM {apps[(k + 1) % 3]}", lambda: self.app_sigterm(apps[(k + 1) % 3]))
        self.rest()
        self.step("Redis master failover", self.redis_failover)
        self.rest()
        if self.cl.mode == "galera":
            dbs = self.cl.dbs
            lagging, killed = dbs[(k + 1) % 3], dbs[k % 3]
            self.step(f"Galera node stall ({lagging})", lambda: self.galera_lag(lagging, lag_hold))
            self.rest()
            self.step(f"Galera node kill -9 ({killed})", lambda: self.galera_kill(killed))
            self.rest()
            return
        # The lag first: the app reads from db2 (SPLITTER_DATABASE_REPLICA_URL), the replica of the
        # first cycle.
        self.step("replica lag", lambda: self.replica_lag(lag_hold))
        self.rest()
        self.step("MariaDB primary failover", self.db_failover)
        self.rest()


# --- server log lines for request ids --------------------------------------------------------------------

def stamp(rec):
    try:
        return datetime.datetime.fromisoformat(rec.get("timestamp", "").replace("Z", "+00:00")).timestamp()
    except ValueError:
        return 0.0


def server_log_causes(state, ids):
    """For each request id, the app log lines that mention it (with the error lines logged by the
    same thread just before, which carry the cause)."""
    found = {}
    wanted = set(ids)
    if not wanted:
        return found
    for app in ("app1", "app2", "app3"):
        path = os.path.join(state, "log", app + ".log")
        try:
            lines = open(path, errors="replace").read().splitlines()
        except OSError:
            continue
        recent = collections.deque(maxlen=200)
        for line in lines:
            try:
                rec = json.loads(line)
            except ValueError:
                continue
            fields = rec.get("fields", {})
            rid = fields.get("request_id")
            if rid in wanted:
                # The cause: the last error/warn line of this request's thread within the second
                # before its line, preferring the one that made the answer (http::error).
                thread = rec.get("threadId")
                at = stamp(rec)
                near = [r for r in recent if r.get("level") in ("ERROR", "WARN")
                        and (thread is None or r.get("threadId") == thread)
                        and r.get("fields", {}).get("message") != "request"
                        and at - stamp(r) <= 1.0]
                mine = [r for r in near if str(r.get("target", "")).endswith("http::error")]
                found[rid] = (app, rec, (mine or near)[-1:])
            recent.append(rec)
    return found


def summarize_causes(state, stats):
    """Lines naming, for each kind of 5xx the server answered, what its log says caused it."""
    out = []
    ids = [rid for key, lst in stats.fivexx_ids.items() if key[1] != "haproxy" for rid, *_ in lst]
    found = server_log_causes(state, ids)
    by_cause = collections.Counter()
    for key, lst in sorted(stats.fivexx_ids.items()):
        if key[1] == "haproxy":
            continue
        for rid, what, t, server in lst:
            app, rec, cause = found.get(rid, (server or "?", None, []))
            text = "; ".join(f"{c.get('level')} {c.get('fields', {}).get('message')}: {c.get('fields', {}).get('error', '')}"
                             for c in cause) or "(no error line found)"
            by_cause[(key, what, text[:300])] += 1
    for (key, what, text), n in by_cause.most_common():
        out.append(f"  {key[0]} {key[1]} on '{what}' x{n}: {text}")
    return out


def haproxy_log_size(state):
    try:
        return os.path.getsize(os.path.join(state, "log", "haproxy.log"))
    except OSError:
        return 0


def haproxy_5xx(state, offset):
    """HAProxy's own log of the API (log-format in haproxy.cfg.in) from offset on: 5xx by status,
    termination state and server."""
    c = collections.Counter()
    try:
        with open(os.path.join(state, "log", "haproxy.log"), errors="replace") as f:
            f.seek(offset)
            lines = f.read().splitlines()
    except OSError:
        return c
    for line in lines:
        if not line.startswith("api "):
            continue
        kv = dict(p.split("=", 1) for p in line.split()[1:5] if "=" in p)
        try:
            status = int(kv.get("status", "0"))
        except ValueError:
            continue
        if status >= 500:
            c[(status, kv.get("term", "?"), kv.get("server", "?"))] += 1
    return c


# --- main ----------------------------------------------------------------------------------------------

def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--state", required=True)
    ap.add_argument("--cluster", required=True, help="the scripts/cluster command")
    ap.add_argument("--bin", required=True, help="the splitter-server binary (for verify)")
    ap.add_argument("--seconds", type=float, default=300.0, help="length of the chaos schedule")
    ap.add_argument("--short", action="store_true", help="one cycle with short pauses (about 2-3 minutes)")
    ap.add_argument("--pause", type=float, default=None, help="seconds of load only between steps")
    ap.add_argument("--lag", type=float, default=10.0, help="seconds the replica's SQL thread is stopped")
    args = ap.parse_args()

    env = read_kv_from_cmd([args.cluster, "_env"])
    cl = Cluster(args.state, args.cluster, args.bin, env)
    stats = Stats()
    give_up = threading.Event()
    api = Api(f"http://127.0.0.1:{env['HTTP_PORT']}", stats, give_up)
    run_id = time.strftime("%Y%m%d%H%M%S") + "-" + uuid.uuid4().hex[:6]
    pause = args.pause if args.pause is not None else 15.0

    say(f"chaos round {run_id}: {'one short cycle' if args.short else f'{args.seconds:.0f} s'}, "
        f"{pause:.0f}s of load between steps")
    hp_offset = haproxy_log_size(args.state)
    # Setup through HAProxy.
    email = f"chaos-{run_id}@example.com"
    api.creds = {"email": email, "password": f"tangerine orbit {uuid.uuid4().hex[:12]} lantern"}
    r = api.until_2xx("POST", "/v1/accounts", api.creds, auth=False, what="register")
    if r.status not in (201, 409):
        print(f"could not register: {r.status} {r.body[:300]!r}")
        return 1
    api.login()
    r = api.until_2xx("POST", "/v1/groups", {"name": f"chaos {run_id}", "currency": "EUR",
                                             "members": Load.MEMBERS, "me": "ana"},
                      key=f"{run_id}-group", what="create group")
    if not (200 <= r.status < 300):
        print(f"could not create the group: {r.status} {r.body[:300]!r}")
        return 1
    group = r.json["id"]
    say(f"account {email}, group {group}")

    load = Load(api, group, run_id, stats)
    chaos = Chaos(cl, load, stats, pause)
    load.start()
    failure = None
    t_chaos = time.monotonic()
    try:
        time.sleep(min(pause, 5.0))     # the load settles before the first step
        k = 0
        while True:
            chaos.cycle(k, args.lag)
            k += 1
            if args.short:
                break
            spent = time.monotonic() - t_chaos
            per_cycle = spent / k
            if spent + per_cycle > args.seconds:
                break
        if not args.short:
            left = args.seconds - (time.monotonic() - t_chaos)
            if left > 0:
                say(f"load only for the remaining {left:.0f}s")
                time.sleep(left)
    except (RuntimeError, subprocess.TimeoutExpired) as e:
        failure = str(e)
        say(f"CHAOS STEP FAILED: {e}")
    except KeyboardInterrupt:
        failure = "interrupted"
    with stats.lock:
        stats.step = "finish"
    say("stopping the writers (each finishes its write, retrying until acknowledged)")
    load.finish(grace=120)
    t_end = time.monotonic()

    # Everything in the group, through the API (retried for up to 2 minutes).
    api.deadline = time.monotonic() + 120
    listed = []
    cursor = None
    while True:
        q = f"/v1/groups/{group}/expenses?limit=500" + (f"&cursor={cursor}" if cursor else "")
        r = api.until_2xx("GET", q, what="list expenses")
        if r is None or not (200 <= r.status < 300):
            failure = failure or f"could not list the expenses: {r.status if r else 'no answer'}"
            break
        listed.extend(r.json["expenses"])
        cursor = r.json.get("next_cursor")
        if not cursor:
            break
    by_id = collections.Counter(e["id"] for e in listed)
    by_key = collections.Counter(e.get("description") for e in listed)
    acked_ids = {eid for eid, _, _ in load.acked}
    acked_keys = {key for _, key, _ in load.acked}
    listed_ids = set(by_id)
    missing = sorted(acked_ids - listed_ids)
    duplicated = sum(n - 1 for n in by_key.values() if n > 1) + sum(n - 1 for n in by_id.values() if n > 1)
    unknown = [e for e in listed if e.get("description") not in acked_keys]
    wrong = [(eid, key) for eid, key, _ in load.acked
             if eid in listed_ids and next((e.get("description") for e in listed if e["id"] == eid), None) != key] \
        if len(listed) < 50000 else []

    # verify against the final primary; replica consistency.
    primary, replica = cl.db_roles()
    verify_line, verify_ok = "verify: not run (no primary)", False
    if primary:
        url = f"mysql://splitter:{cl.secrets['APP_PASSWORD']}@127.0.0.1:{cl.port(primary)}/splitter"
        p = subprocess.run([args.bin, "verify"], env={**os.environ, "SPLITTER_DATABASE_URL": url, "SPLITTER_LOG": "warn"},
                           capture_output=True, text=True, timeout=600)
        lines = [x for x in p.stdout.splitlines() if x.strip()]
        verify_line = f"verify against {primary}: " + (lines[-1] if lines else p.stderr.strip()[-300:])
        verify_ok = p.returncode == 0
    replica_line, replica_ok = "replica: none", False
    if cl.mode == "galera":
        replica_line, replica_ok = galera_compare(cl)
    elif primary and replica and cl.alive(replica):
        try:
            pos = cl.sql(primary, "SELECT @@gtid_binlog_pos")
            ok = cl.sql(replica, f"SELECT MASTER_GTID_WAIT('{pos}', 60)") == "0"
            tables = cl.sql(primary, "SELECT GROUP_CONCAT(CONCAT('splitter.', table_name)) FROM information_schema.tables "
                                     "WHERE table_schema = 'splitter'")
            a = cl.sql(primary, f"CHECKSUM TABLE {tables}")
            b = cl.sql(replica, f"CHECKSUM TABLE {tables}")
            replica_ok = ok and a == b
            diff = [x.split("\t")[0] for x, y in zip(a.splitlines(), b.splitlines()) if x != y]
            replica_line = (f"replica {replica} at {pos}: {'same checksums as' if replica_ok else 'DIFFERS from'} "
                            f"primary {primary} ({len(a.splitlines())} tables{'; differ: ' + ', '.join(diff) if diff else ''})")
        except (RuntimeError, subprocess.TimeoutExpired) as e:
            replica_line = f"replica {replica}: could not compare: {e}"

    # --- summary ---
    print()
    print("=== chaos summary ===")
    print(f"run {run_id}, group {group}; load {t_end - t_chaos:.0f}s; {stats.requests} requests; "
          f"{len(load.acked)} writes acknowledged, {load.reads} reads by the reader-writers")
    for name, took, detail, gap in chaos.results:
        print(f"  {name:26s} {took:6.1f}s  {detail}; longest gap between acks {gap:.2f}s")
    if failure:
        print(f"CHAOS FAILED: {failure}")
    print("5xx by step:")
    for (step, status, cause), n in sorted(chaos.stats.fivexx_by_step.items()):
        print(f"  {step:26s} {status} {cause} {n}")
    if stats.other_status:
        print("other non-2xx before a retry succeeded: " +
              ", ".join(f"{s} {c} {n}" for (s, c), n in sorted(stats.other_status.items())))
    if stats.transport:
        print("transport errors (retried): " + ", ".join(f"{k} {n}" for k, n in stats.transport.most_common()))
    hp = haproxy_5xx(args.state, hp_offset)
    if hp:
        print("HAProxy log, every 5xx by status, termination state (---- = the server's own answer), server: " +
              ", ".join(f"{s} {t} {sv} {n}" for (s, t, sv), n in sorted(hp.items())))
    causes = summarize_causes(args.state, stats)
    if causes:
        print("server 5xx and their causes in the server logs:")
        for line in causes:
            print(line)
    if stats.unexpected:
        print(f"UNEXPECTED answers (not retried): {len(stats.unexpected)}")
        for u in stats.unexpected[:10]:
            print(f"  {u}")
    if load.unfinished:
        print(f"UNFINISHED writes (never acknowledged before the deadline): {len(load.unfinished)}")
    if unknown:
        print(f"EXTRA expenses nobody acknowledged: {len(unknown)} (e.g. {unknown[0]})")
    if wrong:
        print(f"WRONG expenses (an acknowledged id holds another write): {len(wrong)} (e.g. {wrong[0]})")
    if missing:
        print(f"MISSING: {missing[:20]}")
    for t, what, detail in load.stale[:20]:
        print(f"stale read at {t}s: {what}: {detail}")
    if chaos.redis_split and max(chaos.redis_split) > 0:
        print(f"Redis: HAProxy had both nodes up as master for ~{max(chaos.redis_split):.1f}s after the old master restarted "
              f"(before the sentinels made it a replica)")
    replica_reads = collections.Counter()
    for app in ("app1", "app2", "app3"):
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{cl.port(app)}/metrics", timeout=5) as r:
                for line in r.read().decode().splitlines():
                    if line.startswith("splitter_db_replica_reads_total{"):
                        label, value = line.rsplit(" ", 1)
                        replica_reads[label.split('"')[1]] += int(float(value))
        except (OSError, ValueError, IndexError):
            pass
    if replica_reads:
        print("reads that may go to the replica (splitter_db_replica_reads_total, since each instance's last start): " +
              ", ".join(f"served by the {k} {v}" for k, v in sorted(replica_reads.items())))
    print(replica_line)
    print(verify_line)

    print(f"chaos round: {now():.0f} s in all (setup, {t_end - t_chaos:.0f} s of load and chaos, checks)")
    n500 = sum(n for (s, _), n in stats.fivexx.items() if s == 500)
    total5 = sum(stats.fivexx.values())
    bad_ra = sum(stats.not_503_retry_after.values())
    print(f"acknowledged {len(load.acked)}, missing {len(missing)}, duplicated {duplicated}, stale reads {len(load.stale)}")
    print("5xx by cause: " + (", ".join(f"{s} {c} {n}" for (s, c), n in sorted(stats.fivexx.items())) or "none"))
    print("seconds without a writable primary: " + (
        f"{sum(chaos.no_primary):.2f}" + (f" ({', '.join(f'{x:.2f}' for x in chaos.no_primary)})" if len(chaos.no_primary) > 1 else "")
        if chaos.no_primary else "n/a (no DB failover ran)"))
    if bad_ra == 0:
        print(f"all 5xx were 503 with Retry-After: yes ({total5} 5xx)")
    else:
        print(f"all 5xx were 503 with Retry-After: no ({bad_ra} of {total5} were not: " +
              ", ".join(f"{s} {c} {n}" for (s, c), n in sorted(stats.not_503_retry_after.items())) + ")")

    # Every 5xx must be a 503 with Retry-After (HAProxy's own errors are turned into those too:
    # errorfile in haproxy.cfg.in).
    bad = (missing or duplicated or load.stale or n500 or bad_ra or failure or not verify_ok or not replica_ok
           or load.unfinished or unknown or wrong or stats.unexpected)
    return 1 if bad else 0


def galera_compare(cl):
    """(line, ok): the three Galera nodes Synced, caught up (a causal read first, in the same
    session) and holding the same checksums for every table of the application."""
    synced = [n for n in cl.dbs if cl.galera_synced(n)]
    if len(synced) != len(cl.dbs):
        return f"Galera: only {', '.join(synced) or 'no node'} Synced", False
    try:
        tables = cl.sql(synced[0], "SELECT GROUP_CONCAT(CONCAT('splitter.', table_name)) FROM information_schema.tables "
                                   "WHERE table_schema = 'splitter'")
        sums = {}
        for n in synced:
            out = cl.sql(n, "SET SESSION wsrep_sync_wait = 15; SELECT COUNT(*) FROM splitter._sqlx_migrations; "
                            f"CHECKSUM TABLE {tables}", timeout=120)
            sums[n] = [line for line in out.splitlines() if line.startswith("splitter.")]
    except (RuntimeError, subprocess.TimeoutExpired) as e:
        return f"Galera: could not compare the nodes: {e}", False
    first = sums[synced[0]]
    differ = sorted({a.split("\t")[0] for n in synced[1:] for a, b in zip(first, sums[n]) if a != b})
    ok = not differ and all(len(v) == len(first) for v in sums.values())
    return (f"Galera nodes {', '.join(synced)}: {'the same checksums' if ok else 'DIFFERENT checksums'} "
            f"({len(first)} tables{'; differ: ' + ', '.join(differ) if differ else ''})"), ok


def read_kv_from_cmd(cmd):
    p = subprocess.run(cmd, capture_output=True, text=True, check=True)
    out = {}
    for line in p.stdout.splitlines():
        if "=" in line:
            k, v = line.split("=", 1)
            out[k] = v
    return out


if __name__ == "__main__":
    sys.exit(main())
