"""The data path: load curated RDF, check and validate it, build a store with dumps and a description."""
