"""The parts map of ``docs/architecture.md``, checked: every module of ``src/awardgraph`` belongs to one part, and
its imports (at module level and inside functions, ``import x`` and ``from x import y``, relative ones resolved;
``if TYPE_CHECKING:`` blocks aside) follow the allowed arrows:

- ``flask``, ``werkzeug`` and ``jinja2`` are imported in ``web/`` only;
- nothing imports a part it may not (:data:`MAY_IMPORT`): no arrow upward or sideways;
- ``web/`` never imports ``graph/`` (the build side): what a build wrote is read through Base (``builds.py``,
  ``indexes.py``);
- where a part may import only some of another (:data:`SURFACE`), it imports only those modules; the query
  sandbox is the embedded store's inside, imported by Store alone;
- no two modules import each other, however indirectly (strongly connected components of the module graph);
- ``web/`` is its frame and its groups by purpose: no module directly in ``web/`` but the frame's
  (:data:`WEB_FRAME`), every other one in a group (:data:`WEB_GROUPS`).

The checker lives here, not in ``src``. :data:`EXCEPTIONS` lists the imports that break a rule today, each with
the reason and what removes it: the list is what is left to do, and an entry that no longer excuses anything
fails the test, so that it is removed with the import it excused.
"""

from __future__ import annotations

import ast
import dataclasses
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path

import awardgraph

SRC = Path(awardgraph.__file__).parent.parent
ROOT = "awardgraph"

BASE, STORE, QUERIES, GRAPH, WEB, FACE = "Base", "Store", "Queries", "Graph", "Web", "Face"

# Every module's part, by its dotted name or the package it is in (the longest entry that matches wins; the
# package's own ``__init__`` is matched by its exact name only). A module matching no entry fails the test.
PARTS: Mapping[str, str] = {
    ROOT: BASE,  # __version__ only
    f"{ROOT}.config": BASE,
    f"{ROOT}.namespaces": BASE,
    f"{ROOT}.resources": BASE,
    f"{ROOT}.builds": BASE,  # the store directory's layout and what a finished build holds
    f"{ROOT}.indexes": BASE,  # the read side of the indexes a build writes
    f"{ROOT}.textmatch": BASE,  # folding and scoring names, pure; the build's search index and /search use it
    f"{ROOT}.store": STORE,
    f"{ROOT}.queries": QUERIES,  # the cookbook too: queries/cookbook/, its .rq files and what reads them
    f"{ROOT}.graph": GRAPH,
    f"{ROOT}.web": WEB,
    f"{ROOT}.__main__": FACE,
    f"{ROOT}.commands": FACE,  # the command line, `awardgraph query`'s run and text table, the docs' tables
}

# The allowed arrows between parts (a part may always import itself). Face may import anything.
MAY_IMPORT: Mapping[str, frozenset[str]] = {
    BASE: frozenset({BASE}),
    STORE: frozenset({BASE, STORE}),
    QUERIES: frozenset({BASE, QUERIES, STORE}),
    GRAPH: frozenset({BASE, QUERIES, STORE, GRAPH}),
    WEB: frozenset({BASE, QUERIES, STORE, WEB}),
    FACE: frozenset({BASE, STORE, QUERIES, GRAPH, WEB, FACE}),
}

STORE_CONTRACT = (f"{ROOT}.store.base", f"{ROOT}.store.results")  # the Store protocol, answers' types, errors
# what opens a store: the worker's opener; the site sources name the store they hold, the server starts the copy
STORE_OPENERS = (f"{ROOT}.store.opening", f"{ROOT}.store.oxigraph", f"{ROOT}.store.remote")
SANDBOX = (f"{ROOT}.sandbox", f"{ROOT}.store.sandbox")  # the embedded store's inside

# Where a part may import only some modules of another: (importer's part, imported part) -> the modules allowed.
SURFACE: Mapping[tuple[str, str], tuple[str, ...]] = {
    (QUERIES, STORE): (f"{ROOT}.store", *STORE_CONTRACT),
    (WEB, STORE): (f"{ROOT}.store", *STORE_CONTRACT, *STORE_OPENERS),
}

FRAMEWORKS = ("flask", "werkzeug", "jinja2")  # the web framework: web/ only

# web/ by purpose (docs/architecture.md): the modules directly in web/ (besides its __init__, create_app) are its
# frame, what every page needs; every other module of web/ is in one of the groups, the folder of what its page is for.
WEB_FRAME = frozenset(
    {"server", "site", "state", "sources", "published", "i18n", "errors", "guard", "paths", "conneg", "respond"}
)
WEB_GROUPS = frozenset({"documents", "endpoint", "pages", "catalogue"})

