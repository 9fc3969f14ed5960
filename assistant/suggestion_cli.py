"""One shape for the ``screen`` and ``route`` commands: a text (or a JSONL batch on stdin) → a suggestion.

Each command names its service, how to call it, its batch record and its plain-text printout; parsing, the
batch loop (audit rows written in batches), ``--json`` output and the Chinese error handling are shared here.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from assistant.batch import audit_buffer, resolve_container, resolve_service, run_jsonl_batch
from assistant.errors import BaixingError


@dataclass(frozen=True)
class SuggestionCommand:
    """A ``baixing`` subcommand that asks one service for a suggestion per text."""

    name: str
    help: str
    text_help: str
    verb: str
    """What the command does, in Chinese (筛查 / 分办), used in messages."""
    service_attr: str
    build: Callable[[Any], Any]
    """``build(settings)`` for a container without ``service_attr`` (a test's stand-in)."""
    ask: Callable[[Any, str, bool], Any]
    """``ask(service, text, offline_only)`` → the outcome."""
    record: Callable[[Any, Any], dict[str, Any]]
    """``record(outcome, case_id)`` → the batch output line."""
    show: Callable[[Any], None]
    """Print an outcome for a person."""

    def register(self, subparsers: Any) -> argparse.ArgumentParser:
        """Add the subcommand to a ``baixing`` sub-parser collection."""
        p = subparsers.add_parser(self.name, help=self.help)
        p.add_argument("text", nargs="?", help=self.text_help)
        p.add_argument("--jsonl", action="store_true", help='批量：标准输入每行 {"id","text"}，每行输出一条结果')
        p.add_argument("--json", action="store_true", help="单条：以 JSON 输出完整结论（含离线结论）")
        p.add_argument("--offline", action="store_true", help="只用离线引擎，不调用大模型")
        p.set_defaults(handler=self.handle)
        return p

    def batch(self, service: Any, offline: bool) -> int:
        """Answer every ``{"id","text"}`` line of stdin."""
        return run_jsonl_batch(lambda case_id, text: self.record(self.ask(service, text, offline), case_id), self.verb)

    def handle(self, args: argparse.Namespace, container: Any | None = None) -> int:
        """Handler of the subcommand."""
        if not args.jsonl and not args.text:
            print(f"错误：请提供要{self.verb}的文字，或使用 --jsonl 从标准输入批量读取。", file=sys.stderr)
            return 2
        container = resolve_container(container)
        service = resolve_service(container, self.service_attr, self.build)
        if args.jsonl:
            with audit_buffer(container):
                return self.batch(service, args.offline)
        outcome = self.ask(service, args.text, args.offline)
        if args.json:
            print(outcome.model_dump_json(indent=2))
        else:
            self.show(outcome)
        return 0

    def main(self, argv: Sequence[str] | None = None, container: Any | None = None) -> int:
        """Standalone entry with the same handler (``python -m assistant.<package>.cli <name> …``)."""
        parser = argparse.ArgumentParser(prog="baixing", description=f"百姓提案培育助手：{self.help}")
        self.register(parser.add_subparsers(dest="command", required=True, metavar="COMMAND"))
        args = parser.parse_args(argv)
        try:
            return self.handle(args, container)
        except BaixingError as exc:
            print(f"错误：{exc.user_message}", file=sys.stderr)
            if exc.cause:
                print(f"（原因：{exc.cause}）", file=sys.stderr)
            return 2
