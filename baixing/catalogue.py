"""``baixing catalogue``: list, import and export the handling-unit catalogue kept in the database."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from assistant.container import Container


def cmd_catalogue(args: argparse.Namespace, container: Container) -> int:
    """Handler of ``baixing catalogue list|import|export``."""
    store = container.catalogue_store
    if args.action == "import":
        count = store.import_files(Path(args.dir)) if args.dir else store.import_catalogue(store.files())
        print(f"已从 YAML 文件导入 {count} 个条目（承办单位和专委会），数据库中的旧条目已替换。")
    elif args.action == "export":
        if not args.dir:
            print("错误：请给出导出目录，例如 baixing catalogue export my-catalogue/")
            return 2
        for path in store.export_files(Path(args.dir)):
            print(f"已写出 {path}")
    else:
        catalogue = store.load()
        for unit in catalogue.units:
            print(f"{unit.name}\t{unit.short}\t{'、'.join(unit.domains)}")
        print(f"共 {len(catalogue.units)} 个承办单位、{len(catalogue.committees)} 个专委会。")
    return 0


def register(subparsers: Any) -> argparse.ArgumentParser:
    """Add the ``catalogue`` subcommand."""
    p = subparsers.add_parser("catalogue", help="承办单位目录：列出、从 YAML 导入数据库、从数据库导出 YAML")
    p.add_argument("action", choices=["list", "import", "export"], help="list 列出 / import 导入 / export 导出")
    p.add_argument("dir", nargs="?", help="YAML 目录（import 默认用内置 corpus/catalogues；export 必填）")
    p.set_defaults(handler=cmd_catalogue)
    return p
