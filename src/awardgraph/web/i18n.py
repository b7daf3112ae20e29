"""The reader's language (pl or en) and the few words of the interface in both. Pure functions.

Choice: ``?lang=`` if it names a supported language, else the best of ``Accept-Language``, else English. Labels
from the data fall back from the chosen language to the other one, then to a label without a language, then to
the IRI's local name (see :func:`pick`).

>>> choose(None, "pl-PL,pl;q=0.9,en;q=0.5"), choose("en", "pl"), choose(None, None)
('pl', 'en', 'en')
>>> pick({"pl": "Nagroda", "en": "Award"}, "pl"), pick({"pl": "Nagroda"}, "en"), pick({}, "en")
('Nagroda', 'Nagroda', None)
"""

from __future__ import annotations

from collections.abc import Mapping

LANGUAGES = ("en", "pl")
DEFAULT = "en"


def choose(param: str | None, accept_language: str | None) -> str:
    """The page language from the ``lang`` parameter and the ``Accept-Language`` header."""
    if param in LANGUAGES:
        return param
    best, best_q = DEFAULT, 0.0
    for element in (accept_language or "").split(","):
        tag, *params = (part.strip() for part in element.split(";"))
        primary = tag.lower().split("-")[0]
        q = 1.0
        for p in params:
            if p.lower().startswith("q="):
                try:
                    q = float(p[2:])
                except ValueError:
                    q = 0.0
        if primary in LANGUAGES and q > best_q:
            best, best_q = primary, q
    return best


def pick(labels: Mapping[str, str], lang: str) -> str | None:
    """The label in ``lang``, else in the other supported language, else one without a language, else any."""
    for key in (lang, *(x for x in LANGUAGES if x != lang), ""):
        if key in labels:
            return labels[key]
    for key in sorted(labels):
        if key.split("-")[0] == lang:
            return labels[key]
    return next(iter(sorted(labels.items())), (None, None))[1]


