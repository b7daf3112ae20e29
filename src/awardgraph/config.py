"""Settings: one frozen object, read from ``AWARDGRAPH_*`` variables and overridden by CLI flags.

Nothing reads the environment at import time; the CLI calls :meth:`Settings.from_env` once and passes the result
down, so tests build settings explicitly.
"""

from __future__ import annotations

import dataclasses
import difflib
import ipaddress
import os
from collections.abc import Collection, Mapping
from pathlib import Path
from urllib.parse import urlsplit

from awardgraph.resources import default_data_paths, default_shapes_paths

DEFAULT_BASE_IRI = "https://w3id.org/awardgraph/"

# ``AWARDGRAPH_*`` names that are not settings and are not refused: read by the test suite (browser artifacts, the
# length of the fuzz run), or gone with a message of their own (below)
OTHER_VARIABLES = frozenset({"AWARDGRAPH_ARTIFACTS", "AWARDGRAPH_FUZZ_CASES", "AWARDGRAPH_UNION_GRAPHS"})


class ConfigError(ValueError):
    """A setting has a value awardgraph cannot work with; the message names the setting."""


def default_workers() -> int:
    """Server worker processes: one per core this process may run on (each takes one core's worth of Python), at
    least 2, so that one busy worker never holds up every request."""
    return max(2, len(os.sched_getaffinity(0)))


