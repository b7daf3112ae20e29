"""Where user queries run: checked before any parser sees them, admitted per client, and executed in separate
processes that can be killed at a deadline (``docs/security.md`` explains every part and setting).

- :mod:`~awardgraph.sandbox.checks`: size, nesting, ``SERVICE``, graphs outside the dataset, ``file:`` IRIs
- :mod:`~awardgraph.sandbox.admission`: queries running and query-seconds per client, shared by a server's workers
- :mod:`~awardgraph.sandbox.pool`, :mod:`~awardgraph.sandbox.process`: the query processes of one server worker
- :mod:`~awardgraph.sandbox.executor`: a query process itself (``python -m awardgraph.sandbox.executor``)
- :mod:`~awardgraph.sandbox.results`: answers cut at the limits and serialized by Oxigraph
- :mod:`~awardgraph.sandbox.seccomp`: no network sockets in a query process

The rule of this package: no Flask and no request globals (the web layer, ``awardgraph.web.querying``, passes plain
values in), and an executor imports nothing heavier than pyoxigraph, so that a replacement starts quickly.
"""
