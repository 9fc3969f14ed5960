"""Labelled data and the dataset builder of the scope-screening suite (see labelling_guide.md)."""
