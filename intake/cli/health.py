"""`dossier health [--worker NAME] [--json]`: is the database reachable, and (production) do workers answer?

For container health checks and operators: exit 0 when healthy, 1 (UNHEALTHY) when not; each check is
printed in Chinese. With a broker, every Celery worker is asked `ping` (Celery's own inspect); `--worker`
names the one that must answer (a worker container checks itself: `dossier health --worker celery@$HOSTNAME`).
"""

from __future__ import annotations

import argparse
import json
from typing import Any

from intake.cli.common import ExitCode
from intake.lifecycle.context import open_context
from intake.lifecycle.metrics import database_ok
from intake.settings import Settings

UNHEALTHY = 1
PING_TIMEOUT = 3.0


def _workers(settings: Settings) -> list[str]:
    """Names of the Celery workers that answered a ping."""
    from workers.app import app_for

    replies = app_for(settings).control.ping(timeout=PING_TIMEOUT) or []
    return sorted(name for reply in replies for name in reply)


def cmd_health(args: argparse.Namespace, settings: Settings) -> int:
    checks: dict[str, Any] = {}
    problem = database_ok(open_context(settings, upgrade=False))
    checks["database"] = "ok" if problem is None else f"无法连接：{problem}"
    healthy = problem is None
    if settings.broker_url:
        try:
            answered = _workers(settings)
        except Exception as exc:  # the broker itself is down: that is the answer
            answered, checks["broker"] = [], f"无法连接：{type(exc).__name__}"
            healthy = False
        else:
            checks["broker"] = "ok"
        checks["workers"] = answered
        if args.worker and args.worker not in answered:
            checks["worker"] = f"{args.worker} 没有应答"
            healthy = False
        elif not answered:
            checks["worker"] = "没有工作进程应答"
            healthy = False
    else:
        checks["broker"] = "嵌入模式（未配置 DOSSIER_BROKER_URL）：页面由本机进程读取"
    if args.json:
        print(json.dumps({"healthy": healthy, **checks}, ensure_ascii=False))
    else:
        for name, value in checks.items():
            print(f"{name}: {value}")
        print("健康" if healthy else "不健康")
    return int(ExitCode.OK) if healthy else UNHEALTHY


def add_health_command(sub: Any) -> None:
    p = sub.add_parser(
        "health",
        help="健康检查：数据库是否可达；生产模式下工作进程是否应答（退出码 0 健康，1 不健康）",
        description="检查数据库连接；配置了 DOSSIER_BROKER_URL 时，向每个 Celery 工作进程发送 ping。",
    )
    p.add_argument("--worker", metavar="名称", help="必须应答的工作进程，例如 celery@主机名")
    p.add_argument("--json", action="store_true", help="以 JSON 输出")
    p.set_defaults(func=cmd_health)