# (importer, imported module or package, why it is allowed for now and what removes it). Each entry must still
# excuse an import that breaks a rule, or the test fails.
EXCEPTIONS: tuple[tuple[str, str, str], ...] = ()


@dataclasses.dataclass(frozen=True)
class Import:
    importer: str
    imported: str  # a module of ours (the deepest that exists), or the top-level name of another package
    line: int
    ours: bool
    type_checking: bool


@dataclasses.dataclass(frozen=True)
class Violation:
    importer: str
    imported: str
    line: int
    rule: str

    def __str__(self) -> str:
        return f"{self.importer} (line {self.line}) imports {self.imported}: {self.rule}"


def modules(root: Path) -> dict[str, Path]:
    """Every module under ``root/awardgraph`` by dotted name (a package by its own name)."""
    found = {}
    for path in sorted((root / ROOT).rglob("*.py")):
        parts = path.relative_to(root).with_suffix("").parts
        found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _walk(node: ast.AST, guarded: bool = False) -> Iterator[tuple[ast.Import | ast.ImportFrom, bool]]:
    """Every import statement under ``node``, anywhere (functions, classes, ``try``), with whether it is inside
    an ``if TYPE_CHECKING:`` block."""
    for child in ast.iter_child_nodes(node):
        if isinstance(child, ast.Import | ast.ImportFrom):
            yield child, guarded
        elif isinstance(child, ast.If) and _is_type_checking(child.test):
            for stmt in child.body:
                yield from _walk(ast.Module(body=[stmt], type_ignores=[]), True)
            for stmt in child.orelse:
                yield from _walk(ast.Module(body=[stmt], type_ignores=[]), guarded)
        else:
            yield from _walk(child, guarded)


def imports(root: Path) -> list[Import]:
    """Every import of every module under ``root/awardgraph``."""
    known = modules(root)
    found = []
    for name, path in known.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        for node, guarded in _walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            else:
                base = node.module or ""
                if node.level:
                    anchor = package.split(".")
                    anchor = anchor[: len(anchor) - (node.level - 1)]
                    base = ".".join([*anchor, base] if base else anchor)
                targets = [f"{base}.{alias.name}" for alias in node.names]
                targets = [t if t in known else base for t in targets]
            for target in dict.fromkeys(targets):
                ours = target == ROOT or target.startswith(f"{ROOT}.")
                if ours:
                    while target not in known and "." in target:  # `import awardgraph.x.y` of a non-module y
                        target = target.rpartition(".")[0]
                else:
                    target = target.split(".")[0]
                found.append(Import(name, target, node.lineno, ours, guarded))
    return found


def _within(name: str, prefix: str) -> bool:
    return name == prefix or name.startswith(f"{prefix}.")


def part_of(name: str) -> str | None:
    """The part of module ``name`` (by the longest matching entry of :data:`PARTS`), ``None`` for an unmapped one."""
    matches = [key for key in PARTS if name == key or (key != ROOT and name.startswith(f"{key}."))]
    return PARTS[max(matches, key=len)] if matches else None


def rule_broken(imp: Import) -> str | None:
    """Which rule ``imp`` breaks, if any (cycles aside)."""
    if not imp.ours:
        if imp.imported in FRAMEWORKS and not _within(imp.importer, f"{ROOT}.web"):
            return f"{imp.imported} is imported in web/ only (Web is the one part that speaks HTTP)"
        return None
    mine, theirs = part_of(imp.importer), part_of(imp.imported)
    if mine is None or theirs is None:
        return None  # reported by unmapped()
    if mine == WEB and theirs == GRAPH:
        return (
            "web/ never imports graph/ (the build side: load, validate, build, dumps, describe, publish, shacl, "
            "checks, ...); read what a build wrote through Base (builds.py, indexes.py)"
        )
    if theirs not in MAY_IMPORT[mine]:
        return f"{mine} may import {', '.join(sorted(MAY_IMPORT[mine]))}, not {theirs} (docs/architecture.md)"
    if theirs == STORE and mine != STORE and any(_within(imp.imported, s) for s in SANDBOX):
        return f"the query sandbox is the embedded store's inside: {mine} asks the Store contract instead"
    surface = SURFACE.get((mine, theirs))
    if surface is not None and imp.imported not in surface:
        return f"{mine} may import of {theirs} only {', '.join(surface)} (docs/architecture.md)"
    return None


def unmapped(root: Path) -> list[str]:
    return [name for name in modules(root) if part_of(name) is None]


