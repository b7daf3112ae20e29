"""Real clients, first time, against a real ``awardgraph serve`` of the repository's data on 127.0.0.1 (issue 13):

- GNU wget's spider (which checks every link with HEAD, and GETs the HTML pages to find more) crawls the whole site
  from ``/`` and finds no broken link;
- every route that answers GET answers HEAD with the same status and headers and no body;
- rdflib reads every kind of document in every RDF format it can ask for (``Graph().parse(iri, format=f)``, rdflib
  fetching over HTTP and sending its own ``Accept``);
- a harvester that sends no ``Accept`` (CKAN's DCAT harvester) or only ``*/*`` gets the dataset description in
  Turtle, a browser gets the page, and the landing page sends an RDF client to the description.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlencode

import pytest
import rdflib
import rdflib.parser
from flask.testing import FlaskClient
from httphelp import CHROME_ACCEPT
from rdflib.plugin import plugins
from tests.integration.servers import missing
from tests.security.realserver import RealServer, Reply

from awardgraph.builds import Dump
from awardgraph.config import Settings
from awardgraph.queries import cookbook

pytestmark = pytest.mark.slow

HOP_BY_HOP = {"date", "connection", "keep-alive", "transfer-encoding"}  # the server's, not the answer's
DCAT_DATASET = (None, rdflib.RDF.type, rdflib.URIRef("http://www.w3.org/ns/dcat#Dataset"))


@pytest.fixture(scope="module")
def live(real: Settings, tmp_path_factory: pytest.TempPathFactory) -> Iterator[RealServer]:
    """``awardgraph serve`` (gunicorn, two workers) over the build of the repository's data."""
    log = tmp_path_factory.mktemp("clients") / "serve.log"
    server = RealServer(real.store, real.base_iri, log).start()
    try:
        yield server
    finally:
        server.stop()


def url(server: RealServer, path: str = "") -> str:
    return f"http://127.0.0.1:{server.port}{path}"


# -- HEAD -----------------------------------------------------------------------------------------------------------


def test_wget_spider_finds_no_broken_link(live: RealServer, tmp_path: Path) -> None:
    """The crawl of issue 13 (``wget --spider -r -l inf --no-parent``, 207 broken links before: every ``/sparql``
    permalink answered HEAD with 415), with the robots' rules off so that ``/sparql``'s links are checked too."""
    wget = shutil.which("wget")
    if wget is None:
        missing("GNU wget is not installed (apt-get install wget)")
        return
    log = tmp_path / "wget.log"
    command = [wget, "--spider", "-r", "-l", "inf", "--no-parent", "-e", "robots=off", "--no-proxy", "-d"]
    done = subprocess.run([*command, "-o", str(log), url(live, "/")], cwd=tmp_path, timeout=900, check=False)
    text = log.read_text(errors="replace")
    summary = re.findall(r"^Found .*broken links?\.$(?:\n\n?.*)*", text, re.M)
    assert "Found no broken links." in text, summary[-1][:3000] if summary else text[-3000:]
    assert done.returncode == 0, text[-2000:]
    heads = re.findall(r"^HEAD (\S+) HTTP/1\.1$", text, re.M)  # wget checks each link with HEAD ...
    gets = re.findall(r"^GET (\S+) HTTP/1\.1$", text, re.M)  # ... and GETs the HTML pages to find more
    assert len(heads) > 1000 and len(gets) > 300, (len(heads), len(gets))
    assert any(p.startswith("/sparql?query=") for p in heads)  # the "query behind this page" permalinks
    assert {"/queries", "/dataset", "/ontology", "/shapes"} <= set(heads)
    assert any(p.startswith("/doc/") and p.endswith(".nt") for p in heads)  # the documents' other formats


