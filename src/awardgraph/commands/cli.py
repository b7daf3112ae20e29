"""The ``awardgraph`` command: thin wrappers that read settings, call one function and report.

Exit codes: 0 success; 1 the data does not conform (a report was printed); 2 bad input (a file that does not
parse, a bad setting, a query that is not SPARQL, a store with no build, an unreachable endpoint).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from awardgraph import __version__, builds
from awardgraph.config import ConfigError, Settings

EXIT_OK, EXIT_INVALID, EXIT_INPUT, EXIT_WRITE = 0, 1, 2, 3


def _settings_flags(parser: argparse.ArgumentParser, *names: str) -> None:
    helps = {
        "data": (
            "--data",
            "RDF file or folder to build from; repeatable (env AWARDGRAPH_DATA, ':'-separated). "
            "Default: the project's ontology/ and data/",
        ),
        "shapes": ("--shapes", "SHACL file or folder; repeatable (env AWARDGRAPH_SHAPES). Default: shapes/"),
        "store": ("--store", "store directory holding the builds (env AWARDGRAPH_STORE, default var/store)"),
        "base_iri": (
            "--base-iri",
            "base IRI of every identifier (env AWARDGRAPH_BASE_IRI, default https://w3id.org/awardgraph/)",
        ),
        "host": ("--host", "address to listen on (env AWARDGRAPH_HOST, default 127.0.0.1)"),
        "port": ("--port", "port to listen on (env AWARDGRAPH_PORT, default 8080)"),
        "workers": ("--workers", "server worker processes (env AWARDGRAPH_WORKERS, default: one per core, at least 2)"),
        "endpoint": (
            "--endpoint",
            "a SPARQL 1.1 query endpoint URL to use instead of the store directory, holding what "
            "'awardgraph publish' put there (env AWARDGRAPH_ENDPOINT)",
        ),
        "shacl_engine": (
            "--engine",
            "SHACL engine: sparql (the shapes compiled to SPARQL and run by Oxigraph; the default) or pyshacl "
            "(the reference engine, slow) (env AWARDGRAPH_SHACL_ENGINE)",
        ),
    }
    for name in names:
        flag, text = helps[name]
        metavar = {"base_iri": "IRI", "host": "ADDRESS", "port": "N", "workers": "N", "endpoint": "URL"}.get(name)
        if name in ("data", "shapes"):
            parser.add_argument(flag, dest=name, action="append", type=Path, metavar="PATH", help=text)
        elif name in ("port", "workers"):
            parser.add_argument(flag, dest=name, type=int, metavar=metavar, help=text)
        elif name == "store":
            parser.add_argument(flag, dest=name, type=Path, metavar="DIR", help=text)
        elif name == "shacl_engine":
            parser.add_argument(flag, dest=name, choices=["sparql", "pyshacl"], help=text)
        else:
            parser.add_argument(flag, dest=name, metavar=metavar, help=text)


def _report_flags(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--all-findings",
        action="store_true",
        help="list every finding in the validation report (default: the first 20 of each rule and message)",
    )


def _remote_flags(p: argparse.ArgumentParser, *, writes: bool = False) -> None:
    """The flags of a remote SPARQL store: its URLs (``writes``: also where updates go) and credentials."""
    if writes:
        p.add_argument("--endpoint", metavar="QUERY_URL", help="the store's SPARQL query URL (env AWARDGRAPH_ENDPOINT)")
        p.add_argument(
            "--update-endpoint",
            metavar="URL",
            help="the store's SPARQL Update URL (env AWARDGRAPH_UPDATE_ENDPOINT; default: the query URL)",
        )
        p.add_argument(
            "--graph-store",
            metavar="URL",
            help="the store's Graph Store Protocol URL; staging graphs are then loaded with PUT "
            "(env AWARDGRAPH_GRAPH_STORE; default: SPARQL Update INSERT DATA)",
        )
    p.add_argument("--auth-user", metavar="USER", help="user for HTTP Basic/Digest (env AWARDGRAPH_AUTH_USER)")
    p.add_argument(
        "--auth-password-env",
        metavar="VAR",
        help="name of the environment variable holding the password (default AWARDGRAPH_AUTH_PASSWORD)",
    )
    p.add_argument(
        "--auth-token-env",
        metavar="VAR",
        help="name of the environment variable holding a bearer token (default AWARDGRAPH_AUTH_TOKEN)",
    )
    p.add_argument(
        "--auth-scheme",
        choices=["auto", "basic", "digest"],
        help="HTTP authentication scheme (env AWARDGRAPH_AUTH_SCHEME, default auto: the one the server asks for)",
    )


def _publish_flags(p: argparse.ArgumentParser) -> None:
    _remote_flags(p, writes=True)
    p.add_argument(
        "--publish-batch",
        type=int,
        metavar="N",
        help="triples per staging request (env AWARDGRAPH_PUBLISH_BATCH, default 20000)",
    )
    p.add_argument("--quiet", action="store_true", help="print only errors")


def make_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="awardgraph", description="Build, validate, query and serve the graph.")
    parser.add_argument("--version", action="version", version=f"awardgraph {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = commands.add_parser(
        "validate",
        help="check the data against the shapes; write nothing",
        description="load and validate; print a report naming file, line and focus node; exit 1 on violations",
    )
    _settings_flags(p, "data", "shapes", "base_iri", "shacl_engine")
    _report_flags(p)

    p = commands.add_parser(
        "build",
        help="validate, then build a new store, dumps and description atomically",
        description="validate, then write a new store, dumps and description and switch to them atomically",
    )
    _settings_flags(p, "data", "shapes", "store", "base_iri", "shacl_engine")
    _report_flags(p)
    p.add_argument("--quiet", action="store_true", help="print only errors")

    p = commands.add_parser(
        "serve",
        help="serve the last good build, or what publish put in a SPARQL store, over HTTP",
        description="serve the last good build, or what `publish` put in an external store (see `docs/deployment.md`)",
    )
    _settings_flags(p, "store", "host", "port", "workers", "base_iri", "endpoint")
    _remote_flags(p)
    p.add_argument("--build-if-missing", action="store_true", help="build first if the store has no build yet")

    p = commands.add_parser(
        "publish",
        help="validate, then replace the project's named graphs in a SPARQL 1.1 store atomically",
        description="validate, then replace the project's named graphs in an external SPARQL 1.1 store in one "
        "switch (see `docs/deployment.md`)",
    )
    _settings_flags(p, "data", "shapes", "base_iri", "shacl_engine")
    _report_flags(p)
    _publish_flags(p)

    p = commands.add_parser(
        "absolute",
        help="write the ontology, data and shapes with absolute IRIs, for SHACL tools outside awardgraph",
        description="write the ontology, data and shapes with absolute IRIs into a folder, for SHACL tools outside "
        "awardgraph (see `docs/build.md`)",
    )
    _settings_flags(p, "data", "shapes", "base_iri")
    p.add_argument("--out", type=Path, required=True, metavar="DIR", help="folder to write the copies into")

    p = commands.add_parser(
        "query", help="run a SPARQL query against the store or an endpoint", description="run a query"
    )
    p.add_argument("sparql", metavar="SPARQL_OR_FILE", help="a query, or the path of a .rq file, or - for stdin")
    _settings_flags(p, "store", "endpoint", "base_iri")
    _remote_flags(p)
    p.add_argument(
        "--format",
        choices=["table", "json", "csv", "tsv", "turtle"],
        default="table",
        help="output format (default table; CONSTRUCT/DESCRIBE print Turtle unless json)",
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = make_parser().parse_args(argv)
    try:
        overrides = {k: v for k, v in vars(args).items() if k in {f for f in Settings.__dataclass_fields__}}
        if overrides.get("data"):
            overrides["data"] = tuple(overrides["data"])
        if overrides.get("shapes"):
            overrides["shapes"] = tuple(overrides["shapes"])
        named = {getattr(args, flag, None) for flag in ("auth_password_env", "auth_token_env")}
        settings = Settings.from_env(known={name for name in named if name}, **overrides)
        handlers = {"validate": _validate, "build": _build, "serve": _serve, "query": _query, "publish": _publish}
        handler = {**handlers, "absolute": _absolute}[args.command]
        return handler(settings, args)
    except _input_errors() as exc:
        print(f"awardgraph: {exc}", file=sys.stderr)
        return EXIT_INPUT
    except KeyboardInterrupt:
        return 130


def _input_errors() -> tuple[type[Exception], ...]:
    """What bad input or settings raise (exit 2). Imported only when something was raised: the graph code brings
    rdflib and pyshacl, which ``serve`` does not need, and its start-up is timed."""
    from awardgraph.graph.load import LoadError
    from awardgraph.graph.validate import ShapesError

    return (ConfigError, LoadError, ShapesError, builds.StoreDirError)


def _progress(quiet: bool = False) -> Callable[[str], None]:
    started = time.perf_counter()

    def say(message: str) -> None:
        if not quiet:
            print(f"[{time.perf_counter() - started:6.1f}s] {message}", file=sys.stderr, flush=True)

    return say


def _limit(args: argparse.Namespace) -> int | None:
    """Findings shown per group of the report: all with ``--all-findings``, else the report's default."""
    from awardgraph.graph.report import DEFAULT_LIMIT

    return None if getattr(args, "all_findings", False) else DEFAULT_LIMIT


