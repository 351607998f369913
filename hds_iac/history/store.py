"""The history store: one SQLite file (standard library `sqlite3`, WAL mode).

Why SQLite: one file a team can put on a shared volume, no server to run, and several
scans (CI jobs, shards) may write at once: WAL lets readers go on while one writer
commits, and every write is one `BEGIN IMMEDIATE` transaction, so concurrent writers
queue (busy timeout) instead of failing, and a run is recorded whole or not at all.

Why this shape:
- `runs`: one row per run, with its scope, dates, tool and catalogue versions, settings,
  inputs (with their hashes when the result has them), whether it was complete, and a
  unique `uid` so that recording the same run twice (a retried CI job, an import run
  again) adds nothing;
- `findings`: one row per finding *identity* (rule, input, address): first and last seen;
- `observations`: what each run said of each identity (status before and after waivers,
  the waiver itself, and the finding object of the JSON result), so waivers keep their
  history run by run;
- `episodes`: failure episodes per scope (opened at, fixed at), derived from runs and
  observations inside the writing transaction. Only a *complete* run can close an
  episode: a run that did not read everything cannot prove a failure is gone.

The file is input like any other: it may be huge, corrupt or crafted. Every read is
bounded (row limits, size of stored texts), schema versions newer than this code are
refused, and `trusted_schema` is off so that nothing in a crafted schema can call SQL
functions with side effects. This module imports nothing outside the standard library.
"""
from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Iterable, Iterator

BUSY_TIMEOUT_S = 120.0  # a writer waits this long for the others before giving up
MAX_DOC_CHARS = 64 * 1024  # one stored finding object (larger: reduced to its identity)
MAX_FIELD_CHARS = 4096  # rule id, input, address, scope...
MAX_RUN_FINDINGS = 1_000_000  # findings of one run, written or read
MAX_ROWS = 5_000_000  # rows one query may return
MAX_JSON_CHARS = 16 * 1024 * 1024  # one run-level JSON column (settings, inputs, problems)
FAILING, UNDECIDED = "fail", "unknown"
STATUSES = ("pass", "fail", "unknown")


class StoreError(Exception):
    """The store cannot be used: not a store, corrupt, newer schema, locked too long."""


def utc(moment: datetime | None = None) -> str:
    """ISO 8601 UTC to the second with a Z, the one time format of the store (sorts as
    text)."""
    moment = moment or datetime.now(timezone.utc)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc).replace(microsecond=0).isoformat().replace(
        "+00:00", "Z")


def until_now() -> str:
    """The end of a period that runs up to now: the second after now. Periods are
    [since, until) to the second, and a run recorded this very second (a scan just before
    `history time-to-fix` or `report --store`) belongs to them."""
    return utc(datetime.now(timezone.utc) + timedelta(seconds=1))


def parse_time(text: object) -> str | None:
    """An ISO 8601 date or time (a date means its midnight UTC; no zone means UTC) in the
    store's format; None when it is not one."""
    if not isinstance(text, str) or len(text) > 64:
        return None
    try:
        moment = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return utc(moment)


