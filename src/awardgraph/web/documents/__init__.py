"""The dereferenceable documents: what a thing's or a named graph's document says (``/id/``, ``/doc/``, ``/graph/``),
how it is shown and cached, and what its page adds (a graph's statements, a source's quotes, disagreements)."""
