"""The SPARQL endpoint ``/sparql``: the protocol, the checks and admission before a user's query runs, its answer,
the service description and the query editor. Not the app's own queries (``awardgraph.queries``)."""
