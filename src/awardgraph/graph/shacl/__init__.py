"""A SHACL engine that compiles the shapes into SPARQL queries run by Oxigraph over the whole dataset at once.

The shapes stay the single source of truth: :func:`compile_shapes` reads them (SHACL Core as our shapes use it,
SHACL-SPARQL constraints and SHACL-AF SPARQL targets), refuses anything it cannot run with
:class:`UnsupportedShape`, and :func:`run` evaluates the plan on a store. pyshacl remains the reference engine
(``--engine pyshacl``); tests/graph/test_engines.py checks that both report the same findings.
"""

from awardgraph.graph.shacl.compile import Plan, compile_shapes
from awardgraph.graph.shacl.engine import EngineError, run
from awardgraph.graph.shacl.model import UnsupportedShape

__all__ = ["EngineError", "Plan", "UnsupportedShape", "compile_shapes", "run"]
