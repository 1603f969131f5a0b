"""The Ray engine: the same task (task.Scorer) as a pool of Ray actors, each loading the model once.

`address` joins a running cluster (`ray start --head` on one machine, `ray start --address=...`
on the others; every node needs the same voice-mock installed). Without one, a private Ray is
started on this machine with `cpus` CPUs, reachable from this machine only, and stopped after.
Results are streamed back with `ray.wait` as they finish, so progress and resuming work as with
the local engine. Ray is imported here only, and only when this engine is chosen.
"""

from __future__ import annotations

import contextlib
import logging
import os
import secrets
import shutil
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from voice_mock.errors import UsageError, VoiceMockError

from .task import Payload, Scorer

IN_FLIGHT_PER_ACTOR = 2  # the next file is already on its way while one is scored

# Set before Ray is imported and inherited by every process a local Ray starts:
NO_PHONE_HOME = {
    "RAY_USAGE_STATS_ENABLED": "0",  # no usage report
    "RAY_USAGE_STATS_PROMPT_ENABLED": "0",
}
# For a local Ray, before Ray is imported (Ray reads it then): Ray's "no cluster" mode, where
# the node's address is the loopback one, so every Ray server listens on 127.0.0.1 only (by
# default they listen on all interfaces). Not for a cluster: its workers must reach this driver.
LOOPBACK_ONLY = {"RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER": "0"}
# Only while a local Ray starts (its daemons inherit them):
LOCAL_ONLY = {
    # Ray's dashboard process asks the cloud metadata addresses (169.254.169.254,
    # metadata.google.internal) which cloud it runs on, even with usage stats off. Through a
    # proxy that does not exist on this machine those requests fail at once, and no packet
    # leaves the machine. Ray's own connections are to 127.0.0.1, which no_proxy exempts.
    "http_proxy": "http://127.0.0.1:9", "https_proxy": "http://127.0.0.1:9",
    "HTTP_PROXY": "http://127.0.0.1:9", "HTTPS_PROXY": "http://127.0.0.1:9",
    "no_proxy": "127.0.0.1,localhost,::1", "NO_PROXY": "127.0.0.1,localhost,::1",
}


# A local Ray keeps its sockets, logs and session files in a folder of its own (by default
# /tmp/ray, outside the data dir): here, DATA_DIR/ray. A Unix socket's path has at most 107 bytes
# on Linux, and Ray adds up to 64 to its folder ("/session_<date>_<time>_<microseconds>_<pid>/
# sockets/plasma_store"), so the folder's own path may have at most 43.
SOCKET_PATH_MAX = 107
RAY_ADDS = len("/session_2026-12-03_14-22-27_123456_4194304/sockets/plasma_store")


def local_temp_dir(data_dir: Path) -> Path | None:
    """Where a local Ray keeps its files: DATA_DIR/ray; None when the user chose a folder with
    RAY_TMPDIR (Ray's own setting). A data dir too long for Ray's socket paths is a usage error
    that says what to do, before any work."""
    if os.environ.get("RAY_TMPDIR"):
        return None
    temp = Path(os.path.abspath(data_dir)) / "ray"
    room = SOCKET_PATH_MAX - RAY_ADDS
    if len(os.fsencode(temp)) > room:
        raise UsageError(
            f"a local Ray keeps its sockets in the data dir, and {temp} is too long for them "
            f"({len(os.fsencode(temp))} characters, at most {room}): give a shorter --data-dir, "
            "or set RAY_TMPDIR to a short folder of yours")
    return temp


def import_ray(local: bool):
    """Ray, imported with the settings above; `local`: for a Ray on this machine only."""
    os.environ.update(NO_PHONE_HOME)
    if local:
        os.environ.update(LOOPBACK_ONLY)
        # Ray >= 2.59 guards a local Ray with a token it writes to ~/.ray/auth_token: outside the data
        # dir, and kept after the batch. A token made for this run, passed to Ray's processes in the
        # environment, guards it as well (other users of the machine cannot drive it) and writes
        # nothing. A token mode the user chose is theirs.
        if "RAY_AUTH_MODE" not in os.environ:
            os.environ.update(RAY_AUTH_MODE="token", RAY_AUTH_TOKEN=secrets.token_hex(32))
    try:
        import ray
    except ImportError:
        raise UsageError("--engine ray needs Ray: pip install 'voice-mock[cluster]'") from None
    return ray


