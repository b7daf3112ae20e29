"""The HTTP face of awardgraph: a Flask application factory and the production server that runs it."""