@dataclasses.dataclass(frozen=True, kw_only=True)
class Settings:
    """Everything awardgraph can be configured with. Each field has an ``AWARDGRAPH_<NAME>`` variable."""

    base_iri: str = DEFAULT_BASE_IRI
    store: Path = Path("var/store")
    data: tuple[Path, ...] = ()
    shapes: tuple[Path, ...] = ()
    host: str = "127.0.0.1"
    port: int = 8080
    workers: int = dataclasses.field(default_factory=default_workers)  # one per core, at least 2
    access_log: str | None = None  # serve: where gunicorn writes one line per request ("-": stdout; none: no log)
    endpoint: str | None = None
    # a remote SPARQL 1.1 store (``publish``; ``endpoint`` above is its query URL)
    update_endpoint: str | None = None
    graph_store: str | None = None
    auth_user: str | None = None
    auth_password: str | None = dataclasses.field(default=None, repr=False)
    auth_token: str | None = dataclasses.field(default=None, repr=False)
    auth_scheme: str = "auto"
    remote_timeout: float = 30.0
    update_timeout: float = 600.0
    remote_retries: int = 2
    default_graph: str = "store"
    publish_batch: int = 20_000
    shacl_engine: str = "sparql"  # "pyshacl" runs the reference engine (slow; any SHACL feature)
    remote_refresh: float = 10.0  # serving from a remote store: seconds between checks for a new publish
    # defences of the public endpoint (docs/security.md says what each one does)
    query_timeout: float = 10.0  # wall-clock seconds a user query may take, parsing included
    query_processes: int = 2  # processes running user queries, per server worker
    query_memory: int = 1024  # MiB a query process may allocate beyond what it holds at start (0: no limit)
    memory_copy: int = 5_000_000  # serve: quads up to which a build is copied into memory for user queries (0: never)
    query_wait: float = 2.0  # seconds a query may wait for a free query process before a 503
    long_query: float = 1.0  # seconds after which a query is long (it may go on only while long_queries allow)
    long_queries: int = 1  # long queries at once, per server worker (always fewer than query_processes)
    max_query: int = 32 * 1024  # bytes of query text (413)
    max_url: int = 8 * 1024  # bytes of request target (414)
    max_body: int = 1024 * 1024  # bytes of any request body (413)
    max_depth: int = 64  # nesting of brackets in a query (400)
    max_rows: int = 10_000  # solutions of a SELECT answer; more are cut, and the answer says so
    max_triples: int = 100_000  # triples of a CONSTRUCT/DESCRIBE answer; more are cut, and the answer says so
    client_queries: int = 2  # user queries one client may have running at once (429)
    client_budget: float = 60.0  # query-seconds per minute one client may use (429; 0: no budget)
    trusted_proxies: tuple[str, ...] = ()  # proxies whose X-Forwarded-For names the client (addresses, networks)
    federation: tuple[str, ...] = ()  # SERVICE endpoints queries may call (none: federation is off)

    def __post_init__(self) -> None:
        parts = urlsplit(self.base_iri)
        if parts.scheme not in ("http", "https") or not parts.netloc or not self.base_iri.endswith("/"):
            raise ConfigError(
                f"AWARDGRAPH_BASE_IRI must be an absolute http(s) IRI ending in '/', got {self.base_iri!r}"
            )
        if parts.query or parts.fragment:
            raise ConfigError(f"AWARDGRAPH_BASE_IRI must not have a query or fragment, got {self.base_iri!r}")
        if not 0 < self.port < 65536:
            raise ConfigError(f"AWARDGRAPH_PORT must be between 1 and 65535, got {self.port}")
        if self.workers < 1:
            raise ConfigError(f"AWARDGRAPH_WORKERS must be at least 1, got {self.workers}")
        if self.shacl_engine not in ("sparql", "pyshacl"):
            raise ConfigError(f"AWARDGRAPH_SHACL_ENGINE must be sparql or pyshacl, got {self.shacl_engine!r}")
        self._check_remote()
        self._check_limits()

    def _check_limits(self) -> None:
        positive = ("query_timeout", "long_query", "query_processes", "max_query", "max_url", "max_body", "max_depth")
        for name in (*positive, "max_rows", "max_triples", "client_queries", "long_queries"):
            if not getattr(self, name) > 0:
                raise ConfigError(f"AWARDGRAPH_{name.upper()} must be more than 0, got {getattr(self, name)}")
        for name in ("query_memory", "query_wait", "client_budget", "memory_copy"):
            if not getattr(self, name) >= 0:
                raise ConfigError(f"AWARDGRAPH_{name.upper()} must be 0 or more, got {getattr(self, name)}")
        for proxy in self.trusted_proxies:
            try:
                ipaddress.ip_network(proxy, strict=False)
            except ValueError:
                raise ConfigError(f"AWARDGRAPH_TRUSTED_PROXIES: {proxy!r} is not an address or network") from None
        for url in self.federation:
            parts = urlsplit(url)
            if parts.scheme not in ("http", "https") or not parts.netloc:
                raise ConfigError(f"AWARDGRAPH_FEDERATION must list http(s) endpoint URLs, got {url!r}")

    def _check_remote(self) -> None:
        for name in ("endpoint", "update_endpoint", "graph_store"):
            url = getattr(self, name)
            if url is not None and (urlsplit(url).scheme not in ("http", "https") or not urlsplit(url).netloc):
                raise ConfigError(f"AWARDGRAPH_{name.upper()} must be an http(s) URL, got {url!r}")
        choices = {"auth_scheme": ("auto", "basic", "digest"), "default_graph": ("store", "listed")}
        for name, allowed in choices.items():
            if getattr(self, name) not in allowed:
                raise ConfigError(
                    f"AWARDGRAPH_{name.upper()} must be one of {', '.join(allowed)}, got {getattr(self, name)!r}"
                )
        if self.auth_token and self.auth_user:
            raise ConfigError("set AWARDGRAPH_AUTH_TOKEN or AWARDGRAPH_AUTH_USER, not both")
        if self.auth_password and not self.auth_user:
            raise ConfigError("AWARDGRAPH_AUTH_PASSWORD is set but AWARDGRAPH_AUTH_USER is not")
        for name in ("remote_timeout", "update_timeout"):
            if not getattr(self, name) > 0:
                raise ConfigError(f"AWARDGRAPH_{name.upper()} must be a positive number of seconds")
        if not self.remote_refresh >= 0:
            raise ConfigError(f"AWARDGRAPH_REMOTE_REFRESH must be 0 or more seconds, got {self.remote_refresh}")
        if self.remote_retries < 0:
            raise ConfigError(f"AWARDGRAPH_REMOTE_RETRIES must be 0 or more, got {self.remote_retries}")
        if self.publish_batch < 1:
            raise ConfigError(f"AWARDGRAPH_PUBLISH_BATCH must be at least 1, got {self.publish_batch}")

    @property
    def data_paths(self) -> tuple[Path, ...]:
        """The RDF inputs of a build: the given paths, or the project's own ontology and data."""
        return self.data or default_data_paths()

    @property
    def shapes_paths(self) -> tuple[Path, ...]:
        """The SHACL inputs of a build: the given paths, or the project's own shapes."""
        return self.shapes or default_shapes_paths()

    @classmethod
    def from_env(
        cls, env: Mapping[str, str] | None = None, *, known: Collection[str] = (), **overrides: object
    ) -> Settings:
        """Settings from ``AWARDGRAPH_*`` variables, then ``overrides`` (CLI flags; ``None`` means not given).

        An ``AWARDGRAPH_*`` variable that is no setting is refused (a misspelt name would be ignored otherwise),
        unless it is in ``known`` (the variables ``--auth-password-env`` and ``--auth-token-env`` name).
        """
        env = os.environ if env is None else env
        if env.get("AWARDGRAPH_UNION_GRAPHS"):
            raise ConfigError(
                "AWARDGRAPH_UNION_GRAPHS is gone: the default graph is no longer the union of every graph; set "
                "AWARDGRAPH_DEFAULT_GRAPH (store or listed, see docs/deployment.md) and publish again"
            )
        _refuse_unknown(env, {*OTHER_VARIABLES, *known})
        values: dict[str, object] = {}
        for field in dataclasses.fields(cls):
            raw = env.get(f"AWARDGRAPH_{field.name.upper()}")
            if raw is not None and raw != "":
                values[field.name] = _convert(field.name, raw)
        values.update({k: v for k, v in overrides.items() if v is not None and v != ()})
        return cls(**values)  # type: ignore[arg-type]

    def replace(self, **changes: object) -> Settings:
        """A copy with some fields changed (validated again)."""
        return dataclasses.replace(self, **changes)  # type: ignore[arg-type]