# Schema versions: each entry upgrades the store from the previous version. Never edit a
# released step; add one. `PRAGMA user_version` holds the version of a store.
MIGRATIONS: tuple[tuple[str, ...], ...] = (
    (  # 1
        """CREATE TABLE runs(
            id INTEGER PRIMARY KEY,
            uid TEXT NOT NULL UNIQUE,
            scope TEXT NOT NULL,
            started TEXT NOT NULL,
            finished TEXT,
            recorded TEXT NOT NULL,
            command TEXT NOT NULL,
            tool_version TEXT,
            catalogue TEXT,
            complete INTEGER NOT NULL,
            rules TEXT,
            settings TEXT,
            inputs TEXT,
            problems TEXT,
            exceptions TEXT,
            counts TEXT)""",
        "CREATE INDEX runs_scope ON runs(scope, started, id)",
        "CREATE INDEX runs_started ON runs(started, id)",
        """CREATE TABLE findings(
            id INTEGER PRIMARY KEY,
            key TEXT NOT NULL UNIQUE,
            rule_id TEXT NOT NULL,
            input TEXT NOT NULL,
            address TEXT NOT NULL,
            topic TEXT,
            severity TEXT,
            first_seen TEXT NOT NULL,
            last_seen TEXT NOT NULL)""",
        """CREATE TABLE observations(
            run_id INTEGER NOT NULL REFERENCES runs(id),
            finding_id INTEGER NOT NULL REFERENCES findings(id),
            status TEXT NOT NULL,
            shown TEXT NOT NULL,
            severity TEXT,
            topic TEXT,
            suppression TEXT,
            doc TEXT NOT NULL,
            PRIMARY KEY(run_id, finding_id)) WITHOUT ROWID""",
        "CREATE INDEX observations_finding ON observations(finding_id, run_id)",
        """CREATE TABLE episodes(
            scope TEXT NOT NULL,
            finding_id INTEGER NOT NULL REFERENCES findings(id),
            opened TEXT NOT NULL,
            opened_run INTEGER NOT NULL,
            fixed TEXT,
            fixed_run INTEGER,
            PRIMARY KEY(scope, finding_id, opened_run)) WITHOUT ROWID""",
        "CREATE INDEX episodes_fixed ON episodes(fixed)",
    ),
    (  # 2: a rule's texts stored once (a run of 75,000 findings took 4.6 KB each)
        "CREATE TABLE texts(id INTEGER PRIMARY KEY, digest TEXT NOT NULL UNIQUE, body TEXT"
        " NOT NULL)",
        "ALTER TABLE observations ADD COLUMN texts_id INTEGER REFERENCES texts(id)",
    ),
)
SCHEMA_VERSION = len(MIGRATIONS)
# Parts of a finding object that come from the catalogue, the same for every finding of a
# rule, provider and language.
SHARED_TEXTS = ("title", "remediation", "references")
# What a passing finding keeps of its resource (its identity is in the findings table).
PASS_RESOURCE_KEYS = ("provider", "type", "region", "account")
FINDING_ORDER = ("rule_id", "topic", "status", "severity", "title", "message", "resource",
                 "references", "remediation")  # the order of `-o json`


@dataclass
class Observed:
    """One finding of a run to record."""

    rule_id: str
    input: str
    address: str
    status: str  # the verdict: pass | fail | unknown (before any waiver)
    shown: str  # as reported: the verdict, or skipped when a waiver applies
    topic: str = ""
    severity: str = ""
    suppression: dict | None = None
    doc: dict = field(default_factory=dict)  # the finding object of the JSON result

    @property
    def key(self) -> str:
        return identity_key(self.rule_id, self.input, self.address)


def identity_key(rule_id: str, input_name: str, address: str) -> str:
    """The stable identity of a finding: rule, input (root folder, plan, account) and
    address (Terraform address or cloud id/ARN), joined by a separator no name holds."""
    return "\x1f".join((rule_id, input_name, address))


@dataclass
class NewRun:
    """A run to record (built by `record.py` from JSON results)."""

    uid: str
    scope: str
    started: str
    command: str
    complete: bool
    findings: list[Observed]
    finished: str | None = None
    tool_version: str = ""
    catalogue: str = ""
    rules: list[str] | None = None  # rules run; None: not known (all of the catalogue)
    settings: dict = field(default_factory=dict)
    inputs: list = field(default_factory=list)
    problems: list = field(default_factory=list)  # errors, modules not read (incomplete)
    exceptions: list = field(default_factory=list)
    counts: dict = field(default_factory=dict)


@dataclass
class Run:
    """A recorded run as read back."""

    id: int
    uid: str
    scope: str
    started: str
    finished: str | None
    recorded: str
    command: str
    tool_version: str
    catalogue: str
    complete: bool
    rules: list[str] | None
    counts: dict
    problems: list
    settings: dict
    inputs: list
    exceptions: list

    def as_dict(self) -> dict:
        return {"id": self.id, "uid": self.uid, "scope": self.scope, "started": self.started,
                "finished": self.finished, "recorded": self.recorded, "command": self.command,
                "tool_version": self.tool_version, "catalogue": self.catalogue,
                "complete": self.complete, "counts": self.counts, "problems": self.problems,
                "inputs": self.inputs, "settings": self.settings, "rules": self.rules}


@dataclass
class Observation:
    """What one run said of one identity, as read back."""

    finding_id: int
    rule_id: str
    input: str
    address: str
    status: str
    shown: str
    topic: str
    severity: str
    suppression: dict | None
    doc: dict
    first_seen: str
    last_seen: str


@dataclass
class Episode:
    """A failure of one identity in one scope, from the run that first saw it failing to the
    complete run that no longer did (None: still open)."""

    scope: str
    finding_id: int
    rule_id: str
    input: str
    address: str
    topic: str
    severity: str
    opened: str
    fixed: str | None


def _clip(value: object, limit: int = MAX_FIELD_CHARS) -> str:
    text = "" if value is None else str(value)
    return text[:limit]