def _report_failure(exc: Exception, settings: Settings, args: argparse.Namespace) -> int:
    from awardgraph.graph.build import ValidationFailed
    from awardgraph.graph.report import render

    assert isinstance(exc, ValidationFailed)
    print("awardgraph: the data does not conform; nothing was written.", file=sys.stderr)
    report = render(exc.validation.findings, exc.loaded, settings.base_iri, limit_per_group=_limit(args))
    print(report, file=sys.stderr)
    return EXIT_INVALID


def _validate(settings: Settings, args: argparse.Namespace) -> int:
    from awardgraph.graph.build import ValidationFailed, check
    from awardgraph.graph.report import render

    try:
        loaded, validation = check(settings, _progress())
    except ValidationFailed as exc:
        return _report_failure(exc, settings, args)
    print(render(validation.findings, loaded, settings.base_iri, limit_per_group=_limit(args)))
    print("The data conforms.")
    return EXIT_OK


def _absolute(settings: Settings, args: argparse.Namespace) -> int:
    from awardgraph.graph.absolute import write_absolute

    data = write_absolute(settings.data_paths, settings.base_iri, args.out)
    shapes = write_absolute(settings.shapes_paths, settings.base_iri, args.out)
    for path in (*data, *shapes):
        print(path)
    print(
        f"Wrote {len(data)} data and {len(shapes)} shapes files with IRIs resolved against {settings.base_iri}; "
        "docs/build.md shows how to validate them with pyshacl.",
        file=sys.stderr,
    )
    return EXIT_OK