def setting_variables() -> list[str]:
    """The environment variable of every setting, in the order of the fields."""
    return [f"AWARDGRAPH_{field.name.upper()}" for field in dataclasses.fields(Settings)]


def closest_setting(name: str) -> str | None:
    """The setting's variable most like ``name`` (a misspelling of it), or ``None`` when none is near.

    >>> closest_setting("AWARDGRAPH_QUERY_TIMOUT"), closest_setting("AWARDGRAPH_SHAPE")
    ('AWARDGRAPH_QUERY_TIMEOUT', 'AWARDGRAPH_SHAPES')
    >>> print(closest_setting("AWARDGRAPH_XYZZY"))
    None
    """
    prefix = "AWARDGRAPH_"  # compared without it: every name shares it, which makes any two look alike
    names = [variable.removeprefix(prefix) for variable in setting_variables()]
    found = difflib.get_close_matches(name.removeprefix(prefix), names, n=1, cutoff=0.6)
    return prefix + found[0] if found else None


def _refuse_unknown(env: Mapping[str, str], known: Collection[str]) -> None:
    """Raise on the first ``AWARDGRAPH_*`` name in ``env`` that is neither a setting nor ``known``."""
    settings = setting_variables()
    for name in sorted(env):
        if name.startswith("AWARDGRAPH_") and name not in known and name not in settings:
            closest = closest_setting(name)
            hint = f"; did you mean {closest}?" if closest else ""
            raise ConfigError(f"{name} is not a setting{hint} (every setting is listed in docs/settings.md)")


_LIMIT_TYPES: dict[str, type] = {
    **dict.fromkeys(("query_timeout", "query_wait", "long_query", "client_budget"), float),
    **dict.fromkeys(("query_processes", "query_memory", "max_query", "max_url", "max_body", "max_depth"), int),
    **dict.fromkeys(("max_rows", "max_triples", "client_queries", "long_queries", "memory_copy"), int),
    **dict.fromkeys(("trusted_proxies", "federation"), tuple),
}


def _convert(name: str, raw: str) -> object:
    if name in _LIMIT_TYPES:
        kind = _LIMIT_TYPES[name]
        if kind is tuple:
            return tuple(part for part in raw.replace(",", " ").split() if part)
        try:
            return kind(raw)
        except ValueError:
            what = "a whole number" if kind is int else "a number"
            raise ConfigError(f"AWARDGRAPH_{name.upper()} must be {what}, got {raw!r}") from None
    if name in ("port", "workers", "remote_retries", "publish_batch"):
        try:
            return int(raw)
        except ValueError:
            raise ConfigError(f"AWARDGRAPH_{name.upper()} must be a whole number, got {raw!r}") from None
    if name in ("remote_timeout", "update_timeout", "remote_refresh"):
        try:
            return float(raw)
        except ValueError:
            raise ConfigError(f"AWARDGRAPH_{name.upper()} must be a number of seconds, got {raw!r}") from None
    if name == "store":
        return Path(raw)
    if name in ("data", "shapes"):
        return tuple(Path(p) for p in raw.split(os.pathsep) if p)
    return raw
