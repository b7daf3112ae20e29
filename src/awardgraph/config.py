"""Settings: one frozen object, read from ``AWARDGRAPH_*`` variables and overridden by CLI flags.

Nothing reads the environment at import time; the CLI calls :meth:`Settings.from_env` once and passes the result
down, so tests build settings explicitly.
"""

from __future__ import annotations

import dataclasses
import difflib
import ipaddress
import os
import re
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
    """Everything awardgraph can be configured with. Each field has an ``AWARDGRAPH_<NAME>`` variable and a line in
    :data:`SETTING_DOCS` (the settings tables of the docs are made from them)."""

    base_iri: str = DEFAULT_BASE_IRI
    store: Path = Path("var/store")
    data: tuple[Path, ...] = ()
    shapes: tuple[Path, ...] = ()
    host: str = "127.0.0.1"
    port: int = 8080
    workers: int = dataclasses.field(default_factory=default_workers)
    access_log: str | None = None
    endpoint: str | None = None
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
    shacl_engine: str = "sparql"
    remote_refresh: float = 10.0
    query_timeout: float = 10.0
    query_processes: int = 2
    query_memory: int = 1024
    memory_copy: int = 5_000_000
    query_wait: float = 2.0
    long_query: float = 1.0
    long_queries: int = 1
    max_query: int = 32 * 1024
    max_url: int = 8 * 1024
    max_body: int = 1024 * 1024
    max_depth: int = 64
    max_rows: int = 10_000
    max_triples: int = 100_000
    client_queries: int = 2
    client_queue: int = 8
    client_wait: float = 5.0
    client_budget: float = 60.0
    trusted_proxies: tuple[str, ...] = ()
    federation: tuple[str, ...] = ()
    contact_email: str | None = None

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
        if self.contact_email is not None and not re.fullmatch(
            r"[^@\s:<>]+@[^@\s:<>]+\.[^@\s:<>]+", self.contact_email
        ):
            raise ConfigError(f"AWARDGRAPH_CONTACT_EMAIL must be an e-mail address, got {self.contact_email!r}")
        self._check_remote()
        self._check_limits()

    def _check_limits(self) -> None:
        positive = ("query_timeout", "long_query", "query_processes", "max_query", "max_url", "max_body", "max_depth")
        for name in (*positive, "max_rows", "max_triples", "client_queries", "long_queries"):
            if not getattr(self, name) > 0:
                raise ConfigError(f"AWARDGRAPH_{name.upper()} must be more than 0, got {getattr(self, name)}")
        for name in ("query_memory", "query_wait", "client_budget", "client_queue", "client_wait", "memory_copy"):
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


