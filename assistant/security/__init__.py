"""Security building blocks: server-side sessions, login throttling, rate limits, owner-only files,
safe archive imports and formula-safe spreadsheet cells. Core only (no gradio, no UI)."""
