"""Stores awardgraph reads from and publishes to: the embedded Oxigraph store of a build, and remote SPARQL 1.1
stores (:mod:`awardgraph.store.remote`). :mod:`awardgraph.store.base` holds the protocol both satisfy."""
