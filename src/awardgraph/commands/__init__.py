"""The Face: the ``awardgraph`` command (``cli.py``) and what only the commands use (``awardgraph query``'s run and
text table, the docs' generated tables). Nothing here is imported by another part."""