def examples(live: RealServer) -> dict[str, list[str]]:
    """Paths to ask for every route of the app (``rule``: paths), found and not found."""
    sitemap = live.get("/sitemap.xml").text
    a_list = next(p for p in re.findall(r"<loc>[^<]*?(/list/[^<?]+)</loc>", sitemap))
    suffixes = [".html", ".ttl", ".jsonld", ".rdf", ".nt", ".trig", ".nq"]
    recipe = cookbook.recipes()[0].slug

    def sparql(query: str, **more: str) -> str:
        return "/sparql?" + urlencode({"query": query, **more})

    return {
        "/": ["/", "/?lang=pl", "/?format=ttl"],
        "/.well-known/void": ["/.well-known/void"],
        "/catalog": ["/catalog"],
        "/dataset": ["/dataset", "/dataset?lang=pl", "/dataset?format=trix"],
        "/dataset<any('.html', '.nt', '.ttl', '.jsonld', '.rdf', '.trig', '.nq'):suffix>": [
            f"/dataset{s}" for s in suffixes
        ],
        "/doc/<path:rest>": [
            "/doc/place/lublin",
            "/doc/place/lublin.nt",
            "/doc/place/lublin?inbound-page=99",
            "/doc/nowhere",
            "/doc/nowhere.ttl",
            "/doc/source/lublin-eu-miasta-otwarte-2015",
        ],
        "/dumps/<name>": [*(f"/dumps/{d.filename}" for d in Dump), "/dumps/nothing.ttl"],
        "/graph/<path:rest>": ["/graph/provenance", "/graph/lublin-eu-miasta-otwarte-2015/f12.trig", "/graph/none"],
        "/health": ["/health"],
        "/id/<path:rest>": ["/id/place/lublin", "/id/nowhere"],
        "/list/<name>": [a_list, f"{a_list}.json", f"{a_list}.csv", "/list/nothing"],
        "/ontology": ["/ontology"],
        "/ontology/<version>": ["/ontology/1.0.0", "/ontology/0.0.0"],
        "/ontology<any('.html', '.nt', '.ttl', '.jsonld', '.rdf', '.trig', '.nq'):suffix>": [
            f"/ontology{s}" for s in suffixes
        ],
        "/queries": ["/queries", "/queries?lang=pl"],
        "/queries/<slug>.rq": [f"/queries/{recipe}.rq", "/queries/nothing.rq"],
        "/robots.txt": ["/robots.txt"],
        "/search": ["/search?q=lublin", "/search?q=lublin&format=json", "/search"],
        "/shapes": ["/shapes"],
        "/shapes<any('.html', '.nt', '.ttl', '.jsonld', '.rdf', '.trig', '.nq'):suffix>": [
            f"/shapes{s}" for s in suffixes
        ],
        "/sitemap-<int:number>.xml": ["/sitemap-1.xml"],
        "/sitemap.xml": ["/sitemap.xml"],
        "/sparql": [
            "/sparql",
            "/sparql?format=ttl",
            sparql("ASK {}"),
            sparql("SELECT ?s WHERE { ?s a ?c } LIMIT 3", format="csv"),
            sparql("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o } LIMIT 5"),
            sparql("SELECT * WHERE {"),
        ],
        "/sparql/": ["/sparql/", sparql("ASK {}").replace("/sparql?", "/sparql/?")],
        "/static/<path:filename>": ["/static/style.css", "/static/editor.js", "/static/nothing.css"],
    }


def same_answer(get: Reply, head: Reply, what: str) -> None:
    assert head.status == get.status, what
    assert head.body == b"", what
    kept = {k.lower(): v for k, v in get.headers.items() if k.lower() not in HOP_BY_HOP}
    headed = {k.lower(): v for k, v in head.headers.items() if k.lower() not in HOP_BY_HOP}
    assert headed == kept, what
    if "content-length" in kept:
        assert int(kept["content-length"]) == len(get.body), what


def test_every_get_route_answers_head_like_get(live: RealServer, real_client: FlaskClient) -> None:
    """Every rule of the app's ``url_map`` that answers GET, with answers found and not found and in three
    ``Accept``s: HEAD (first, on a cold cache; then again) gets GET's status and headers (``Content-Type``,
    ``Content-Length``, ``ETag``, ``Link``, ...) and no body."""
    rules = {r.rule for r in real_client.application.url_map.iter_rules() if "GET" in (r.methods or ())}
    found = examples(live)
    assert set(found) == rules, "a route without examples here (add it), or an example of no route"
    for accept in (None, "text/turtle", CHROME_ACCEPT):
        headers = {"Accept": accept} if accept else {}
        for paths in found.values():
            for path in paths:
                first = live.request("HEAD", path, headers=headers)
                get = live.get(path, headers=headers)
                again = live.request("HEAD", path, headers=headers)
                same_answer(get, first, f"HEAD {path} (Accept: {accept}), before any GET")
                same_answer(get, again, f"HEAD {path} (Accept: {accept}), after a GET")


