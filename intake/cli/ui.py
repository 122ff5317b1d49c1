"""The review UI: `dossier serve` and `dossier user add|password|role|deactivate|activate|unlock`."""

from __future__ import annotations

import argparse
import signal
import sys
from typing import Any

from intake.cli.common import ExitCode
from intake.lifecycle.context import open_context
from intake.settings import Settings
from intake.vocabulary import role_name


def cmd_serve(args: argparse.Namespace, settings: Settings) -> ExitCode:
    """The review UI; without a broker, uploads are read by the embedded runner inside this process."""
    from review_ui import create_app
    from review_ui.jobs import resume_unfinished, start_pool, stop_pool

    ctx = open_context(settings)
    app = create_app(ctx)
    signal.signal(signal.SIGTERM, _interrupt)  # `docker stop`/systemd: stop like Ctrl-C, pool included
    start_pool(ctx)  # the OCR workers start and load their models in the background
    try:
        resume_unfinished(ctx)
        try:
            from waitress import serve
        except ImportError:  # waitress is the production server; Flask's own is enough to try the UI
            app.run(host=args.host, port=args.port, threaded=True)
            return ExitCode.OK
        print(f"dossier: 审核界面 http://{args.host}:{args.port}/", file=sys.stderr)
        serve(app, host=args.host, port=args.port, threads=8)
    except KeyboardInterrupt:
        print("dossier: 审核界面已停止", file=sys.stderr)
    finally:
        stop_pool()
    return ExitCode.OK


def _interrupt(_signum: int, _frame: object) -> None:
    raise KeyboardInterrupt


def _read_password() -> str:
    if sys.stdin.isatty():
        import getpass

        first = getpass.getpass("密码 (password): ")
        if first != getpass.getpass("再次输入 (again): "):
            raise ValueError("两次输入的密码不一致")
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
        "add": f"用户 {args.name} 已创建（{role_name(getattr(args, 'role', ''))}）",
        "password": f"用户 {args.name} 的密码已重置，其会话已失效",
        "role": f"用户 {args.name} 的角色已改为 {role_name(getattr(args, 'role', ''))}，其会话已失效",
        "deactivate": f"用户 {args.name} 已停用，其会话已失效",
        "activate": f"用户 {args.name} 已启用",
        "unlock": f"用户 {args.name} 已解锁",
    }
    print(done[command])
    return ExitCode.OK


ROLES = ["administrator", "reviewer", "staff", "auditor"]


def _add_ui_commands(sub: Any) -> None:
    p = sub.add_parser(
        "serve",
        help="运行审核界面（未配置消息队列时，上传的档案也在本进程中读取）",
        description="运行审核界面（Web）。未设置 DOSSIER_BROKER_URL 时，上传的档案在本进程中读取。",
    )
    p.add_argument("--host", default="127.0.0.1", help="监听的地址；默认：127.0.0.1（只允许本机访问）")
    p.add_argument("--port", type=int, default=8000, help="监听的端口；默认：8000")
    p.set_defaults(func=cmd_serve)
    p = sub.add_parser("user", help="管理审核界面的用户（创建、重置密码、改角色、停用、启用、解锁）")
    user_sub = p.add_subparsers(dest="user_command", required=True, title="子命令", metavar="子命令")
    name_help = "用户名（不区分大小写，不能重名）"
    role_help = "角色：administrator 档案管理员、reviewer 审核员、staff 业务人员、auditor 审计员"
    add = user_sub.add_parser(
        "add", help="创建用户；密码从提示输入或标准输入读取（至少 10 个字符，不含用户名）"
    )
    add.add_argument("name", metavar="NAME", help=name_help)
    add.add_argument("--role", required=True, choices=ROLES, help=role_help)
    add.set_defaults(func=cmd_user)
    password = user_sub.add_parser("password", help="重置密码（提示输入或标准输入）；该用户的会话随即失效")
    password.add_argument("name", metavar="NAME", help=name_help)
    password.set_defaults(func=cmd_user)
    role = user_sub.add_parser("role", help="更改用户的角色；该用户的会话随即失效")
    role.add_argument("name", metavar="NAME", help=name_help)
    role.add_argument("role", metavar="ROLE", choices=ROLES, help=role_help)
    role.set_defaults(func=cmd_user)
    for command, text in [
        ("deactivate", "停用用户；该用户的会话随即失效"),
        ("activate", "重新启用用户"),
        ("unlock", "解除因多次输错密码造成的锁定"),
    ]:
        q = user_sub.add_parser(command, help=text)
        q.add_argument("name", metavar="NAME", help=name_help)
        q.set_defaults(func=cmd_user)
