"""Where the embedded store runs user queries: in separate processes that can be killed at a deadline, forked from
one in-memory copy of the build (``docs/security.md`` explains every part and setting). Part of the embedded store:
:meth:`awardgraph.store.oxigraph.EmbeddedStore.answer` hands a job to the pool; nothing outside ``store/`` uses it.

- :mod:`~awardgraph.store.sandbox.pool`, :mod:`~awardgraph.store.sandbox.process`: the query processes of one
  server worker
- :mod:`~awardgraph.store.sandbox.job`: the one message between them, a typed job
- :mod:`~awardgraph.store.sandbox.executor`: a query process itself (``python -m awardgraph.store.sandbox.executor``)
- :mod:`~awardgraph.store.sandbox.zygote`: the in-memory copy the processes are forked from
- :mod:`~awardgraph.store.sandbox.seccomp`: no network sockets in a query process

Answers are cut at the limits and serialized by :mod:`awardgraph.store.results` and kept by
:mod:`awardgraph.store.payload`. The rule of this package: no Flask and no request globals, and an executor
imports nothing heavier than pyoxigraph, so that a replacement starts quickly.
"""