def test_head_of_a_query_runs_it(live: RealServer) -> None:
    """HEAD on ``/sparql?query=`` answers what GET would: the query is run (the status and length depend on it)."""
    for query, status in (("ASK {}", 200), ("SELECT * WHERE {", 400), ("CLEAR ALL", 403)):
        head = live.request("HEAD", "/sparql?" + urlencode({"query": query}))
        assert head.status == status and head.body == b"", query
    ok = live.request("HEAD", "/sparql?" + urlencode({"query": "ASK {}"}), headers={"Accept": "text/csv"})
    assert ok.status == 406  # no CSV for a boolean: known only once the query is parsed


# -- rdflib ---------------------------------------------------------------------------------------------------------

PARSERS = sorted({p.name for p in plugins(kind=rdflib.parser.Parser)})
#: Formats rdflib cannot ask for: for these it sends the same ``Accept`` as for ``ntriples`` (every media type it
#: parses, all at q=1), so no server can tell them apart; its short names ``xml`` and ``trix`` do ask.
UNASKABLE = {"application/rdf+xml", "application/trix", "hext", "patch"}
DOCUMENT_KINDS = {
    "the dataset description": "/dataset",
    "the DCAT catalogue (303)": "/catalog",
    "VoID's well-known address (303)": "/.well-known/void",
    "the landing page (303)": "/",
    "the ontology": "/ontology",
    "a version of the ontology (303)": "/ontology/1.0.0",
    "the shapes": "/shapes",
    "the service description": "/sparql",
    "a thing (303)": "/id/place/lublin",
    "a thing's document": "/doc/place/lublin",
    "a source's document": "/doc/source/lublin-eu-miasta-otwarte-2015",
    "a fact's graph": "/graph/lublin-eu-miasta-otwarte-2015/f12",
    "the provenance graph": "/graph/provenance",
}


def accept_sent(fmt: str | None, monkeypatch: pytest.MonkeyPatch) -> str:
    """The ``Accept`` rdflib sends when told to parse a URL as ``fmt``."""
    sent: list[str] = []

    def record(request: urllib.request.Request) -> None:
        sent.append(request.get_header("Accept") or "")
        raise RuntimeError("recorded")

    with monkeypatch.context() as patched:
        patched.setattr(rdflib.parser, "_urlopen", record)
        with pytest.raises(RuntimeError, match="recorded"):
            rdflib.parser.URLInputSource("http://127.0.0.1:9/", fmt)
    return sent[0]


def test_rdflib_reads_every_document_in_every_format(live: RealServer, monkeypatch: pytest.MonkeyPatch) -> None:
    """``Graph().parse(iri, format=f)`` for every parser rdflib has (and with no format) on every kind of document:
    it parses, and reads the statements of the document (rdflib puts a quad format's named graphs in the graph's
    store, beside the graph itself, so the store is counted)."""
    for name in ("http_proxy", "HTTP_PROXY", "all_proxy", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)
    generic = accept_sent("ntriples", monkeypatch)
    assert "application/n-triples" in generic and "application/rdf+xml" in generic
    for fmt in UNASKABLE:
        assert accept_sent(fmt, monkeypatch) == generic, f"rdflib now asks for {fmt}: test it below"
    assert accept_sent("nt", monkeypatch).startswith("text/plain")  # N-Triples' historic type (issue 13)
    failures = []
    for kind, path in DOCUMENT_KINDS.items():
        turtle = rdflib.Graph().parse(url(live, path), format="turtle")
        assert len(turtle) > 0, kind
        for fmt in [None, *(f for f in PARSERS if f not in UNASKABLE)]:
            graph = rdflib.Graph()
            try:
                graph.parse(url(live, path), format=fmt)
            except Exception as exc:  # collected, to report every failing pair at once
                failures.append(f"{kind} ({path}) as {fmt}: {type(exc).__name__}: {str(exc)[:200]}")
                continue
            if len(graph.store) == 0:
                failures.append(f"{kind} ({path}) as {fmt}: no statements")
    assert not failures, "\n".join(failures)


