"""Properties that must hold for every input, checked with hypothesis: the ``Accept`` parser and negotiation, the
mapping between IRIs and the server's paths (never a link that is not a path or an http(s) URL), and the query
scanner (every token where the text says, no exception but a refusal)."""

from __future__ import annotations

import string

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from awardgraph.queries import lexer
from awardgraph.web import conneg, paths
from awardgraph.web.endpoint import query_checks as checks

BASE = "https://example.org/awards/"
OFFERS = [conneg.DOCUMENT, conneg.TABLE_RESULTS, conneg.GRAPH_RESULTS, conneg.ERRORS, conneg.LIST]
KNOWN_TYPES = sorted({m for offer in OFFERS for f in offer for m in f.media_types})

media_types = st.one_of(
    st.sampled_from([*KNOWN_TYPES, "*/*", "text/*", "application/*", "image/png"]),
    st.from_regex(r"[a-z*]{1,8}/[a-z0-9.+*-]{1,12}", fullmatch=True),
)
q_values = st.one_of(st.none(), st.floats(0, 1).map(lambda q: f"{q:.3f}"), st.sampled_from(["0", "1", "x", "-1"]))


@st.composite
def accept_headers(draw: st.DrawFn) -> tuple[str, list[str]]:
    types = draw(st.lists(media_types, max_size=8, unique=True))
    elements = [t if (q := draw(q_values)) is None else f"{t};q={q}" for t in types]
    return ", ".join(elements), elements


@given(st.text())
def test_any_accept_header_parses(header: str) -> None:
    for media_range in conneg.parse_accept(header):
        assert 0.0 <= media_range.q <= 1.0


@given(accept_headers(), st.sampled_from(OFFERS))
def test_negotiation_picks_the_best_offer(header: tuple[str, list[str]], offered: tuple[conneg.Format, ...]) -> None:
    accept, _ = header
    chosen = conneg.negotiate(accept, offered)
    ranges = conneg.parse_accept(accept)
    scores = [conneg.score(ranges, f) for f in offered]
    if chosen is None:
        assert max(q for q, _ in scores) == 0  # 406: nothing acceptable
    else:
        index = offered.index(chosen)
        assert scores[index] == max(s for s in scores if s[0] > 0) and scores[index][0] > 0
        assert all(s < scores[index] for s in scores[:index] if s[0] > 0)  # ties go to the server's order


@given(accept_headers(), st.sampled_from(OFFERS), st.randoms())
def test_the_order_of_ranges_does_not_matter(
    header: tuple[str, list[str]], offered: tuple[conneg.Format, ...], rng: object
) -> None:
    _, elements = header
    shuffled = list(elements)
    rng.shuffle(shuffled)  # type: ignore[attr-defined]
    assert conneg.negotiate(", ".join(elements), offered) == conneg.negotiate(", ".join(shuffled), offered)


@given(st.sampled_from(OFFERS).flatmap(lambda offer: st.tuples(st.just(offer), st.sampled_from(offer))))
def test_asking_for_exactly_one_offered_type_gets_it(case: tuple[tuple[conneg.Format, ...], conneg.Format]) -> None:
    offered, fmt = case
    assert conneg.negotiate(fmt.media_type, offered) is fmt
    assert conneg.negotiate(f"{fmt.media_type};q=0", offered) is not fmt


# --- IRIs and paths --------------------------------------------------------------------------------------------

segments = st.text(alphabet=string.ascii_lowercase + string.digits + "-._~", min_size=1, max_size=20)
rests = st.lists(segments, min_size=1, max_size=4).map("/".join)


@given(rests)
def test_things_and_documents_map_to_documents(rest: str) -> None:
    assert paths.local_path(paths.thing_iri(rest, BASE), BASE) == f"/doc/{rest}"
    assert paths.local_path(paths.document_iri(rest, BASE), BASE) == f"/doc/{rest}"
    assert paths.local_path(paths.graph_iri(rest, BASE), BASE) == f"/graph/{rest}"


@given(rests.filter(lambda rest: not rest.startswith("id/")))
def test_paths_under_the_base_go_back_to_their_iris(rest: str) -> None:
    iri = f"{BASE}{rest}"
    local = paths.local_path(iri, BASE)
    assert local is not None and paths.public_url(local, BASE) == iri


@given(st.text())
def test_a_link_is_always_a_path_or_a_web_address(iri: str) -> None:
    link = paths.href(iri, BASE)
    if link is not None:
        assert link.startswith("/") or link.lower().startswith(("http://", "https://")), link
    if not iri.startswith(BASE):
        assert link is None or link == iri


@given(st.sampled_from(["javascript:", "JavaScript:", "data:", "vbscript:", "file:", "//"]), st.text())
def test_no_script_links(scheme: str, rest: str) -> None:
    assert paths.href(scheme + rest, BASE) is None


# --- the query scanner -------------------------------------------------------------------------------------------

sparqlish = st.text(alphabet=st.sampled_from([*"{}()[]!<>\"'#\\:._?$@^|/*+-=, \n\tSERVICEfromAa01ąé", "\u0000"]))


@given(st.one_of(st.text(), sparqlish))
@settings(max_examples=300)
def test_tokens_are_where_the_text_says(text: str) -> None:
    end = 0
    for token in lexer.tokens(text):
        assert token.start >= end and text[token.start : token.start + len(token.text)] == token.text
        assert token.text
        end = token.start + len(token.text)
    assert not text[end:].strip()  # nothing but whitespace is left out


@given(st.one_of(st.text(), sparqlish))
@settings(max_examples=300)
def test_the_checks_only_ever_refuse(text: str) -> None:
    outbound = checks.Outbound(base_iri=BASE, prefixes={"ag": f"{BASE}ontology#"}, federation=())
    assert checks.nesting_depth(text) >= 0
    try:
        outbound.check_query(text)
        checks.check_depth(text, max_depth=64)
    except checks.Refused as refused:
        assert refused.status == 400


@pytest.mark.parametrize("text", ["SERVICE", "x SERVICE <a>", "{ SeRvIcE ?x {} }"])
def test_the_property_tests_would_notice_a_service(text: str) -> None:
    outbound = checks.Outbound(base_iri=BASE, prefixes={}, federation=())
    with pytest.raises(checks.Refused):
        outbound.check_query(text)
