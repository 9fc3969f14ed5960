"""Relational storage: engine/session setup, migrations, ORM models, repositories, the document store."""
