"""What every command shares: the exit codes scripts rely on, argument types with Chinese errors, and a
parser whose own words (usage, sections, -h, -v, errors) are Chinese like everything else a user sees."""

from __future__ import annotations

import argparse
import re
import sys
import unicodedata
from datetime import date
from enum import IntEnum
from typing import Any, NoReturn


class ExitCode(IntEnum):
    """The exit status of `dossier` (scripts depend on these numbers)."""

    OK = 0
    NOTHING_READ = 1  # no page of the dossier could be read
    USAGE = 2  # a missing path, a bad option, no broker configured for worker/beat, a refused password
    BROKER_UNAVAILABLE = 3  # `dossier submit`: stored, but the broker is down (queued when a worker starts)
    BACKUP_FAILED = 10  # `dossier backup/restore` could not be done (a path, pg_dump, the database)
    BACKUP_INVALID = 11  # `dossier restore`: the backup is incomplete, damaged or altered; untouched
    RESTORE_REFUSED = 12  # `dossier restore`: the data dir or database holds data and --force was not given
    ARCHIVE_DAMAGED = 20  # `dossier archive verify`: a filed PDF, original or manifest is missing or altered
    AUDIT_BROKEN = 30  # `dossier audit verify`: an audit entry changed, deleted or inserted around the chain
    SEARCH_TIMEOUT = 40  # `dossier search`: stopped at its time budget
    DATA_KEY = 50  # a data key (DOSSIER_DATA_KEYS, the key file) is malformed, missing or does not fit


def date_arg(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"不是日期（应为 YYYY-MM-DD）：{text!r}") from exc


def positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"不是整数：{text!r}") from exc
    if value < 1:
        raise argparse.ArgumentTypeError(f"至少为 1：{text!r}")
    return value


DATE_HELP = "YYYY-MM-DD，例如 2026-12-08"

# argparse's own English phrases in an error message, and their Chinese
_ERROR_PHRASES = (
    (re.compile(r"the following arguments are required: "), "缺少必需的参数："),
    (re.compile(r"unrecognized arguments: "), "无法识别的参数："),
    (
        re.compile(r"argument (\S+): invalid choice: (.*) \(choose from (.*)\)"),
        r"参数 \1：无效的选项 \2（可选：\3）",
    ),
    (re.compile(r"argument (\S+): invalid (\S+) value: (.*)"), r"参数 \1：不是有效的值 \3"),
    (re.compile(r"argument (\S+): expected one argument"), r"参数 \1：需要一个值"),
    (re.compile(r"argument (\S+): "), r"参数 \1："),
)


# a unit of wrapping: one wide (CJK) character, a run of narrow non-space characters, or spaces
_WRAP_UNITS = re.compile(
    r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f]|[^\s\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f]+|\s+"
)
_NO_LINE_START = set("，。、；：）》」』！？,.;:)")


def _columns(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def wrap_wide(text: str, width: int) -> list[str]:
    """Lines of at most `width` terminal columns: a CJK character takes two, and Chinese text may break
    between any two characters (argparse's textwrap counts characters and breaks only at spaces)."""
    lines: list[str] = []
    line = ""
    for unit in _WRAP_UNITS.findall(" ".join(text.split())):
        if line and _columns(line) + _columns(unit) > width and unit[0] not in _NO_LINE_START:
            lines.append(line.rstrip())
            line = "" if unit.isspace() else unit
        else:
            line += unit
    if line.strip():
        lines.append(line.rstrip())
    return lines


class ChineseHelpFormatter(argparse.HelpFormatter):
    """`用法：` instead of `usage: `, and help text wrapped by display width."""

    def add_usage(self, usage: Any, actions: Any, groups: Any, prefix: str | None = None) -> None:
        super().add_usage(usage, actions, groups, "用法：" if prefix is None else prefix)

    def _split_lines(self, text: str, width: int) -> list[str]:
        return wrap_wide(text, width)

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        return "\n".join(indent + line for line in wrap_wide(text, width - len(indent)))


class ChineseArgumentParser(argparse.ArgumentParser):
    """The `dossier` parser and (argparse makes subparsers of the parent's class) all its subcommands'."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", ChineseHelpFormatter)
        super().__init__(*args, **kwargs)
        self._positionals.title = "位置参数"
        self._optionals.title = "选项"
        for action in self._actions:
            if isinstance(action, argparse._HelpAction):
                action.help = "显示本帮助并退出"

    def error(self, message: str) -> NoReturn:
        for pattern, chinese in _ERROR_PHRASES:
            message = pattern.sub(chinese, message)
        self.print_usage(sys.stderr)
        self.exit(ExitCode.USAGE, f"{self.prog}：参数错误：{message}\n")


def accept_verbose_everywhere(parser: argparse.ArgumentParser) -> None:
    """`-v/--verbose` after any subcommand too (`dossier process -v X`), not only before it."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in dict.fromkeys(action.choices.values()):
                taken = sub._option_string_actions
                if "--verbose" not in taken and "-v" not in taken:
                    sub.add_argument(
                        "-v",
                        "--verbose",
                        action="store_true",
                        default=argparse.SUPPRESS,
                        help="把进度和错误写到标准错误输出（stderr）",
                    )
                accept_verbose_everywhere(sub)