def test_text_plain_is_n_triples_for_rdf_documents_and_browsers_get_html(live: RealServer) -> None:
    for path in ("/doc/place/lublin", "/graph/provenance", "/dataset", "/ontology", "/shapes", "/sparql"):
        r = live.get(path, headers={"Accept": "text/plain, */*;q=0.1"})  # rdflib's format="nt"
        assert r.status == 200 and r.headers["Content-Type"] == "application/n-triples; charset=utf-8", path
        assert len(rdflib.Graph().parse(data=r.body, format="nt")) > 0, path
        for browser in (CHROME_ACCEPT, "text/html, text/plain", "text/html;q=0.9, text/plain;q=0.8"):
            page = live.get(path, headers={"Accept": browser})
            assert page.status == 200 and page.headers["Content-Type"] == "text/html; charset=utf-8", (path, browser)


# -- harvesters -----------------------------------------------------------------------------------------------------


def follow(live: RealServer, path: str, headers: dict[str, str]) -> tuple[list[str], Reply]:
    """GET ``path`` and the redirects it leads to (``http.client`` sends no ``Accept`` unless told)."""
    seen = [path]
    reply = live.get(path, headers=headers)
    while reply.status in (301, 302, 303, 307, 308) and len(seen) < 5:
        location = reply.headers["Location"]
        seen.append(location.removeprefix(url(live)))
        reply = live.get(seen[-1], headers=headers)
    return seen, reply


@pytest.mark.parametrize("path", ["/dataset", "/catalog", "/.well-known/void"])
@pytest.mark.parametrize("accept", [None, "*/*"])
def test_a_harvester_without_accept_gets_turtle(live: RealServer, path: str, accept: str | None) -> None:
    """CKAN's DCAT harvester sends no ``Accept`` and gave up on HTML ("No plugin registered for text/html")."""
    seen, reply = follow(live, path, {"Accept": accept} if accept else {})
    assert seen[-1] == "/dataset" and reply.status == 200, seen
    assert reply.headers["Content-Type"] == "text/turtle; charset=utf-8"
    assert "Accept" in reply.headers["Vary"]
    assert DCAT_DATASET in rdflib.Graph().parse(data=reply.body, format="turtle")


@pytest.mark.parametrize("path", ["/dataset", "/catalog", "/.well-known/void", "/"])
def test_a_browser_still_gets_the_page(live: RealServer, path: str) -> None:
    seen, reply = follow(live, path, {"Accept": CHROME_ACCEPT})
    assert reply.status == 200 and reply.headers["Content-Type"] == "text/html; charset=utf-8", seen


@pytest.mark.parametrize("accept", ["text/turtle", "application/ld+json", "application/rdf+xml", "text/plain"])
def test_the_landing_page_sends_rdf_clients_to_the_dataset_description(live: RealServer, accept: str) -> None:
    """``/`` answered 406 to ``Accept: text/turtle``; it is about the dataset, so it leads to its description."""
    first = live.get("/", headers={"Accept": accept})
    assert first.status == 303 and first.headers["Location"].endswith("/dataset")
    assert "Accept" in first.headers["Vary"]
    _, reply = follow(live, "/", {"Accept": accept})
    assert reply.status == 200 and reply.headers["Content-Type"].split(";")[0] in (accept, "application/n-triples")
    assert DCAT_DATASET in rdflib.Graph().parse(data=reply.body, format=reply.headers["Content-Type"].split(";")[0])
    no_accept = live.get("/")  # the landing page stays a page for a client that names nothing (wget, curl)
    assert no_accept.status == 200 and no_accept.headers["Content-Type"] == "text/html; charset=utf-8"