def web_strays(root: Path) -> list[str]:
    """The modules of ``web/`` that are neither in its frame (:data:`WEB_FRAME`) nor in one of its groups
    (:data:`WEB_GROUPS`)."""
    web = f"{ROOT}.web"
    strays = []
    for name in modules(root):
        if not name.startswith(f"{web}."):
            continue
        first, *rest = name.removeprefix(f"{web}.").split(".")
        if first not in WEB_GROUPS and (rest or first not in WEB_FRAME):
            strays.append(name)
    return strays


def cycles(edges: Iterable[tuple[str, str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan's algorithm, iterative)."""
    graph: dict[str, set[str]] = {}
    for a, b in edges:
        if a != b:
            graph.setdefault(a, set()).add(b)
            graph.setdefault(b, set())
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for start in sorted(graph):
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is None:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    component = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == node:
                            break
                    if len(component) > 1:
                        found.append(sorted(component))
            elif child not in index:
                index[child] = low[child] = len(index)
                stack.append(child)
                on_stack.add(child)
                work.append((child, iter(sorted(graph[child]))))
            elif child in on_stack:
                low[node] = min(low[node], index[child])
    return sorted(found)


def _excused(imp: Import, exceptions: Iterable[tuple[str, str, str]]) -> tuple[str, str, str] | None:
    return next((e for e in exceptions if imp.importer == e[0] and _within(imp.imported, e[1])), None)


def check(
    root: Path, exceptions: tuple[tuple[str, str, str], ...] = EXCEPTIONS
) -> tuple[list[str], list[tuple[str, str, str]]]:
    """The broken rules under ``root/awardgraph`` (one message each) and the exceptions that excused nothing."""
    messages = [f"{name} is in no part: place it in docs/architecture.md and in PARTS" for name in unmapped(root)]
    used: set[tuple[str, str, str]] = set()
    found = imports(root)
    for imp in found:
        rule = rule_broken(imp)
        if rule is None:
            continue
        excuse = _excused(imp, exceptions)
        if excuse is None:
            messages.append(str(Violation(imp.importer, imp.imported, imp.line, rule)))
        else:
            used.add(excuse)
    runtime = [imp for imp in found if imp.ours and not imp.type_checking]
    for component in cycles((imp.importer, imp.imported) for imp in runtime):
        for imp in runtime:
            if imp.importer in component and imp.imported in component:
                excuse = _excused(imp, exceptions)
                if excuse is not None:
                    used.add(excuse)
    kept = [imp for imp in runtime if _excused(imp, exceptions) is None]
    for component in cycles((imp.importer, imp.imported) for imp in kept):
        inside = sorted(
            f"{imp.importer} (line {imp.line}) imports {imp.imported}"
            for imp in kept
            if imp.importer in component and imp.imported in component and imp.importer != imp.imported
        )
        messages.append(
            f"import cycle among {', '.join(component)} (imports inside functions count): " + "; ".join(inside)
        )
    return messages, [e for e in exceptions if e not in used]


def test_the_imports_follow_the_parts_map() -> None:
    messages, stale = check(SRC)
    assert not messages, "imports that break docs/architecture.md:\n" + "\n".join(messages)
    assert not stale, "exceptions that excuse nothing any more (remove them):\n" + "\n".join(map(str, stale))


def test_every_part_is_in_the_docs() -> None:
    text = (SRC.parent / "docs" / "architecture.md").read_text(encoding="utf-8")
    known = modules(SRC)
    for name in PARTS:
        assert name in known, f"PARTS names {name}, which is no module or package any more"
        shown = "__init__.py" if name == ROOT else name.removeprefix(f"{ROOT}.").replace(".", "/")
        if name != ROOT:
            shown += "/" if (SRC / name.replace(".", "/")).is_dir() else ".py"
        assert f"`{shown}`" in text, f"docs/architecture.md does not place `{shown}` ({PARTS[name]})"


def test_web_is_its_frame_and_its_groups() -> None:
    strays = web_strays(SRC)
    assert not strays, (
        f"modules of web/ outside its frame and its groups ({', '.join(sorted(WEB_GROUPS))}): {', '.join(strays)}; "
        "place each in the group of what its page is for (docs/architecture.md, `web/` by purpose)"
    )
    text = (SRC.parent / "docs" / "architecture.md").read_text(encoding="utf-8")
    for group in WEB_GROUPS:
        assert (SRC / ROOT / "web" / group / "__init__.py").is_file(), f"web/{group}/ is no package"
        assert f"`web/{group}/`" in text, f"docs/architecture.md does not list `web/{group}/`"
    for module in WEB_FRAME:
        assert (SRC / ROOT / "web" / f"{module}.py").is_file(), f"web/{module}.py is in WEB_FRAME but not in web/"
        assert f"`{module}.py`" in text, f"docs/architecture.md does not list the frame's `{module}.py`"


def _tree(root: Path, files: Mapping[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


CLEAN = {
    "awardgraph/__init__.py": '__version__ = "0"\n',
    "awardgraph/config.py": "",
    "awardgraph/store/__init__.py": "",
    "awardgraph/store/base.py": "from awardgraph import config\n",
    "awardgraph/store/oxigraph.py": "from typing import TYPE_CHECKING\n"
    "from awardgraph.store.base import *\n"
    "if TYPE_CHECKING:\n    from awardgraph.store import remote\n",
    "awardgraph/store/remote.py": "from .base import *\nfrom . import oxigraph\n",
    "awardgraph/graph/__init__.py": "",
    "awardgraph/graph/build.py": "from ..store import oxigraph\n",
    "awardgraph/web/__init__.py": "import flask\n",
    "awardgraph/web/views.py": "from flask import Blueprint\nfrom awardgraph.store.base import *\n",
}


def test_a_clean_tree_passes(tmp_path: Path) -> None:
    assert check(_tree(tmp_path, CLEAN), ()) == ([], [])


def test_a_planted_forbidden_import_fails(tmp_path: Path) -> None:
    """An upward import hidden in a function: Store importing Web, which makes a cycle too."""
    planted = {
        **CLEAN,
        "awardgraph/store/base.py": "from awardgraph import config\n\ndef f():\n    from awardgraph.web import views\n",
    }
    messages, stale = check(_tree(tmp_path, planted), ())
    print("\n".join(messages))
    assert messages == [
        "awardgraph.store.base (line 4) imports awardgraph.web.views: Store may import Base, Store, not Web "
        "(docs/architecture.md)",
        "import cycle among awardgraph.store.base, awardgraph.web.views (imports inside functions count): "
        "awardgraph.store.base (line 4) imports awardgraph.web.views; "
        "awardgraph.web.views (line 2) imports awardgraph.store.base",
    ]
    assert stale == []


def test_each_rule_names_itself(tmp_path: Path) -> None:
    planted = {
        **CLEAN,
        "awardgraph/graph/build.py": "from ..store import oxigraph\nimport flask.json\n",
        "awardgraph/web/views.py": "from awardgraph.graph.build import x\nfrom awardgraph.store.sandbox import pool\n",
        "awardgraph/store/sandbox/__init__.py": "",
        "awardgraph/store/sandbox/pool.py": "",
        "awardgraph/stray.py": "",
        "awardgraph/store/oxigraph.py": "from awardgraph.store import remote\n",
    }
    messages, stale = check(_tree(tmp_path, planted), (("awardgraph.web.views", "awardgraph.nothing", "gone"),))
    assert messages == [
        "awardgraph.stray is in no part: place it in docs/architecture.md and in PARTS",
        "awardgraph.graph.build (line 2) imports flask: flask is imported in web/ only (Web is the one part that "
        "speaks HTTP)",
        "awardgraph.web.views (line 1) imports awardgraph.graph.build: web/ never imports graph/ (the build side: "
        "load, validate, build, dumps, describe, publish, shacl, checks, ...); read what a build wrote through "
        "Base (builds.py, indexes.py)",
        "awardgraph.web.views (line 2) imports awardgraph.store.sandbox.pool: the query sandbox is the embedded "
        "store's inside: Web asks the Store contract instead",
        "import cycle among awardgraph.store.oxigraph, awardgraph.store.remote (imports inside functions count): "
        "awardgraph.store.oxigraph (line 1) imports awardgraph.store.remote; "
        "awardgraph.store.remote (line 2) imports awardgraph.store.oxigraph",
    ]
    assert stale == [("awardgraph.web.views", "awardgraph.nothing", "gone")]


def test_an_exception_excuses_its_import_only(tmp_path: Path) -> None:
    planted = {**CLEAN, "awardgraph/web/views.py": "from awardgraph.store import remote\nfrom ..graph import build\n"}
    excuse = ("awardgraph.web.views", "awardgraph.graph", "planted")
    messages, stale = check(_tree(tmp_path, planted), (excuse,))
    assert messages == [] and stale == []


def test_a_flat_web_module_is_a_stray(tmp_path: Path) -> None:
    planted = {
        **CLEAN,
        "awardgraph/web/site.py": "",
        "awardgraph/web/pages/__init__.py": "",
        "awardgraph/web/pages/search.py": "",
        "awardgraph/web/misc/__init__.py": "",
        "awardgraph/web/misc/x.py": "",
    }
    assert web_strays(_tree(tmp_path, planted)) == [
        "awardgraph.web.misc",
        "awardgraph.web.misc.x",
        "awardgraph.web.views",
    ]