def _dump(value: object, limit: int = MAX_JSON_CHARS) -> str:
    text = json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= limit else json.dumps({"omitted": f"over {limit} characters"})


def _load(text: object, default, limit: int = MAX_JSON_CHARS):
    """A JSON column read back: the default when absent, too large, malformed or of the
    wrong type (a crafted store must not break a report)."""
    if not isinstance(text, str) or len(text) > limit:
        return default
    try:
        value = json.loads(text)
    except ValueError:
        return default
    return value if isinstance(value, type(default)) else default


def _rules(text: object) -> set[str] | None:
    """The rules a run ran; None when not recorded (every rule counts as run); an empty
    set when the column cannot be read (no rule counts as run: it proves no fix)."""
    value = _load(text, [], MAX_DOC_CHARS) if text is not None else None
    if not value:
        return None if text is None or not isinstance(value, list) else set()
    return {str(r) for r in value}


class Store:
    """An open store. Use `open_store`; close with `close()` or a `with` block."""

    def __init__(self, conn: sqlite3.Connection, path: str):
        self.conn = conn
        self.path = path

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        self.conn.close()

    # -- writing -------------------------------------------------------------------------

    def record(self, run: NewRun) -> tuple[int, bool]:
        """Record a run whole, in one transaction. Returns (run id, True), or the id of the
        run already recorded with this uid and False (nothing is written twice)."""
        if len(run.findings) > MAX_RUN_FINDINGS:
            raise StoreError(f"{self.path}: a run of {len(run.findings)} findings is over the"
                             f" store's limit of {MAX_RUN_FINDINGS}")
        return self._write(lambda: self._insert(run))

    def _write(self, body):
        """`body` inside BEGIN IMMEDIATE ... COMMIT; retried while another writer holds the
        lock past sqlite's own busy timeout."""
        deadline = time.monotonic() + BUSY_TIMEOUT_S
        while True:
            try:
                self.conn.execute("BEGIN IMMEDIATE")
            except sqlite3.OperationalError as exc:
                if "locked" in str(exc) and time.monotonic() < deadline:
                    time.sleep(0.05)
                    continue
                raise StoreError(f"{self.path}: cannot write: {exc}") from None
            try:
                out = body()
                self.conn.execute("COMMIT")
                return out
            except BaseException:
                self.conn.execute("ROLLBACK")
                raise

    def _insert(self, run: NewRun) -> tuple[int, bool]:
        c = self.conn
        row = c.execute("SELECT id FROM runs WHERE uid = ?", (run.uid,)).fetchone()
        if row:
            return int(row[0]), False
        cur = c.execute(
            "INSERT INTO runs(uid, scope, started, finished, recorded, command, tool_version,"
            " catalogue, complete, rules, settings, inputs, problems, exceptions, counts)"
            " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (_clip(run.uid), _clip(run.scope), run.started, run.finished, utc(),
             _clip(run.command), _clip(run.tool_version), _clip(run.catalogue),
             int(run.complete), None if run.rules is None else _dump(sorted(run.rules)),
             _dump(run.settings), _dump(run.inputs), _dump(run.problems),
             _dump(run.exceptions), _dump(run.counts)))
        run_id = int(cur.lastrowid)
        unique: dict[str, Observed] = {}
        for obs in run.findings:  # one observation per identity and run: the first one wins
            unique.setdefault(_clip(obs.key, 3 * MAX_FIELD_CHARS), obs)
        c.executemany(
            "INSERT INTO findings(key, rule_id, input, address, topic, severity, first_seen,"
            " last_seen) VALUES (?,?,?,?,?,?,?,?) ON CONFLICT(key) DO UPDATE"
            " SET first_seen = min(first_seen, excluded.first_seen),"
            " last_seen = max(last_seen, excluded.last_seen)",
            ((key, _clip(o.rule_id), _clip(o.input), _clip(o.address), _clip(o.topic),
              _clip(o.severity), run.started, run.started) for key, o in unique.items()))
        ids: dict[str, int] = {}
        keys = list(unique)
        for i in range(0, len(keys), 500):
            chunk = keys[i:i + 500]
            ids.update(c.execute(f"SELECT key, id FROM findings WHERE key IN"
                                 f" ({','.join('?' * len(chunk))})", chunk).fetchall())
        texts: dict[tuple, int] = {}
        rows = []
        for key, obs in unique.items():
            doc, texts_id = "", None
            if obs.status == "pass" and obs.shown == "pass":
                # What the HDS report of a stored run counts a pass by (`report --store`):
                # the resource's provider (matrix duties are per provider), type, region
                # and account; no message, no texts.
                where = obs.doc.get("resource")
                if isinstance(where, dict):
                    doc = _dump({"resource": {k: where[k] for k in PASS_RESOURCE_KEYS
                                              if where.get(k) is not None}}, MAX_DOC_CHARS)
            else:
                # Passing findings keep only their status: diffs, trends and episodes read
                # failures; the rule's texts are stored once per run and language.
                own = {k: v for k, v in obs.doc.items() if k not in SHARED_TEXTS}
                shared = {k: obs.doc[k] for k in SHARED_TEXTS if k in obs.doc}
                doc = _dump(own, MAX_DOC_CHARS)
                if shared:
                    texts_id = self._texts(obs.rule_id, shared, texts)
            rows.append((run_id, ids[key], obs.status, obs.shown, _clip(obs.severity),
                         _clip(obs.topic), None if obs.suppression is None
                         else _dump(obs.suppression, MAX_DOC_CHARS), doc, texts_id))
        c.executemany(
            "INSERT INTO observations(run_id, finding_id, status, shown, severity, topic,"
            " suppression, doc, texts_id) VALUES (?,?,?,?,?,?,?,?,?)", rows)
        self._update_episodes(run.scope, run_id, run.started)
        return run_id, True

    def _texts(self, rule_id: str, shared: dict, cache: dict[tuple, int]) -> int:
        """The id of a rule's texts (title, remediation, references) as a finding object
        carries them, stored once whatever the number of findings and runs."""
        quick = (rule_id, str(shared.get("title")), str(shared.get("remediation")),
                 str(shared.get("references")))
        if quick not in cache:
            body = json.dumps(shared, ensure_ascii=False, sort_keys=True)[:MAX_DOC_CHARS]
            digest = hashlib.sha256(body.encode("utf-8", "replace")).hexdigest()
            self.conn.execute("INSERT OR IGNORE INTO texts(digest, body) VALUES (?, ?)",
                              (digest, body))
            cache[quick] = self.conn.execute("SELECT id FROM texts WHERE digest = ?",
                                             (digest,)).fetchone()[0]
        return cache[quick]

    def _update_episodes(self, scope: str, run_id: int, started: str) -> None:
        """Failure episodes of `scope` after run `run_id` was added: walk only the new run
        when it is the latest of its scope (the usual case), else the whole scope again
        (an older result imported late must still close and open the right episodes)."""
        later = self.conn.execute(
            "SELECT 1 FROM runs WHERE scope = ? AND id != ? AND (started > ? OR"
            " (started = ? AND id > ?)) LIMIT 1",
            (scope, run_id, started, started, run_id)).fetchone()
        if later:
            self.conn.execute("DELETE FROM episodes WHERE scope = ?", (scope,))
            runs = self._scope_runs(scope)
            open_now: dict[int, tuple[str, int]] = {}
        else:
            runs = [r for r in self._scope_runs(scope, run_id)]
            open_now = {fid: (opened, orun) for fid, opened, orun in self.conn.execute(
                "SELECT finding_id, opened, opened_run FROM episodes WHERE scope = ? AND"
                " fixed IS NULL", (scope,))}
        rule_of: dict[int, str] = {}
        for rid, when, complete, rules_text in runs:
            statuses = {fid: status for fid, status in self.conn.execute(
                "SELECT finding_id, status FROM observations WHERE run_id = ? AND status IN"
                " (?, ?)", (rid, FAILING, UNDECIDED))}
            for fid, status in statuses.items():
                if status == FAILING and fid not in open_now:
                    open_now[fid] = (when, rid)
                    self.conn.execute(
                        "INSERT OR REPLACE INTO episodes(scope, finding_id, opened, opened_run,"
                        " fixed, fixed_run) VALUES (?,?,?,?,NULL,NULL)", (scope, fid, when, rid))
            if not complete:
                continue  # an incomplete run never marks a finding as fixed
            rules = _rules(rules_text)
            for fid in list(open_now):
                if fid in statuses:
                    continue  # still failing, or unknown: not proven fixed
                if rules is not None:
                    if fid not in rule_of:
                        rule_of[fid] = self.conn.execute(
                            "SELECT rule_id FROM findings WHERE id = ?", (fid,)).fetchone()[0]
                    if rule_of[fid] not in rules:
                        continue  # the rule did not run: nothing is proven
                opened_run = open_now.pop(fid)[1]
                self.conn.execute(
                    "UPDATE episodes SET fixed = ?, fixed_run = ? WHERE scope = ? AND"
                    " finding_id = ? AND opened_run = ?", (when, rid, scope, fid, opened_run))

    def _scope_runs(self, scope: str, only: int | None = None) -> list[tuple]:
        sql = "SELECT id, started, complete, rules FROM runs WHERE scope = ?"
        params: tuple = (scope,)
        if only is not None:
            sql += " AND id = ?"
            params += (only,)
        return self.conn.execute(sql + " ORDER BY started, id", params).fetchall()

    # -- reading -------------------------------------------------------------------------

    def _run(self, row: tuple) -> Run:
        (rid, uid, scope, started, finished, recorded, command, tool_version, catalogue,
         complete, rules, counts, problems, settings, inputs, exceptions) = row
        rules_list = _rules(rules)
        return Run(int(rid), str(uid), str(scope), str(started), finished, str(recorded),
                   str(command), tool_version or "", catalogue or "", bool(complete),
                   sorted(rules_list) if rules_list is not None else None,
                   _load(counts, {}), _load(problems, []), _load(settings, {}),
                   _load(inputs, []), _load(exceptions, []))

    _RUN_COLUMNS = ("id, uid, scope, started, finished, recorded, command, tool_version,"
                    " catalogue, complete, rules, counts, problems, settings, inputs, exceptions")

    def runs(self, scope: str | None = None, since: str | None = None,
             until: str | None = None, limit: int | None = None,
             newest_first: bool = False) -> list[Run]:
        """Runs, oldest first (or newest first), filtered by scope and period
        (`since` <= started < `until`)."""
        sql = f"SELECT {self._RUN_COLUMNS} FROM runs WHERE 1=1"
        params: list = []
        if scope is not None:
            sql += " AND scope = ?"
            params.append(scope)
        if since is not None:
            sql += " AND started >= ?"
            params.append(since)
        if until is not None:
            sql += " AND started < ?"
            params.append(until)
        order = "DESC" if newest_first else "ASC"
        sql += f" ORDER BY started {order}, id {order} LIMIT ?"
        params.append(min(limit or MAX_ROWS, MAX_ROWS))
        return [self._run(r) for r in self.conn.execute(sql, params)]

    def run(self, run_id: int) -> Run | None:
        row = self.conn.execute(f"SELECT {self._RUN_COLUMNS} FROM runs WHERE id = ?",
                                (run_id,)).fetchone()
        return self._run(row) if row else None

    def latest(self, scope: str | None = None) -> Run | None:
        found = self.runs(scope=scope, limit=1, newest_first=True)
        return found[0] if found else None

    def previous(self, run: Run) -> Run | None:
        """The run of the same scope just before `run`."""
        row = self.conn.execute(
            f"SELECT {self._RUN_COLUMNS} FROM runs WHERE scope = ? AND (started < ? OR"
            " (started = ? AND id < ?)) ORDER BY started DESC, id DESC LIMIT 1",
            (run.scope, run.started, run.started, run.id)).fetchone()
        return self._run(row) if row else None

    def scopes(self) -> list[str]:
        return [str(r[0]) for r in self.conn.execute(
            "SELECT DISTINCT scope FROM runs ORDER BY scope LIMIT ?", (MAX_ROWS,))]

    def observations(self, run_id: int, statuses: Iterable[str] | None = None
                     ) -> Iterator[Observation]:
        """What run `run_id` said of each identity (bounded to MAX_RUN_FINDINGS)."""
        where, params = "", [run_id]
        if statuses is not None:
            wanted = list(statuses)
            where = f" AND o.status IN ({','.join('?' * len(wanted))})"
            params += wanted
        return self._observations(where, params)

    def _observations(self, where: str, params: list) -> Iterator[Observation]:
        sql = ("SELECT f.id, f.rule_id, f.input, f.address, o.status, o.shown, o.topic,"
               " o.severity, o.suppression, o.doc, t.body, f.first_seen, f.last_seen FROM"
               " observations o JOIN findings f ON f.id = o.finding_id LEFT JOIN texts t ON"
               " t.id = o.texts_id WHERE o.run_id = ?"
               + where + " ORDER BY f.rule_id, f.input, f.address LIMIT ?")
        params.append(MAX_RUN_FINDINGS)
        for (fid, rule_id, input_name, address, status, shown, topic, severity, suppression,
             doc, texts, first_seen, last_seen) in self.conn.execute(sql, params):
            own = _load(doc, {}, MAX_DOC_CHARS)
            shared = _load(texts, {}, MAX_DOC_CHARS)
            parts = {**own, **{k: shared[k] for k in SHARED_TEXTS if k in shared}}
            finding = {k: parts[k] for k in FINDING_ORDER if k in parts}
            finding.update(parts)
            yield Observation(int(fid), str(rule_id), str(input_name), str(address),
                              str(status), str(shown), topic or "", severity or "",
                              _load(suppression, {}, MAX_DOC_CHARS) or None,
                              finding, str(first_seen), str(last_seen))

    def present(self, run_id: int) -> dict[int, str]:
        """Identity -> verdict of every finding of a run (no finding object)."""
        return {int(f): str(s) for f, s in self.conn.execute(
            "SELECT finding_id, status FROM observations WHERE run_id = ? LIMIT ?",
            (run_id, MAX_RUN_FINDINGS))}

    def episodes(self, scope: str | None = None) -> list[Episode]:
        """Every failure episode (of one scope), oldest first."""
        sql = ("SELECT e.scope, e.finding_id, f.rule_id, f.input, f.address, f.topic,"
               " f.severity, e.opened, e.fixed FROM episodes e JOIN findings f ON"
               " f.id = e.finding_id")
        params: list = []
        if scope is not None:
            sql += " WHERE e.scope = ?"
            params.append(scope)
        sql += " ORDER BY e.opened, e.finding_id LIMIT ?"
        params.append(MAX_ROWS)
        return [Episode(str(s), int(fid), str(r), str(i), str(a), t or "", sev or "", str(o),
                        fx) for s, fid, r, i, a, t, sev, o, fx in self.conn.execute(sql, params)]

    def closed_by(self, run: Run) -> list[tuple[int, int]]:
        """(finding id, run that opened it) of the failure episodes `run` closed."""
        return [(int(f), int(o)) for f, o in self.conn.execute(
            "SELECT finding_id, opened_run FROM episodes WHERE scope = ? AND fixed_run = ?"
            " LIMIT ?", (run.scope, run.id, MAX_RUN_FINDINGS))]

    def observation(self, run_id: int, finding_id: int) -> Observation | None:
        return next(self._observations(" AND o.finding_id = ?", [run_id, finding_id]), None)


