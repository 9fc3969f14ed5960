"""``baixing user``: create accounts, change passwords, list them."""

from __future__ import annotations

import argparse
import getpass
from typing import Any

from assistant.container import Container

ROLES = ["member", "staff", "evaluator", "admin"]


def _password(args: argparse.Namespace) -> str:
    return args.password or getpass.getpass("密码（至少 8 个字符）：")


def cmd_user(args: argparse.Namespace, container: Container) -> int:
    """Dispatch ``baixing user add|passwd|list``."""
    accounts = container.accounts
    if args.action != "list" and not args.username:
        print("错误：请给出用户名。")
        return 2
    if args.action == "add":
        user = accounts.create(args.username, args.name or args.username, args.role, _password(args))
        print(f"已创建账号 {user.username}（{user.role_zh}）。")
    elif args.action == "passwd":
        accounts.set_password(args.username, _password(args))
        print(f"已修改 {args.username} 的密码。")
    else:
        for user in accounts.list_accounts():
            print(f"{user.username}\t{user.role_zh}\t{user.display_name}")
    return 0


def register(sub: Any) -> None:
    """Add the ``user`` subcommand."""
    p = sub.add_parser("user", help="管理委员、工作人员、评估人员账号")
    p.add_argument("action", choices=["add", "passwd", "list"], help="add 新建 / passwd 改密码 / list 列出")
    p.add_argument("username", nargs="?", help="用户名")
    p.add_argument("--role", choices=ROLES, default="member", help="身份（add 时用）：委员、工作人员、评估人员、管理员")
    p.add_argument("--name", help="显示名（add 时用）")
    p.add_argument("--password", help="密码（不给则交互输入）")
    p.set_defaults(handler=cmd_user)