UI: dict[str, dict[str, str]] = {
    "home": {"en": "Home", "pl": "Strona główna"},
    "sparql": {"en": "SPARQL", "pl": "SPARQL"},
    "dataset": {"en": "Dataset", "pl": "Zbiór danych"},
    "ontology": {"en": "Ontology", "pl": "Ontologia"},
    "other_language": {"en": "Polski", "pl": "English"},
    "properties": {"en": "Properties", "pl": "Właściwości"},
    "type": {"en": "Type", "pl": "Typ"},
    "inbound": {"en": "Referenced by", "pl": "Odwołania"},
    "inbound_more": {
        "en": "Showing {first}–{last} of {total}.",
        "pl": "Pokazano {first}–{last} z {total}.",
    },
    "pages": {"en": "Pages", "pl": "Strony"},
    "page_of": {"en": "page {page} of {pages}", "pl": "strona {page} z {pages}"},
    "first_page": {"en": "« first", "pl": "« pierwsza"},
    "previous_page": {"en": "‹ previous", "pl": "‹ poprzednia"},
    "next_page": {"en": "next ›", "pl": "następna ›"},
    "last_page": {"en": "last »", "pl": "ostatnia »"},
    "shapes": {"en": "Shapes", "pl": "Kształty"},
    "node_shapes": {"en": "Node shapes", "pl": "Kształty węzłów"},
    "targets": {"en": "Targets", "pl": "Cele"},
    "constraints": {"en": "Constraints", "pl": "Ograniczenia"},
    "path": {"en": "Path", "pl": "Ścieżka"},
    "messages": {"en": "Messages", "pl": "Komunikaty"},
    "severity": {"en": "Severity", "pl": "Waga"},
    "version": {"en": "Version", "pl": "Wersja"},
    "imports": {"en": "Imports", "pl": "Importuje"},
    "all_classes": {"en": "Every class", "pl": "Wszystkie klasy"},
    "list_of": {"en": "All {count} things of this class", "pl": "Wszystkie obiekty tej klasy ({count})"},
    "list_heading": {"en": "Things of the class", "pl": "Obiekty klasy"},
    "label": {"en": "Label", "pl": "Etykieta"},
    "this_list_as": {"en": "This list as", "pl": "Ta lista jako"},
    "source": {"en": "Source", "pl": "Źródło"},
    "graph": {"en": "Named graph", "pl": "Graf nazwany"},
    "status": {"en": "Status", "pl": "Status"},
    "quote": {"en": "Quote", "pl": "Cytat"},
    "formats": {"en": "This document as", "pl": "Ten dokument jako"},
    "open_query": {"en": "Open the query behind this page", "pl": "Otwórz zapytanie, z którego powstała strona"},
    "identifier": {"en": "Identifier", "pl": "Identyfikator"},
    "classes": {"en": "What the dataset holds", "pl": "Co zawiera zbiór"},
    "things": {"en": "things", "pl": "obiektów"},
    "downloads": {"en": "Downloads", "pl": "Pliki do pobrania"},
    "statements": {"en": "Statements", "pl": "Stwierdzenia"},
    "subject": {"en": "Subject", "pl": "Podmiot"},
    "predicate": {"en": "Property", "pl": "Właściwość"},
    "object": {"en": "Value", "pl": "Wartość"},
    "provenance": {"en": "Provenance", "pl": "Pochodzenie"},
    "query": {"en": "Query", "pl": "Zapytanie"},
    "run": {"en": "Run", "pl": "Wykonaj"},
    "results_as": {"en": "Results as", "pl": "Wyniki jako"},
    "results": {"en": "Results", "pl": "Wyniki"},
    "endpoint_help": {
        "en": "SPARQL 1.1 query endpoint. A query that names no graph sees what the source states, what follows "
        "from it and the editors' curation; outside claims, the shapes and the catalogue are in their named graphs "
        "(GRAPH ?g, FROM NAMED). The prefixes below are declared for you.",
        "pl": "Punkt dostępowy SPARQL 1.1. Zapytanie bez wskazanego grafu widzi to, co podaje źródło, co z tego "
        "wynika, oraz opracowanie redakcji; twierdzenia innych stron, kształty SHACL i opis katalogu są w swoich "
        "grafach nazwanych (GRAPH ?g, FROM NAMED). Poniższe prefiksy są zadeklarowane automatycznie.",
    },
    "classes_heading": {"en": "Classes", "pl": "Klasy"},
    "properties_heading": {"en": "Properties", "pl": "Właściwości"},
    "individuals_heading": {"en": "Individuals", "pl": "Byty"},
    "licence": {"en": "Licence", "pl": "Licencja"},
    "file": {"en": "File", "pl": "Plik"},
    "media_type": {"en": "Media type", "pl": "Typ nośnika"},
    "size": {"en": "Size (bytes)", "pl": "Rozmiar (bajty)"},
    "checksum": {"en": "SHA-256", "pl": "SHA-256"},
    "figures": {"en": "Figures", "pl": "Liczby"},
    "triples": {"en": "triples", "pl": "trójek"},
    "graphs": {"en": "named graphs", "pl": "grafów nazwanych"},
    "entities": {"en": "things", "pl": "obiektów"},
    "no_results": {"en": "No results.", "pl": "Brak wyników."},
    "results_cut": {
        "en": "Only the first {n} results are shown. Ask for CSV or JSON (up to the server's limit), "
        "or add LIMIT/OFFSET.",
        "pl": "Pokazano tylko pierwsze {n} wyników. Pobierz CSV lub JSON (do limitu serwera) albo dodaj LIMIT/OFFSET.",
    },
    "search": {"en": "Search", "pl": "Szukaj"},
    "search_placeholder": {"en": "Search: Wrocław, Żuk, MOPR…", "pl": "Szukaj: Wrocław, Żuk, MOPR…"},
    "suggestions": {"en": "Suggestions", "pl": "Podpowiedzi"},
    "search_results": {"en": "Search results", "pl": "Wyniki wyszukiwania"},
    "search_none": {"en": "Nothing matches “{q}”.", "pl": "Nic nie pasuje do „{q}”."},
    "search_help": {
        "en": "Searches the Polish and English names of everything in the dataset; case and Polish letters do not "
        "matter (wroclaw finds Wrocław).",
        "pl": "Przeszukuje polskie i angielskie nazwy wszystkiego w zbiorze; wielkość liter i polskie znaki nie mają "
        "znaczenia (wroclaw znajduje Wrocław).",
    },
    "matched": {"en": "matched", "pl": "dopasowano"},
    "this_search_as": {"en": "These results as", "pl": "Te wyniki jako"},
    "cookbook": {"en": "Cookbook", "pl": "Przykłady zapytań"},
    "cookbook_intro": {
        "en": "Questions a researcher of local migration policy asks of this graph, each explained and answered "
        "with SPARQL. Open one in the query editor to run it, change it, and download the answer.",
        "pl": "Pytania, jakie badacz lokalnej polityki migracyjnej zadaje temu grafowi, każde z objaśnieniem i "
        "odpowiedzią w SPARQL. Otwórz zapytanie w edytorze, aby je wykonać, zmienić i pobrać wynik.",
    },
    "open_in_editor": {"en": "Open in the query editor", "pl": "Otwórz w edytorze zapytań"},
    "query_editor": {"en": "Query editor", "pl": "Edytor zapytań"},
    "permalink": {"en": "Permalink to this query", "pl": "Stały odnośnik do zapytania"},
    "download": {"en": "Download the results", "pl": "Pobierz wyniki"},
    "timeline": {"en": "The Forum's editions", "pl": "Edycje Forum"},
    "award_diagram": {"en": "Who received what, for which practice", "pl": "Kto, co i za jaką praktykę"},
    "class_diagram": {"en": "Classes and their relations", "pl": "Klasy i relacje między nimi"},
    "graph_statements": {"en": "Statements in this graph", "pl": "Stwierdzenia w tym grafie"},
    "statements_more": {"en": "Statements {first}–{last} of {total}.", "pl": "Stwierdzenia {first}–{last} z {total}."},
    "statement_pages": {"en": "Pages of statements", "pl": "Strony stwierdzeń"},
    "source_assertions": {
        "en": "What this source says, in its order",
        "pl": "Co podaje to źródło, w jego kolejności",
    },
    "source_assertions_help": {
        "en": "Each assertion (named graph) drawn from this source, as its quote (or, without one, its description), "
        "linked to the graph's page.",
        "pl": "Każda asercja (graf nazwany) oparta na tym źródle jako cytat (albo, gdy go brak, opis), z odnośnikiem "
        "do strony grafu.",
    },
    "assertions_more": {"en": "Assertions {first}–{last} of {total}.", "pl": "Asercje {first}–{last} z {total}."},
    "assertion_pages": {"en": "Pages of assertions", "pl": "Strony asercji"},
    "disagreements": {"en": "Sources disagree", "pl": "Źródła się różnią"},
    "sources_disagree": {"en": "sources disagree", "pl": "źródła się różnią"},
    "disagreement_about": {"en": "About", "pl": "Dotyczy"},
    "disputed_properties": {"en": "Values in dispute", "pl": "Sporne wartości"},
    "side": {"en": "Assertion", "pl": "Asercja"},
    "gives": {"en": "Value it gives", "pl": "Podawana wartość"},
    "evidence": {"en": "Evidence", "pl": "Dowód"},
    "implied": {
        "en": "none stated: the value follows from its statements (see the explanation above)",
        "pl": "nie podaje jej wprost: wartość wynika z jego stwierdzeń (zob. wyjaśnienie wyżej)",
    },
    "disputed_note": {
        "en": "Sources disagree on these values: both are shown, each with its source.",
        "pl": "Źródła podają różne wartości: pokazano obie, każdą z jej źródłem.",
    },
    "timeline_disputed": {
        "en": "Sources disagree on the dates or the order of these editions; the timeline places them by the source "
        "page's dates and marks them:",
        "pl": "Źródła różnią się co do dat lub kolejności tych edycji; oś czasu umieszcza je według dat ze strony "
        "źródłowej i oznacza je:",
    },
    "language_note": {
        "en": "Labels are shown in English, else in Polish, else as given.",
        "pl": "Etykiety są pokazywane po polsku, a gdy ich brak — po angielsku lub tak, jak podano.",
    },
}


def words(lang: str) -> dict[str, str]:
    """The interface words in ``lang``."""
    return {key: texts.get(lang, texts[DEFAULT]) for key, texts in UI.items()}
