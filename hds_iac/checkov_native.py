"""The native engine behind the CKV_HDS checks: one `hds-iac scan` per checkov input.

A checkov resource check sees one resource: no provider block, no other resource. The
native engine sees the whole root module (or plan). So the first time one of our checks
meets a resource of a checkov input (a folder given with `-d`, a plan given with `-f`),
this module runs `hds-iac scan INPUT -o json` once, as a subprocess, and every CKV_HDS
check then reports the native verdict for its resource. A folder is scanned whole: the
native scan finds every root module under it and judges each once, in one process (one
process per root would cost its start-up time per root).

The native engine is run as a separate program, never imported: checkov's environment
holds bc-python-hcl2, whose top-level module `hcl2` clashes with the python-hcl2 that
hds-iac's HCL reader needs. This module itself uses the standard library only.

Where the native engine is (first found wins):
1. `$HDS_IAC_BIN`: a program or a command line (`/opt/hds/bin/hds-iac`,
   `/opt/hds/bin/python -m hds_iac.cli`); `none` turns the native engine off.
2. an `hds-iac` on PATH that is not in checkov's own environment;
3. the command recorded in the user cache (`$XDG_CACHE_HOME/hds-iac/native.json`) by
   `hds-iac checkov-dir` and by the pre-commit checkov hook, the same cache folder the hook
   keeps its checkov environment in.
When none is found, or the scan of an input fails, the checks fall back to judging the one
resource they see (`hds_iac.checkov_support`), and say so once on standard error: a failed
native scan never becomes a pass of the resources it did not judge.

When it starts: as soon as checkov loads our checks (`prefetch`, before they import the
rest of hds-iac), in the background, so that the native scan runs while checkov parses the
input and builds its graph; the first check that needs a verdict waits for it. The input
is read from the checkov runner loading the checks (its `root_folder`/`files`, or the plan
runner's plans), else from checkov's command line (`-d`, `-f`) when that alone says what
this process will scan; when neither tells, the scan starts at the first check (`scan`).

Results are cached for the run (`shared()`: one cache per process, kept here because
checkov executes the checks file afresh for each folder it scans), per input, behind a
lock: checkov may call checks from several threads. checkov's parallel runners are separate
processes, one per framework (`terraform` reads folders, `terraform_plan` plan files), so no
two processes ever need the same input; each keeps its own cache. A native scan still
running when checkov's process ends (no check needed it) is stopped and reaped.
"""
from __future__ import annotations

import json
import os
import shlex
import shutil
import signal
import subprocess
import sys
import threading
from dataclasses import dataclass, field

# Standard library only, and small: not the model nor the adapters, whose import cost
# checkov's process 0.1 s of CPU for these two functions.
from hds_iac.terraform.addresses import base_address, checkov_key

BIN_VARIABLE = "HDS_IAC_BIN"
OFF = ("none", "off", "false", "0")
# How long one native scan may take (seconds): HDS_IAC_NATIVE_TIMEOUT.
DEFAULT_TIMEOUT = 600.0
# A verdict for checkov when several native findings fall on one checkov resource (the
# instances of a `count`, two calls of one module): the worst wins, a failure first.
_RANK = {"pass": 0, "skipped": 1, "unknown": 2, "fail": 3}


def cache_root() -> str:
    """hds-iac's folder in the user cache (shared with the pre-commit checkov hook)."""
    from hds_iac import user_cache

    return user_cache.root()


_POINTER_MAX_BYTES = 64 * 1024


def pointer_path() -> str:
    return os.path.join(cache_root(), "native.json")


def record_command(command: list[str]) -> None:
    """Remember how to run this hds-iac, for checkov runs that find it nowhere else.
    Best effort: a read-only cache only means the checks look elsewhere."""
    from hds_iac import user_cache

    user_cache.write_private(pointer_path(), json.dumps({"command": command}).encode())


def this_command() -> list[str]:
    """The command line that runs the hds-iac of the current process."""
    return [sys.executable, "-m", "hds_iac.cli"]


def _in_this_environment(program: str) -> bool:
    """An hds-iac installed beside the running interpreter (checkov's) would import
    checkov's `hcl2`: never use that one."""
    return os.path.realpath(os.path.dirname(program)) == os.path.realpath(
        os.path.dirname(sys.executable))


