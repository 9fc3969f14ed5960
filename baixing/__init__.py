"""The ``baixing`` command line (an entry point: it builds the composition root and hands it to handlers)."""

from baixing.main import build_parser, main

__all__ = ["build_parser", "main"]
