"""awardgraph: a knowledge graph and linked-data publisher.

Importing the package has no side effects: no environment is read, no file opened, no logging configured.
"""

__version__ = "0.1.0"
