"""Stores awardgraph reads from: the embedded Oxigraph store of a build (and, later, remote SPARQL stores)."""