def native_command() -> list[str] | None:
    """The command that runs `hds-iac`, or None when there is none to use."""
    explicit = os.environ.get(BIN_VARIABLE, "").strip()
    if explicit:
        if explicit.lower() in OFF:
            return None
        return shlex.split(explicit)
    found = shutil.which("hds-iac")
    if found and not _in_this_environment(found):
        return [found]
    from hds_iac import user_cache

    # Read only from a private file of this user (`user_cache.read_private`): it names a
    # program to run.
    pointer = user_cache.read_private(pointer_path(), _POINTER_MAX_BYTES)
    try:
        command = json.loads(pointer[0]).get("command") if pointer else None
    except (ValueError, AttributeError):
        return None
    if (isinstance(command, list) and command and all(isinstance(c, str) for c in command)
            and os.access(command[0], os.X_OK)):
        return command
    return None


@dataclass(frozen=True)
class NativeVerdict:
    """What `hds-iac scan` said of one rule on one resource."""

    status: str  # pass | fail | unknown | skipped
    message: str = ""
    line: int | None = None
    reason: str = ""  # why a skipped finding is waived ("hds-iac:skip: ...", "baseline: ...")
    # The deciding attributes in checkov's `evaluated_keys` form (`encrypted`,
    # `root_block_device/[0]/encrypted`), when the report names them.
    keys: tuple[str, ...] = ()


@dataclass
class NativeScan:
    """One native scan of one checkov input (a folder, or the plans of one checkov runner),
    indexed by (real file path, address)."""

    targets: tuple[str, ...]
    ok: bool = False
    problem: str = ""  # why the scan is not usable (one line), when not ok
    files: set[str] = field(default_factory=set)  # the files the native scan read
    failed_paths: set[str] = field(default_factory=set)  # files/folders it could not read
    exact: dict[tuple[str, str], dict[str, NativeVerdict]] = field(default_factory=dict)
    by_base: dict[tuple[str, str], dict[str, NativeVerdict]] = field(default_factory=dict)
    _read: dict[str, bool] = field(default_factory=dict)  # file -> read(file), per file once

    def read(self, file: str) -> bool:
        """True when the native scan read `file` (real path) without an error."""
        known = self._read.get(file)
        if known is None:
            known = file in self.files and not any(
                file == bad or file.startswith(bad + os.sep) for bad in self.failed_paths)
            self._read[file] = known
        return known

    def verdicts(self, file: str, address: str) -> dict[str, NativeVerdict] | None:
        """rule id -> verdict for the resource at `address` in `file` (real path); None
        when the native scan did not read that file (then the checks fall back)."""
        if not self.ok or not self.read(file):
            return None
        found = self.exact.get((file, address))
        if found is None:
            found = self.by_base.get((file, base_address(address)), {})
        return found


def _merge(table: dict[tuple[str, str], dict[str, NativeVerdict]], key: tuple[str, str],
           rule: str, verdict: NativeVerdict) -> None:
    rules = table.setdefault(key, {})
    old = rules.get(rule)
    if old is None or _RANK[verdict.status] > _RANK[old.status]:
        rules[rule] = verdict


def _keys(finding: dict, key_of: dict[str, str]) -> tuple[str, ...]:
    """The deciding attributes of a finding (`attributes: [{"path": ...}]` in the JSON
    report), for checkov's `evaluated_keys`; () when the report names none. (`key_of`
    holds each path's key once worked out: a report names the same few paths thousands of
    times.)"""
    found = finding.get("attributes")
    if not found or not isinstance(found, list):
        return ()
    keys = []
    for item in found[:20]:
        if not isinstance(item, dict) or "address" in item:
            continue  # another resource's attribute: not this one's key
        path = item.get("path")
        if not path or not isinstance(path, str):
            continue
        key = key_of.get(path)
        if key is None:
            key = key_of[path] = checkov_key(path)
        keys.append(key)
    return tuple(keys)


def _reason(finding: dict) -> str:
    waiver = finding.get("suppression") or {}
    if not isinstance(waiver, dict):
        return ""
    by, why = str(waiver.get("by") or ""), str(waiver.get("reason") or "")
    return f"{by}: {why}" if by and why else by or why


