"""Run ckanext-dcat's own RDF parser (``RDFParser`` with the ``euro_dcat_ap_3`` profile) over an RDF document, as a
CKAN DCAT harvester does, and print the CKAN datasets it makes, as JSON. Run by tests/harvest/test_ckan.py in the
CKAN venv (``make ckan-venv``):

    .venv-ckan/bin/python tests/harvest/parse.py FILE FORMAT

CKAN is configured by ``ckan.ini`` beside this file, and its plugins are loaded as CKAN's own start does
(``load_environment``), without the step that reads the site's settings from the database.
"""

import json
import logging
import sys
from pathlib import Path

logging.disable(logging.CRITICAL)  # CKAN logs that Solr and Redis are away; nothing here needs them

import ckan.plugins as plugins  # noqa: E402
from ckan.cli import load_config  # noqa: E402
from ckan.common import config  # noqa: E402


def main(path: str, fmt: str) -> None:
    config.update(load_config(str(Path(__file__).with_name("ckan.ini"))))
    plugins.load_all(force_update=True)
    from ckanext.dcat.processors import RDFParser

    parser = RDFParser(profiles=["euro_dcat_ap_3"])
    parser.parse(Path(path).read_bytes(), _format=fmt)
    json.dump(list(parser.datasets()), sys.stdout, ensure_ascii=False, indent=1, default=str)


if __name__ == "__main__":
    main(*sys.argv[1:])
