"""The pages made for people rather than for linked-data clients: search, class lists, the query cookbook, the
pictures and how they are drawn. Not the documents of things (``documents/``) nor the endpoint (``endpoint/``)."""
