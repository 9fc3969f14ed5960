"""Import a user's own archive (proposals, policies, past items) into the document store and index."""

from assistant.ingest.service import IngestReport, IngestService, RowError

__all__ = ["IngestReport", "IngestService", "RowError"]