class RayEngine:
    name = "ray"

    def __init__(self, address: str | None, jobs: int | None, threads: int, cpus: int, model: str | None,
                 temp_dir: Path | None = None) -> None:
        """`temp_dir`: a local Ray's folder (local_temp_dir); None: Ray's default (RAY_TMPDIR or /tmp)."""
        self.address, self.jobs, self.threads, self.cpus, self.model = address, jobs, threads, cpus, model
        self.temp_dir = temp_dir
        self.actors_started = 0

    def describe(self) -> str:
        where = f"the Ray cluster at {self.address}" if self.address else f"a local Ray with {self.cpus} CPUs"
        actors = f"{self.jobs} actors" if self.jobs else "one actor per CPU"
        return f"{where}, {actors} × {self.threads} thread{'s' if self.threads != 1 else ''}"

    def run(self, payloads: Iterable[Payload], on_result: Callable[[Payload, dict], None]) -> None:
        ray = import_ray(local=not self.address)
        self._start(ray)
        session = self._session_dir(ray)
        try:
            self._run(ray, iter(payloads), on_result)
        finally:
            ray.shutdown()
            if session is not None:  # a local Ray's logs and sockets: nothing of it stays behind
                shutil.rmtree(session, ignore_errors=True)
                with contextlib.suppress(OSError):
                    (self.temp_dir / "session_latest").unlink()

    def _session_dir(self, ray) -> Path | None:
        """The folder this run's local Ray made in temp_dir (None for a cluster, or if Ray moved it)."""
        if self.address or self.temp_dir is None:
            return None
        try:
            session = Path(ray._private.worker._global_node.get_session_dir_path())
        except Exception:
            return None
        return session if session.parent == self.temp_dir else None

    def _start(self, ray) -> None:
        options = dict(include_dashboard=False, log_to_driver=False, logging_level=logging.ERROR,
                       namespace="voice-mock")
        try:
            if self.address:
                ray.init(address=self.address, **options)
            else:
                if self.temp_dir is not None:
                    options["_temp_dir"] = str(self.temp_dir)
                with _environment(LOCAL_ONLY):
                    ray.init(num_cpus=self.cpus, **options)
                if self.temp_dir is not None:  # Ray makes its folder writable by all; this one is the user's
                    with contextlib.suppress(OSError):
                        os.chmod(self.temp_dir, 0o700)
        except Exception as exc:
            where = self.address or "a local Ray"
            hint = ""
            if self.address and "RAY_AUTH_MODE" not in os.environ:
                hint = (" (a cluster started by Ray 2.59 or later wants its token: RAY_AUTH_MODE=token and"
                        " RAY_AUTH_TOKEN, see docs/batch.md)")
            raise VoiceMockError(f"cannot start Ray ({where}): {type(exc).__name__}: {exc}{hint}") from None

    def _run(self, ray, todo: Iterator[Payload], on_result) -> None:
        from ray.exceptions import RayActorError, RayError

        actor_class = ray.remote(num_cpus=self.threads, max_concurrency=1)(Scorer)
        cpus = int(ray.cluster_resources().get("CPU", 0))
        count = self.jobs or max(1, cpus // self.threads)
        if count * self.threads > cpus:  # actors that can never be placed would hold their files forever
            raise UsageError(f"{count} Ray actors × {self.threads} threads need {count * self.threads} CPUs; "
                             f"the cluster has {cpus}")
        actors = [actor_class.remote(self.model, self.threads) for _ in range(count)]
        self.actors_started = count
        load = {actor: 0 for actor in actors}
        in_flight: dict = {}  # object ref -> (actor, payload)
        while True:
            while sum(load.values()) < IN_FLIGHT_PER_ACTOR * len(load):
                payload = next(todo, None)
                if payload is None:
                    break
                actor = min(load, key=load.get)
                in_flight[actor.score.remote(payload)] = (actor, payload)
                load[actor] += 1
            if not in_flight:
                return
            ready, _ = ray.wait(list(in_flight), num_returns=1)
            for ref in ready:
                actor, payload = in_flight.pop(ref)
                if actor in load:
                    load[actor] -= 1
                try:
                    result = ray.get(ref)
                except RayActorError as exc:  # the actor's process died: replace it
                    result = {"key": payload.key, "status": "error",
                              "error": f"the Ray worker died while this file was being scored ({type(exc).__name__})"}
                    if actor in load:  # once per dead actor (its other tasks fail the same way)
                        del load[actor]
                        load[actor_class.remote(self.model, self.threads)] = 0
                except RayError as exc:
                    result = {"key": payload.key, "status": "error", "error": f"Ray: {type(exc).__name__}: {exc}"}
                if result.get("status") == "fatal":
                    raise VoiceMockError(result["error"])
                on_result(payload, result)


@contextlib.contextmanager
def _environment(values: dict):
    saved = {k: os.environ.get(k) for k in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