def _build(settings: Settings, args: argparse.Namespace) -> int:
    from awardgraph.graph.build import ValidationFailed, build

    try:
        result = build(settings, _progress(args.quiet))
    except ValidationFailed as exc:
        return _report_failure(exc, settings, args)
    except OSError as exc:  # a full disk, a file-size limit, a read-only folder: the served build stays as it was
        current = builds.current_build(settings.store)
        served = f"{current.name} is still served" if current else "no build is served yet"
        print(
            f"awardgraph: the build could not be written to {settings.store}: {exc}. Nothing was switched: "
            f"{served}; the unfinished folder was removed.",
            file=sys.stderr,
        )
        return EXIT_WRITE
    if not args.quiet:
        print(
            f"Built {result.build_id}: {result.stats.triples} triples in {result.stats.graphs} graphs, "
            f"{result.stats.entities} entities, in {result.seconds:.1f} s -> {result.path}"
        )
    return EXIT_OK


def _publish(settings: Settings, args: argparse.Namespace) -> int:
    from awardgraph.graph.build import ValidationFailed
    from awardgraph.graph.publish import PublishFailed, publish
    from awardgraph.store.base import StoreError

    settings = _with_secrets(settings, args)
    if not settings.endpoint:
        raise ConfigError("publish needs the store's query URL: --endpoint URL or AWARDGRAPH_ENDPOINT")
    try:
        result = publish(settings, _progress(args.quiet))
    except ValidationFailed as exc:
        return _report_failure(exc, settings, args)
    except (PublishFailed, StoreError) as exc:
        print(f"awardgraph: publish failed: {exc}", file=sys.stderr)
        return EXIT_INPUT
    if not args.quiet:
        steps = ", ".join(f"{name} {seconds:.2f} s" for name, seconds in result.steps.items())
        print(
            f"Published {result.triples:,} triples in {result.graphs} graphs to {result.endpoint} "
            f"in {result.seconds:.1f} s ({steps})"
        )
    return EXIT_OK