def index(scan: NativeScan, report: dict, plan: bool) -> None:
    """Fill `scan` from the JSON report of `hds-iac scan` run on `scan.targets`: its file
    paths are relative to `repository.display_base` of the first one (the git repository's
    top folder, else the scanned folder), absolute outside it."""
    from hds_iac import repository  # standard library only, as this module

    base = repository.display_base(scan.targets[0])
    # Worked out once per distinct value, not once per finding: a report of thousands of
    # findings names a few files (one for a plan), each resource and attribute path several
    # times, and most verdicts are alike (`realpath` alone, a few system calls per finding,
    # cost most of this reading on a 5,000-resource plan).
    reals: dict[str, str] = {}
    bases: dict[str, str] = {}
    key_of: dict[str, str] = {}
    alike: dict[tuple, NativeVerdict] = {}

    def real(path: str) -> str:
        found = reals.get(path)
        if found is None:
            found = reals[path] = os.path.realpath(os.path.join(base, path))
        return found

    target = os.path.realpath(scan.targets[0])
    if plan:
        scan.files.update(os.path.realpath(t) for t in scan.targets)
    for item in report.get("inputs") or []:
        for entry in (item.get("files") or []) if isinstance(item, dict) else []:
            if isinstance(entry, dict) and isinstance(entry.get("path"), str):
                scan.files.add(real(entry["path"]))
    for error in report.get("errors") or []:
        path = error.get("path") if isinstance(error, dict) else None
        scan.failed_paths.update([real(path)] if isinstance(path, str) else
                                 [os.path.realpath(t) for t in scan.targets])
    exact, by_base = scan.exact, scan.by_base
    for finding in report.get("findings") or []:
        resource = finding.get("resource") or {}
        address, status = resource.get("address"), finding.get("status")
        if not isinstance(address, str) or status not in _RANK:
            continue
        where = resource.get("file")
        if isinstance(where, str):
            file = real(where)
        elif plan and len(scan.targets) == 1:
            file = target
        else:
            continue  # not in a file (an account-wide fact): no checkov resource to carry it
        line = resource.get("line")
        fields = (status, str(finding.get("message") or ""),
                  line if isinstance(line, int) else None, _reason(finding),
                  _keys(finding, key_of))
        verdict = alike.get(fields)
        if verdict is None:
            verdict = alike[fields] = NativeVerdict(*fields)
        rule = str(finding.get("rule_id"))
        based = bases.get(address)
        if based is None:
            based = bases[address] = base_address(address)
        _merge(exact, (file, address), rule, verdict)
        _merge(by_base, (file, based), rule, verdict)
    scan.ok = True


def _environment() -> dict[str, str]:
    """checkov's Python settings must not leak into hds-iac's own environment."""
    env = dict(os.environ)
    for name in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV"):
        env.pop(name, None)
    return env


# The native scans running now, stopped and reaped when checkov's process ends before a
# check needed them (a background scan of an input with none of our resources).
_RUNNING: set[subprocess.Popen] = set()
_RUNNING_LOCK = threading.Lock()
_STOP_AT_EXIT: list[int] = []  # the pid of the process that registered the stop


def _track(proc: subprocess.Popen) -> None:
    with _RUNNING_LOCK:
        _RUNNING.add(proc)
        if os.getpid() in _STOP_AT_EXIT:
            return
        _STOP_AT_EXIT.append(os.getpid())
    import atexit
    from multiprocessing import util

    atexit.register(stop_running)
    # checkov's parallel runners are multiprocessing children: they end with os._exit,
    # after multiprocessing's finalizers, never atexit's handlers.
    util.Finalize(None, stop_running, exitpriority=100)


def _untrack(proc: subprocess.Popen) -> None:
    with _RUNNING_LOCK:
        _RUNNING.discard(proc)


def stop_running() -> None:
    """Kill and reap every native scan this process still runs (idempotent)."""
    with _RUNNING_LOCK:
        procs = [p for p in _RUNNING if p.pid and p.returncode is None]
        _RUNNING.clear()
    for proc in procs:
        _kill(proc)


def _kill(proc: subprocess.Popen) -> None:
    """Kill a native scan and what it started (its process group), and reap it."""
    try:
        if hasattr(os, "killpg"):
            os.killpg(proc.pid, signal.SIGKILL)
        else:
            proc.kill()
    except OSError:
        pass
    try:
        proc.wait(timeout=10)
    except (OSError, subprocess.SubprocessError):
        pass