# One line per setting, the "what" of the settings tables in docs/ (written by
# ``python -m awardgraph.commands.docs_tables``); a setting without a line fails the tests. ``SHOWN_DEFAULTS``: the
# default where the field's own says too little.
SETTING_DOCS: dict[str, str] = {
    "base_iri": "base IRI of every identifier; for a remote store, the base IRI the data was published under",
    "store": "the folder holding the builds (`build` writes there, `serve` and `query` read the current one)",
    "data": "RDF files or folders to build from (`:`-separated; the flag is repeatable)",
    "shapes": "SHACL files or folders to validate with (`:`-separated; the flag is repeatable)",
    "host": "`serve`: the address to listen on",
    "port": "`serve`: the port to listen on",
    "workers": "`serve`: server worker processes (each takes one core's worth of Python)",
    "access_log": "`serve`: the file the server writes one line per request to (`-`: stdout; none: no log)",
    "endpoint": "a SPARQL 1.1 store's query URL (required by `publish`); `serve` and `query` then read it instead "
    "of `--store`",
    "update_endpoint": "the store's SPARQL Update URL",
    "graph_store": "Graph Store Protocol URL; staging graphs are then loaded with one `PUT` per graph instead of "
    "`INSERT DATA`",
    "auth_user": "user for HTTP Basic or Digest (a read-only user is enough to serve and query)",
    "auth_password": "the password of `AWARDGRAPH_AUTH_USER`; the flag names the variable that holds it, the "
    "password itself is never a flag",
    "auth_token": "a bearer token (`Authorization: Bearer …`) instead of a user and password",
    "auth_scheme": "`auto` sends no credentials until the server challenges, then answers the scheme it names "
    "and keeps it; or `basic`, `digest`",
    "remote_timeout": "seconds to wait for a query's answer from a remote store (connecting: at most 10)",
    "update_timeout": "seconds to wait for an update or `PUT` (the switch of a large graph takes a while)",
    "remote_retries": "extra attempts after a connection failure, where a retry is safe",
    "default_graph": "where the project's default graph is in a remote store (`store` or `listed`), and how "
    "queries reach it (docs/deployment.md, *Reading: the default graph*)",
    "publish_batch": "triples per staging `INSERT DATA` request",
    "shacl_engine": "SHACL engine: `sparql` (the shapes compiled to SPARQL and run by Oxigraph) or `pyshacl` (the "
    "reference engine, slow; any SHACL feature)",
    "remote_refresh": "seconds between two checks, per process, of which publish a remote store holds",
    "query_timeout": "wall-clock seconds a user query may take, parsing and serialization included; a request's "
    "`timeout` parameter (seconds) may ask for less, never more",
    "query_processes": "queries one server worker runs at once, each in a process of its own (one spare process "
    "more is kept ready)",
    "query_memory": "MiB a query process may allocate beyond what it holds with the store open; `0`: no cap",
    "memory_copy": "`serve`: quads up to which the build is copied into memory once for user queries, which then "
    "run in processes forked from that copy; `0`: never, every query reads the store on disk",
    "query_wait": "seconds a query may wait for a process before a 503 (keep it above `AWARDGRAPH_LONG_QUERY` / 4 "
    "plus the start of a process, about 0.3 s)",
    "long_query": 'seconds after which a query is long; a quarter of it makes a query "not quick" (lowest '
    "priority, may be stopped for a waiting one)",
    "long_queries": "long queries one server worker runs at once (always fewer than `AWARDGRAPH_QUERY_PROCESSES`)",
    "max_query": "bytes of query text (413)",
    "max_url": "bytes of request target (414)",
    "max_body": "bytes of any request body, by `Content-Length` or as it is read (413)",
    "max_depth": "nesting of a query (400)",
    "max_rows": "solutions in a SELECT answer; more are cut, and the answer says so",
    "max_triples": "triples in a CONSTRUCT or DESCRIBE answer; more are cut, and the answer says so",
    "client_queries": "queries one client may have running at once; more wait their turn (below)",
    "client_queue": "queries of one client that may wait, in the order they came, for its running ones to end; "
    "more: 429",
    "client_wait": "seconds a query may wait its turn before a 429",
    "client_budget": "query-seconds per minute one client may use (429); `0`: no budget",
    "trusted_proxies": "addresses or networks (`10.0.0.0/8`, comma- or space-separated) whose `X-Forwarded-For` "
    "names the client",
    "federation": "SPARQL endpoints `SERVICE` may call (comma- or space-separated URLs); none: federation is off",
    "contact_email": "`build`, `publish`: the editors' e-mail address, the contact point's `vcard:hasEmail` in the "
    "dataset description (docs/deployment.md, *The dataset description*); none: the contact point has the site's "
    "address only",
}
SHOWN_DEFAULTS: dict[str, str] = {
    "data": "the project's `ontology/` and `data/`",
    "shapes": "the project's `shapes/`",
    "workers": "one per core, at least 2",
    "update_endpoint": "the query URL",
}


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
    **dict.fromkeys(("query_timeout", "query_wait", "long_query", "client_budget", "client_wait"), float),
    **dict.fromkeys(("query_processes", "query_memory", "max_query", "max_url", "max_body", "max_depth"), int),
    **dict.fromkeys(("max_rows", "max_triples", "client_queries", "client_queue", "long_queries", "memory_copy"), int),
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
