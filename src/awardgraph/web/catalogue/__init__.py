"""What describes the dataset as a whole: its DCAT/VoID description and dumps, the ontology, the shapes and the
sitemap. Not the documents of the things in it (``documents/``)."""
