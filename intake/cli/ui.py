"""The review UI: `dossier serve` and `dossier user add|password|role|deactivate|activate|unlock`."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from intake.cli.common import ExitCode
from intake.lifecycle.context import open_context
from intake.settings import Settings


def cmd_serve(args: argparse.Namespace, settings: Settings) -> ExitCode:
    """The review UI; without a broker, uploads are read by the embedded runner inside this process."""
    from review_ui import create_app
    from review_ui.jobs import resume_unfinished

    ctx = open_context(settings)
    app = create_app(ctx)
    resume_unfinished(ctx)
    try:
        from waitress import serve
    except ImportError:  # waitress is the production server; Flask's own is enough to try the UI
        app.run(host=args.host, port=args.port, threaded=True)
        return ExitCode.OK
    print(f"dossier: 审核界面 http://{args.host}:{args.port}/", file=sys.stderr)
    serve(app, host=args.host, port=args.port, threads=8)
    return ExitCode.OK


def _read_password() -> str:
    if sys.stdin.isatty():
        import getpass

        first = getpass.getpass("密码 (password): ")
        if first != getpass.getpass("再次输入 (again): "):
            raise ValueError("passwords differ")
        return first
    return sys.stdin.readline().rstrip("\n")


def cmd_user(args: argparse.Namespace, settings: Settings) -> ExitCode:
    """`dossier user add|password|role|deactivate|activate|unlock`: account changes, audited."""
    from review_ui import auth
    from storage.models import Role

    ctx = open_context(settings)
    command = args.user_command
    try:
        password = _read_password() if command in ("add", "password") else ""
        with ctx.sessions.begin() as s:
            if command == "add":
                auth.add_user(s, args.name, password, Role(args.role), actor="cli")
            elif command == "password":
                auth.reset_password(s, args.name, password, actor="cli")
            elif command == "role":
                auth.set_role(s, args.name, Role(args.role), actor="cli")
            elif command in ("deactivate", "activate"):
                auth.set_active(s, args.name, active=command == "activate", actor="cli")
            else:
                auth.unlock(s, args.name, actor="cli")
    except ValueError as exc:
        print(f"dossier: {exc}", file=sys.stderr)
        return ExitCode.USAGE
    done = {
        "add": f"用户 {args.name} 已创建 ({getattr(args, 'role', '')})",
        "password": f"用户 {args.name} 的密码已重置，其会话已失效",
        "role": f"用户 {args.name} 的角色已改为 {getattr(args, 'role', '')}，其会话已失效",
        "deactivate": f"用户 {args.name} 已停用，其会话已失效",
        "activate": f"用户 {args.name} 已启用",
        "unlock": f"用户 {args.name} 已解锁",
    }
    print(done[command])
    return ExitCode.OK


ROLES = ["administrator", "reviewer", "staff", "auditor"]


def _add_ui_commands(sub: Any) -> None:
    p = sub.add_parser("serve", help="run the review UI (and, without a broker, the embedded workers)")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8000)
    p.set_defaults(func=cmd_serve)
    p = sub.add_parser("user", help="manage review UI users")
    user_sub = p.add_subparsers(dest="user_command", required=True)
    add = user_sub.add_parser("add", help="create a user; the password is read from a prompt or stdin")
    add.add_argument("name")
    add.add_argument("--role", required=True, choices=ROLES)
    add.set_defaults(func=cmd_user)
    password = user_sub.add_parser(
        "password", help="reset a password (prompt or stdin); ends the user's sessions"
    )
    password.add_argument("name")
    password.set_defaults(func=cmd_user)
    role = user_sub.add_parser("role", help="change a user's role; ends the user's sessions")
    role.add_argument("name")
    role.add_argument("role", choices=ROLES)
    role.set_defaults(func=cmd_user)
    for command, text in [
        ("deactivate", "deactivate a user; ends the user's sessions"),
        ("activate", "reactivate a user"),
        ("unlock", "lift a lock-out after repeated wrong passwords"),
    ]:
        q = user_sub.add_parser(command, help=text)
        q.add_argument("name")
        q.set_defaults(func=cmd_user)