def _with_secrets(settings: Settings, args: argparse.Namespace) -> Settings:
    """``settings`` with the password or token read from the variables ``--auth-*-env`` name."""
    secrets: dict[str, object] = {}
    for flag, field in (("auth_password_env", "auth_password"), ("auth_token_env", "auth_token")):
        variable = getattr(args, flag, None)
        if variable:
            if not os.environ.get(variable):
                raise ConfigError(f"the variable {variable} named by --{flag.replace('_', '-')} is not set")
            secrets[field] = os.environ[variable]
    return settings.replace(**secrets) if secrets else settings


def _serve(settings: Settings, args: argparse.Namespace) -> int:
    from awardgraph.web.server import serve

    settings = _with_secrets(settings, args)
    if settings.endpoint:
        _check_remote(settings)
    elif builds.current_build(settings.store) is None:
        if not args.build_if_missing:
            builds.require_current_build(settings.store)
        code = _build(settings, argparse.Namespace(quiet=False))
        if code != EXIT_OK:
            return code
    serve(settings)
    return EXIT_OK


def _check_remote(settings: Settings) -> None:
    """Say what the remote store holds before serving it; a store that is down is a warning (it may come up). A
    store whose default graph is not the project's, the way ``AWARDGRAPH_DEFAULT_GRAPH`` reads it, is refused with
    the fix (exit 2): serving it would answer 404 to every document, or mix other graphs into every page."""
    from awardgraph.store.base import StoreError
    from awardgraph.store.http import public_url
    from awardgraph.store.remote import DefaultGraphMismatch
    from awardgraph.web.published import RemoteSource
    from awardgraph.web.state import NoBuild

    source = RemoteSource.from_settings(settings)
    try:
        build = source.current()
        source.store.check_default_graph()
    except DefaultGraphMismatch as exc:
        raise ConfigError(f"not serving {public_url(str(settings.endpoint))}: {exc}") from None
    except (StoreError, NoBuild) as exc:
        print(f"awardgraph: warning: {exc}; serving anyway (pages answer 503 until it does)", file=sys.stderr)
        return
    finally:
        source.store.close()
    where = public_url(str(settings.endpoint))
    print(f"awardgraph: serving publish {build.id} of {settings.base_iri} from {where}", file=sys.stderr)


def _query(settings: Settings, args: argparse.Namespace) -> int:
    from awardgraph.commands.query import QueryFailed, run_query

    settings = _with_secrets(settings, args)
    text = _query_text(args.sparql)
    try:
        output = run_query(settings, text, args.format)
    except QueryFailed as exc:
        print(f"awardgraph: {exc}", file=sys.stderr)
        return EXIT_INPUT
    sys.stdout.write(output if output.endswith("\n") else output + "\n")
    return EXIT_OK


def _query_text(arg: str) -> str:
    if arg == "-":
        return sys.stdin.read()
    candidate = Path(arg)
    if len(arg) < 4096 and "\n" not in arg and candidate.suffix in (".rq", ".sparql"):
        try:
            return candidate.read_text(encoding="utf-8")
        except OSError as exc:
            from awardgraph.graph.load import LoadError

            raise LoadError(candidate, f"cannot read the query: {exc.strerror}") from None
    return arg
