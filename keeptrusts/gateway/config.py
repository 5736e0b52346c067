"""What the gateway knows: keys, teams, their policies, budgets and prices.

Standalone: keys from `--keys-file` (re-read when it changes). Connected: `GET
{KT_API_URL}/v1/gateway/config` polled with ETag every `poll_seconds`, so a key revoked
or created in the Console takes effect within one poll. Each team's policy YAML is parsed
once per `policy_version`. The last good config is cached on disk so a gateway restarted
during a control-plane outage still knows its keys.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import aiohttp
import msgspec
import yaml

from keeptrusts import __version__, wire
from keeptrusts.policy import Detectors, PolicyError, PolicySet
from keeptrusts.policy.cache import DetectionCache

# Every policy set of this process scans through one cache of input detector results
# (conversation history and system prompts repeat on every turn); size: KT_DETECTION_CACHE_ENTRIES.
DETECTORS = Detectors(cache=DetectionCache())
# A team without a policy text: nothing to check, every model allowed.
EMPTY = PolicySet.from_yaml("policies: []\n", filename="<no policy>", detectors=DETECTORS)

log = logging.getLogger("keeptrusts.gateway.config")


class ConfigError(Exception):
    """A configuration problem the operator must fix; the message says how."""


@dataclass(slots=True)
class TeamState:
    slug: str
    policies: PolicySet | None  # None: the team's policy does not load, its requests are blocked
    allowed_models: list[str] | None
    budget: wire.TeamBudget | None = None
    policy_version: int = 0


@dataclass(slots=True)
class GatewayState:
    keys: dict[str, wire.KeyRecord] = field(default_factory=dict)  # sha256 hex -> record
    teams: dict[str, TeamState] = field(default_factory=dict)
    prices: dict[str, wire.ModelPrice] = field(default_factory=dict)
    excerpt_mode: str = "redacted"
    organization: str = ""
    gateway_id: str = ""
    version: str = ""

    def lookup_key(self, plaintext: str) -> wire.KeyRecord | None:
        record = self.keys.get(hashlib.sha256(plaintext.encode()).hexdigest())
        if record is None or record.status != "active":
            return None
        if record.expires_at and record.expires_at <= _now_iso():
            return None
        return record


def _now_iso() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S")


# --- standalone -----------------------------------------------------------
def load_keys_file(path: Path) -> dict[str, wire.KeyRecord]:
    """YAML `keys: [{key: kt_gk_… | sha256:<hex>, user: …, team: …}]`."""
    try:
        data = yaml.safe_load(path.read_text()) or {}
    except FileNotFoundError:
        raise ConfigError(f"keys file {path} not found — create it with `keys: [{{key: kt_gk_…, user: you@example.com, team: platform}}]`") from None
    except yaml.YAMLError as exc:
        raise ConfigError(f"keys file {path} is not valid YAML: {exc}") from None
    entries = data.get("keys") if isinstance(data, dict) else None
    if not isinstance(entries, list):
        raise ConfigError(f"keys file {path} must have a top-level `keys:` list of {{key, user, team}}")
    keys = {}
    for index, entry in enumerate(entries, 1):
        if not isinstance(entry, dict) or not entry.get("key") or not entry.get("user"):
            raise ConfigError(f"keys file {path}: entry {index} needs `key` (kt_gk_… or sha256:<hex>) and `user`")
        secret = str(entry["key"])
        if secret.startswith("sha256:"):
            digest = secret.removeprefix("sha256:").lower()
            if len(digest) != 64 or any(c not in "0123456789abcdef" for c in digest):
                raise ConfigError(f"keys file {path}: entry {index} has a malformed sha256 (need 64 hex characters)")
        else:
            digest = hashlib.sha256(secret.encode()).hexdigest()
        keys[digest] = wire.KeyRecord(
            key_id=str(entry.get("key_id") or f"local_{digest[:12]}"), sha256=digest, user=str(entry["user"]),
            team=str(entry.get("team") or "default"), status=str(entry.get("status", "active")),
            expires_at=str(entry["expires_at"]) if entry.get("expires_at") else None,
        )
    return keys


def load_policy_file(path: Path) -> PolicySet:
    try:
        text = path.read_text()
    except OSError as exc:
        raise ConfigError(f"cannot read policy file {path}: {exc.strerror} — check the --policy-config path") from None
    try:
        return PolicySet.from_yaml(text, filename=str(path), detectors=DETECTORS)
    except PolicyError as exc:
        problems = "\n".join(f"  {problem}" for problem in exc.errors)
        raise ConfigError(f"policy file {path} has {len(exc.errors)} error(s); fix them (`kt policy lint --file {path}`):\n{problems}") from None


# --- connected --------------------------------------------------------------
class ControlPlaneConfig:
    """Polls the control plane and swaps `state` atomically when the config changes."""

    def __init__(self, *, api_url: str, token: str, policy_source: str, policy_hash_fn, cache_path: Path,
                 session_factory, on_change) -> None:
        self.url = api_url.rstrip("/") + "/v1/gateway/config"
        self.token = token
        self.policy_source = policy_source
        self.policy_hash_fn = policy_hash_fn
        self.cache_path = cache_path
        self._session_factory = session_factory
        self._on_change = on_change
        self.etag: str | None = None
        self.poll_seconds = 5
        self.last_success: float | None = None
        self.last_error: str | None = None
        self._task: asyncio.Task | None = None
        self._stop = asyncio.Event()
        self._team_cache: dict[str, TeamState] = {}

    def headers(self) -> dict:
        headers = {
            "Authorization": f"Bearer {self.token}",
            wire.HEADER_GATEWAY_VERSION: __version__,
            wire.HEADER_POLICY_SOURCE: self.policy_source,
            wire.HEADER_POLICY_HASH: self.policy_hash_fn(),
        }
        if self.etag:
            headers["If-None-Match"] = self.etag
        return headers

    async def fetch(self) -> bool:
        """One poll. True when the control plane answered (changed or not)."""
        try:
            session = self._session_factory()
            async with session.get(self.url, headers=self.headers(), timeout=aiohttp.ClientTimeout(total=10)) as resp:
                if resp.status == 304:
                    self._ok()
                    return True
                body = await resp.read()
                if resp.status == 401:
                    self.last_error = "the control plane refused KT_GATEWAY_TOKEN (401) — register the gateway again in Console Settings > Gateways and use the new token"
                    log.error(self.last_error)
                    return False
                if resp.status != 200:
                    self.last_error = f"HTTP {resp.status} from {self.url}"
                    log.warning("config poll failed: %s", self.last_error)
                    return False
                config = msgspec.json.decode(body, type=wire.GatewayConfig)
        except (aiohttp.ClientError, asyncio.TimeoutError, OSError) as exc:
            self.last_error = f"control plane unreachable at {self.url}: {type(exc).__name__} {exc}".strip()
            log.warning("config poll failed: %s", self.last_error)
            return False
        except msgspec.ValidationError as exc:
            self.last_error = f"config from {self.url} does not match the wire shape: {exc}"
            log.error(self.last_error)
            return False
        self.etag = resp.headers.get("ETag") or config.version
        self.apply(config)
        self._write_cache(body)
        self._ok()
        return True

    def _ok(self) -> None:
        self.last_success, self.last_error = time.time(), None

    def apply(self, config: wire.GatewayConfig) -> None:
        teams = {}
        for team in config.teams:
            cached = self._team_cache.get(team.slug)
            if cached and cached.policy_version == team.policy_version:
                policies = cached.policies  # parse once per policy_version
            else:
                try:
                    policies = (PolicySet.from_yaml(team.policy_yaml, filename=f"team {team.slug} policy v{team.policy_version}",
                                                    detectors=DETECTORS)
                                if team.policy_yaml.strip() else EMPTY)
                except PolicyError as exc:
                    # Fail closed for that team only: its requests get blocked until the policy is fixed.
                    log.error("team %s policy v%s does not load: %s", team.slug, team.policy_version, exc)
                    policies = None
            teams[team.slug] = TeamState(team.slug, policies, team.allowed_models, team.budget, team.policy_version)
        self._team_cache = teams
        self.poll_seconds = max(1, min(config.poll_seconds, 10))
        state = GatewayState(
            keys={k.sha256: k for k in config.keys}, teams=teams, prices=dict(config.prices),
            excerpt_mode=config.excerpt_mode, organization=config.organization, gateway_id=config.gateway_id,
            version=config.version,
        )
        self._on_change(state)

    def _write_cache(self, body: bytes) -> None:
        try:
            self.cache_path.parent.mkdir(parents=True, exist_ok=True)
            tmp = self.cache_path.with_suffix(".tmp")
            tmp.write_bytes(body)
            tmp.replace(self.cache_path)
        except OSError as exc:
            log.warning("could not cache config at %s: %s", self.cache_path, exc)

    def load_cache(self) -> bool:
        try:
            config = msgspec.json.decode(self.cache_path.read_bytes(), type=wire.GatewayConfig)
        except (OSError, msgspec.DecodeError, msgspec.ValidationError):
            return False
        log.warning("control plane unreachable at start; serving with the cached config %s", config.version)
        self.apply(config)
        return True

    async def start(self) -> None:
        if not await self.fetch() and not self.load_cache():
            log.error("no config yet (%s); every request gets 401 until the control plane answers", self.last_error)
        self._task = asyncio.create_task(self._poll_loop(), name="config-poller")

    async def _poll_loop(self) -> None:
        while not self._stop.is_set():
            try:  # an event, not cancellation: aiohttp may turn a cancel inside a request into a timeout
                await asyncio.wait_for(self._stop.wait(), self.poll_seconds)
                return
            except asyncio.TimeoutError:
                pass
            await self.fetch()

    async def close(self) -> None:
        self._stop.set()
        if self._task:
            try:
                await asyncio.wait_for(asyncio.shield(self._task), 11)
            except asyncio.TimeoutError:
                self._task.cancel()

    def status(self) -> dict:
        ok = self.last_error is None and self.last_success is not None
        return {"status": "ok" if ok else "down", "url": self.url, "version": self.etag, "error": self.last_error,
                "last_success_age_s": round(time.time() - self.last_success, 1) if self.last_success else None}