def _migrate(conn: sqlite3.Connection, path: str) -> None:
    """Bring the schema to SCHEMA_VERSION in one transaction; refuse a file that is not a
    store, or a store of a newer hds-iac."""
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    if version > SCHEMA_VERSION:
        raise StoreError(f"{path}: store schema version {version} was written by a newer"
                         f" hds-iac (this one reads up to {SCHEMA_VERSION}): upgrade hds-iac")
    if version == SCHEMA_VERSION:
        return
    conn.execute("BEGIN IMMEDIATE")
    try:
        version = conn.execute("PRAGMA user_version").fetchone()[0]  # another writer may
        if version == 0:                                              # have migrated it
            tables = {r[0] for r in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table'")}
            if tables:
                raise StoreError(f"{path}: an SQLite database, but not an hds-iac history"
                                 " store (it has other tables)")
        for step in MIGRATIONS[version:]:
            for statement in step:
                conn.execute(statement)
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise


def open_store(path: str, create: bool = True) -> Store:
    """Open (and create, and migrate) the store at `path`. Raises StoreError with one line
    naming the file when it cannot be used."""
    if not create and not os.path.exists(path):
        raise StoreError(f"{path}: no such store (record runs with --store {path} first)")
    if os.path.isdir(path):
        raise StoreError(f"{path}: is a folder, not a store file")
    try:
        conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_S, isolation_level=None)
    except sqlite3.Error as exc:
        raise StoreError(f"{path}: cannot open the store: {exc}") from None
    try:
        conn.execute("PRAGMA trusted_schema = OFF")
        deadline = time.monotonic() + BUSY_TIMEOUT_S
        while True:
            try:
                mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
                break
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) or time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
        if str(mode).lower() != "wal":
            raise StoreError(f"{path}: the store cannot use WAL mode ({mode}); is it on a"
                             " file system that supports shared memory?")
        conn.execute("PRAGMA synchronous = NORMAL")
        conn.execute("PRAGMA foreign_keys = ON")
        _migrate(conn, path)
    except StoreError:
        conn.close()
        raise
    except sqlite3.DatabaseError as exc:
        conn.close()
        raise StoreError(f"{path}: not a usable history store ({exc})") from None
    return Store(conn, path)