def run_native(command: list[str], targets: tuple[str, ...], plan: bool) -> NativeScan:
    """`hds-iac scan TARGET... -o json` as a subprocess, read into a NativeScan (never
    raises)."""
    scan = NativeScan(targets)
    # Every rule is judged: which checks run is checkov's choice (its --check/--skip-check),
    # so the `check`/`skip_check` of .hds-iac.yaml (the native front-end's selection) are
    # overridden; its settings (allowed countries, retention, attestation tags, variables
    # files, baseline) apply as in `hds-iac scan`.
    cmd = [*command, "scan", *targets, "-o", "json", "--soft-fail", "--no-git-blame",
           "--allow-missing-modules", "--check", "low,medium,high,critical",
           "--skip-check", ""]
    countries = os.environ.get("HDS_IAC_ALLOWED_COUNTRIES", "").strip()
    if countries:
        cmd += ["--allowed-countries", countries]
    baseline = os.environ.get("HDS_IAC_BASELINE", "").strip()
    if baseline:
        cmd += ["--baseline", baseline]
    try:
        timeout = float(os.environ.get("HDS_IAC_NATIVE_TIMEOUT", DEFAULT_TIMEOUT))
    except ValueError:
        timeout = DEFAULT_TIMEOUT
    try:
        # checkov's working folder, as a user's own `hds-iac scan` from there: baselines key
        # failures by input relative to the repository (or to this folder outside one).
        # Its own process group: stopping it stops what it started (a wrapper script's
        # Python), so no orphan keeps a core busy.
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                stdin=subprocess.DEVNULL, env=_environment(),
                                start_new_session=hasattr(os, "killpg"))
    except (OSError, subprocess.SubprocessError) as exc:
        scan.problem = f"cannot run {command[0]}: {type(exc).__name__}: {exc}"[:300]
        return scan
    _track(proc)
    try:
        stdout, stderr = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        _kill(proc)
        scan.problem = (f"cannot run {command[0]}: TimeoutExpired: no answer within "
                        f"{timeout:g} seconds (HDS_IAC_NATIVE_TIMEOUT)")
        return scan
    except (OSError, subprocess.SubprocessError, ValueError) as exc:
        _kill(proc)
        scan.problem = f"cannot run {command[0]}: {type(exc).__name__}: {exc}"[:300]
        return scan
    finally:
        _untrack(proc)
    if proc.returncode not in (0, 2):  # 2: some inputs had errors, the JSON says which
        last = stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or [""]
        scan.problem = f"`hds-iac scan` exited {proc.returncode}: {last[0][:200]}"
        return scan
    try:
        report = json.loads(stdout)
        if not isinstance(report, dict) or not isinstance(report.get("findings"), list):
            raise ValueError("no findings list")
        index(scan, report, plan)
    except (ValueError, TypeError, AttributeError) as exc:
        scan.ok = False
        scan.problem = f"`hds-iac scan` gave no readable JSON report ({exc})"[:300]
    return scan


def _run_id() -> str:
    """The checkov run this process belongs to: checkov's parallel runners are
    multiprocessing children of the main process; a pid is named with its start time
    (Linux), so that a reused pid is another run."""
    import multiprocessing

    pid = os.getppid() if multiprocessing.parent_process() is not None else os.getpid()
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as handle:
            start = handle.read().rsplit(")", 1)[1].split()[19]
    except (OSError, IndexError):
        start = ""
    return f"{pid}-{start}"


def _first_in_run(key: str) -> bool:
    """True for the first process of this checkov run to claim `key` (a marker file created
    exclusively); True as well when no marker can be written (say it twice, not never)."""
    import hashlib
    import tempfile

    folder = os.path.join(tempfile.gettempdir(), f"hds-iac-checkov-{os.getuid()}"
                          if hasattr(os, "getuid") else "hds-iac-checkov")
    name = hashlib.sha256(f"{_run_id()}\0{key}".encode()).hexdigest()[:32]
    try:
        os.makedirs(folder, mode=0o700, exist_ok=True)
        os.close(os.open(os.path.join(folder, name), os.O_CREAT | os.O_EXCL | os.O_WRONLY,
                         0o600))
    except FileExistsError:
        return False
    except OSError:
        return True
    return True


class NativeCache:
    """The native scans of one checkov run, computed once per input (thread-safe)."""

    def __init__(self, command: list[str] | None = None, *, find: bool = True) -> None:
        self._command = command
        self._find = find and command is None
        self._lock = threading.Lock()
        self._scans: dict[tuple[str, ...], NativeScan] = {}
        self._locks: dict[tuple[str, ...], threading.Lock] = {}
        self._said: set[str] = set()
        self._keys: dict[tuple[str, ...], tuple[str, ...]] = {}  # targets -> real paths

    def command(self) -> list[str] | None:
        with self._lock:
            if self._find:
                self._command, self._find = native_command(), False
            return self._command

    def _notice(self, key: str, text: str, per_run: bool = False) -> None:
        with self._lock:
            if key in self._said:
                return
            self._said.add(key)
        if per_run and not _first_in_run(key):
            return
        print(f"hds-iac checks: {text}", file=sys.stderr, flush=True)

    def say_unread(self, scan: NativeScan, file: str) -> None:
        """Once per file: the native scan could not read `file` (real path), so its
        resources are judged one by one."""
        if scan.ok and any(file == bad or file.startswith(bad + os.sep)
                           for bad in scan.failed_paths):
            self._notice(f"unread {file}", f"the native scan could not read {file}; its "
                         "resources are judged one by one, as checkov shows them")

    def scan_that_read(self, file: str) -> NativeScan | None:
        """A finished scan that read `file` (real path), if any: checkov, given several
        `-d` folders, checks an earlier folder's resources again in the next folder's run,
        and they get the verdicts of the scan that read them."""
        with self._lock:
            scans = list(self._scans.values())
        return next((s for s in scans if s.ok and s.read(file)), None)

    def prefetch(self, targets: tuple[str, ...], plan: bool) -> None:
        """Start the native scan of `targets` in the background (silently nothing when
        there is no native engine: the first check says so). It says nothing itself: a
        failure is told by the first check that needs the scan, if any does."""
        command = self.command()
        if targets and command is not None:
            threading.Thread(target=self._scan, args=(command, targets, plan), daemon=True,
                             name="hds-iac native scan").start()

    def scan(self, targets: tuple[str, ...], plan: bool) -> NativeScan | None:
        """The native scan of `targets` (a folder, or plan files), run on first use (or
        waited for, when `prefetch` started it); None when there is no native engine (the
        checks fall back; one notice says so)."""
        command = self.command()
        if command is None:
            self._notice("missing", (
                "the native engine (hds-iac) was not found ($HDS_IAC_BIN, PATH, or "
                "`hds-iac checkov-dir` run once): each CKV_HDS check judges the one resource "
                "checkov shows it, so provider-region and cross-resource rules stay unknown"),
                per_run=True)
            return None
        got = self._scan(command, targets, plan)
        if not got.ok:
            shown = ", ".join(targets[:3]) + (f" and {len(targets) - 3} more"
                                              if len(targets) > 3 else "")
            self._notice(repr(got.targets), f"the native scan of {shown} failed "
                         f"({got.problem}); their resources are judged one by one, as checkov "
                         "shows them")
        return got

    def _scan(self, command: list[str], targets: tuple[str, ...], plan: bool) -> NativeScan:
        """The scan of `targets`, run once per input whichever thread asks first."""
        key = self._keys.get(targets)
        if key is None:  # once per input, not per resource
            key = self._keys.setdefault(targets, tuple(sorted(os.path.realpath(t)
                                                              for t in targets)))
        with self._lock:
            got = self._scans.get(key)
            if got is not None:
                return got
            lock = self._locks.setdefault(key, threading.Lock())
        with lock:
            with self._lock:
                got = self._scans.get(key)
            if got is None:
                got = run_native(command, key, plan)
                with self._lock:
                    self._scans[key] = got
        return got


_SHARED: list[NativeCache] = []


def shared() -> NativeCache:
    """The native scans of this checkov process. checkov executes the checks file afresh
    each time a runner loads external checks (once per `-d` folder), while the checks
    registered the first time stay: a cache per execution would scan an input twice."""
    with _SHARED_LOCK:
        if not _SHARED:
            _SHARED.append(NativeCache())
        return _SHARED[0]


_SHARED_LOCK = threading.Lock()


def inputs_from_argv(argv: list[str]) -> list[tuple[tuple[str, ...], bool]]:
    """What this checkov process will scan, from its command line, when that alone says:
    (targets, is a plan) for each input, as the checks will ask for them. Only checkov
    runs of one framework tell (`--framework terraform`: each `-d` folder, and the folder
    of the `-f` .tf files; `--framework terraform_plan`: the `-f` plan files, together);
    others run several runners, each of which knows its own inputs: [] then."""
    folders: list[str] = []
    files: list[str] = []
    frameworks: list[str] = []
    wants = None
    for arg in argv[1:]:
        if wants is not None and not arg.startswith("-"):
            wants.append(arg)
            if wants is not frameworks:
                wants = None
            continue
        wants = None
        name, _, value = arg.partition("=")
        target = {"-d": folders, "--directory": folders, "-f": files, "--file": files,
                  "--framework": frameworks}.get(name)
        if target is None:
            continue
        if value:
            target.extend(value.split(",") if target is frameworks else [value])
        else:
            wants = target
    frameworks = [f for part in frameworks for f in part.split(",") if f]
    if frameworks == ["terraform"]:
        out = [((os.path.abspath(d),), False) for d in folders if os.path.isdir(d)]
        code = [os.path.abspath(f) for f in files if f.endswith((".tf", ".tf.json"))]
        if code and not folders:  # as checkov's runner: the files' common folder
            out.append(((os.path.split(os.path.commonprefix(code))[0],), False))
        return out
    if frameworks == ["terraform_plan"] and files and not folders:
        plans = tuple(sorted(os.path.abspath(f) for f in files
                             if f.endswith(".json") and not f.endswith(".tf.json")))
        return [(plans, True)] if len(plans) == len(files) else []
    return []
