"""The `rls-companion` command.

With no command it opens the window. Every other command works on the same
files as the window. Bad input exits non-zero with one line naming what was
wrong, and changes nothing.
"""

from __future__ import annotations

import argparse
import json
import signal
import sqlite3
import sys
from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

from rls_companion import __version__
from rls_companion.context import Context, open_context
from rls_companion.core import settings as schema
from rls_companion.core import streaks
from rls_companion.core.clock import fall_back_to_utc_if_unusable
from rls_companion.core.describe import describe, describe_nights
from rls_companion.core.session import MAX_SESSION_MINUTES, MIN_SESSION_MINUTES
from rls_companion.paths import ENV_DATA_DIR, write_user_file
from rls_companion.storage import backups, diary, export, sessions
from rls_companion.storage.db import DatabaseError, explain


class UsageError(Exception):
    """Bad input from the user: reported as one line, exit status 2."""


def _minutes(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of minutes") from None
    if not MIN_SESSION_MINUTES <= value <= MAX_SESSION_MINUTES:
        raise argparse.ArgumentTypeError(
            f"{text} is out of range ({MIN_SESSION_MINUTES}–{MAX_SESSION_MINUTES} minutes)"
        )
    return value


def _night(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date (YYYY-MM-DD)") from None


def _folder(text: str) -> str:
    if not text.strip():
        raise argparse.ArgumentTypeError("needs a folder (an empty name would mean the default)")
    return text


_DATA_DIR_HELP = f"keep all files (history, settings, logs) under DIR (also ${ENV_DATA_DIR})"


class _GlobalOptions:
    """Subcommands that also accept the global `--data-dir` after their name
    (`rls-companion doctor --data-dir D` as well as `--data-dir D doctor`)."""

    def __init__(self, actions: Any) -> None:
        self._actions = actions

    def add_parser(self, name: str, **kwargs: Any) -> argparse.ArgumentParser:
        sub: argparse.ArgumentParser = self._actions.add_parser(name, **kwargs)
        # SUPPRESS: when absent here, the value given before the command stays.
        sub.add_argument(
            "--data-dir",
            metavar="DIR",
            type=_folder,
            default=argparse.SUPPRESS,
            help=_DATA_DIR_HELP,
        )
        return sub


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="rls-companion",
        description="A calm bedtime breathing and relaxation companion for Restless Legs "
        "Syndrome. With no command, opens the window.",
    )
    parser.add_argument("--version", action="version", version=f"rls-companion {__version__}")
    parser.add_argument("--data-dir", metavar="DIR", type=_folder, help=_DATA_DIR_HELP)
    parser.add_argument(
        "--start", action="store_true", help="open the window and start tonight's session at once"
    )
    parser.add_argument(
        "--minutes", type=_minutes, metavar="N", help="length of the session started with --start"
    )
    commands = _GlobalOptions(parser.add_subparsers(dest="command", metavar="COMMAND"))

    history = commands.add_parser("history", help="list sessions, newest first")
    fmt = history.add_mutually_exclusive_group()
    fmt.add_argument("--json", action="store_true", help="as a JSON list of sessions")
    fmt.add_argument("--csv", action="store_true", help="as CSV")

    stats = commands.add_parser("stats", help="streaks and totals")
    stats.add_argument("--json", action="store_true", help="as a JSON object of integers")
    stats.add_argument(
        "--as-of",
        metavar="ISO8601",
        help="as of this instant, with its UTC offset (default: now)",
    )

    exporter = commands.add_parser("export", help="write the whole history to a file")
    exporter.add_argument(
        "--format", choices=("json", "csv"), default="json", help="file format (default: json)"
    )
    exporter.add_argument(
        "-o", "--output", required=True, metavar="FILE", help="where to write ('-' for stdout)"
    )

    nights = commands.add_parser(
        "diary",
        help="list the sleep diary and evening log, oldest night first",
        description="List the morning check-ins (sleep diary) and evening logs kept for each "
        "night, with the figures worked out from the diary: time in bed, total sleep and "
        "sleep efficiency.",
    )
    nights.add_argument("--json", action="store_true", help="as one JSON object")
    nights.add_argument("--from", dest="first", type=_night, metavar="YYYY-MM-DD")
    nights.add_argument("--to", dest="last", type=_night, metavar="YYYY-MM-DD")

    report = commands.add_parser(
        "report",
        help="write a report of recent nights for a clinician (PDF or CSV)",
        description="Write a two-page PDF of the sleep diary, evening log and practice of a "
        "period of nights (by default the last 14 completed nights), or a CSV with one row "
        "per night. The figures come from your own entries.",
    )
    report.add_argument("--from", dest="first", metavar="YYYY-MM-DD", help="first night")
    report.add_argument("--to", dest="last", metavar="YYYY-MM-DD", help="last night")
    report.add_argument(
        "--format", choices=("pdf", "csv"), default="pdf", help="file format (default: pdf)"
    )
    report.add_argument("--name", metavar="TEXT", default="", help="a name to print on the PDF")
    report.add_argument(
        "-o", "--output", required=True, metavar="FILE", help="where to write ('-' for stdout)"
    )

    saved = commands.add_parser(
        "backup",
        help="list the daily copies of the history, or restore one",
        description="The window copies the history once a day when it opens and keeps the "
        "last seven copies. 'restore' puts one back; the current history is kept aside first.",
    )
    saved_commands = _GlobalOptions(
        saved.add_subparsers(dest="backup_command", metavar="ACTION", required=True)
    )
    saved_commands.add_parser("list", help="the copies, newest first")
    put_back = saved_commands.add_parser("restore", help="put a copy back in place")
    put_back.add_argument("name", metavar="NAME", help="a name shown by 'backup list'")

    load = commands.add_parser("import", help="add the history of a JSON export")
    load.add_argument("file", metavar="FILE")

    config = commands.add_parser("config", help="read and change settings")
    config_commands = _GlobalOptions(
        config.add_subparsers(dest="config_command", metavar="ACTION", required=True)
    )
    get = config_commands.add_parser("get", help="print one setting")
    get.add_argument("key")
    put = config_commands.add_parser("set", help="change one setting")
    put.add_argument("key")
    put.add_argument("value")
    config_commands.add_parser("list", help="print every setting with its allowed values")

    commands.add_parser(
        "doctor",
        help="check sound outputs, speech engines, folders, history and settings",
        description="Report what works on this computer: sound outputs, speech engines, data "
        "folders, the history database and the settings file. Changes nothing; exits 1 only "
        "when the history database is unhealthy.",
    )

    menu = commands.add_parser(
        "desktop",
        help="add the app to the desktop's application menu, or remove it",
        description="Add RLS Companion to your desktop's application menu (a menu entry, its "
        "icon and its AppStream description under $XDG_DATA_HOME, by default ~/.local/share), "
        "or remove it again. For installs made with pip or pipx; system packages bring their own.",
    )
    menu_commands = _GlobalOptions(
        menu.add_subparsers(dest="desktop_command", metavar="ACTION", required=True)
    )
    menu_commands.add_parser("install", help="add the menu entry and icons for this user")
    menu_commands.add_parser("uninstall", help="remove what 'desktop install' added")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    zone_notice = fall_back_to_utc_if_unusable()
    if zone_notice:
        print(f"rls-companion: {zone_notice}", file=sys.stderr)
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.minutes is not None and not args.start:
        parser.error("--minutes goes with --start")
    try:
        if args.command == "desktop":
            return _desktop(args)  # the history and settings are not needed
        if args.command is None:
            from rls_companion.app import run

            context = open_context(args.data_dir, log_to_file=True)
            if zone_notice:
                context.notices.append(zone_notice)
            return run(context, start_minutes=args.minutes, start=args.start)
        # SIGTERM unwinds like Ctrl-C, so a half-written export is removed.
        signal.signal(signal.SIGTERM, _interrupt)
        context = open_context(args.data_dir)
        try:
            return _command(args, context)
        except sqlite3.Error as error:  # a full disk or a busy file while working
            raise explain(error, context.paths.database) from error
        finally:
            # What opening the history had to do (a damaged file moved aside
            # and what was saved from it) is said on stderr, never silently.
            for notice in context.notices:
                print(f"rls-companion: {notice}", file=sys.stderr)
            context.close()
    except (UsageError, schema.SettingError) as error:
        print(f"rls-companion: {error}", file=sys.stderr)
        return 2
    except DatabaseError as error:
        print(f"rls-companion: {error}", file=sys.stderr)
        return 1
    except OSError as error:
        print(
            f"rls-companion: {error.strerror or error}: {error.filename or ''}".rstrip(": "),
            file=sys.stderr,
        )
        return 1
    except KeyboardInterrupt:  # Ctrl-C during a command: nothing was changed
        print("rls-companion: interrupted", file=sys.stderr)
        return 130


def _interrupt(_signum: int, _frame: object) -> None:
    raise KeyboardInterrupt


def _command(args: argparse.Namespace, context: Context) -> int:
    if args.command == "history":
        records = sessions.list_sessions(context.db)
        if args.json:
            print(json.dumps([export.session_to_dict(r) for r in records], indent=2))
        elif args.csv:
            sys.stdout.write(export.sessions_csv(records))
        else:
            for record in records:
                print(describe(record))
            if not records:
                print("No sessions yet.")
        return 0
    if args.command == "stats":
        return _stats(args, context)
    if args.command == "export":
        return _export(args, context)
    if args.command == "import":
        return _import(args, context)
    if args.command == "diary":
        return _diary(args, context)
    if args.command == "report":
        return _report(args, context)
    if args.command == "backup":
        return _backup(args, context)
    if args.command == "config":
        return _config(args, context)
    if args.command == "doctor":
        from rls_companion import doctor

        return doctor.run(context)
    raise UsageError(f"unknown command {args.command!r}")


def _config(args: argparse.Namespace, context: Context) -> int:
    store = context.settings
    if args.config_command == "get":
        print(schema.format_value(store.get(args.key)))
    elif args.config_command == "set":
        value = store.set_text(args.key, args.value)
        print(f"{args.key} = {schema.format_value(value)}")
    else:
        width = max(len(spec.key) for spec in schema.SCHEMA)
        for spec in schema.SCHEMA:
            value = schema.format_value(store.get(spec.key))
            print(f"{spec.key:<{width}}  {value:<10}  ({spec.describe_range()})  {spec.label}")
    return 0


# Years an instant can have and still be placed in a night with any offset.
AS_OF_YEARS = (1970, 9998)


def _as_of(text: str | None) -> datetime:
    if text is None:
        return datetime.now().astimezone()
    try:
        instant = datetime.fromisoformat(text)
    except ValueError:
        raise UsageError(f"--as-of: {text!r} is not an ISO 8601 timestamp") from None
    if instant.utcoffset() is None:
        raise UsageError(f"--as-of: {text!r} has no UTC offset (add one, e.g. +00:00 or -05:00)")
    if not AS_OF_YEARS[0] <= instant.year <= AS_OF_YEARS[1]:
        raise UsageError(
            f"--as-of: {text!r} is out of range (years {AS_OF_YEARS[0]}–{AS_OF_YEARS[1]})"
        )
    return instant


def _stats(args: argparse.Namespace, context: Context) -> int:
    as_of = _as_of(args.as_of)
    rules = context.settings.typed.streak.rules()
    figures = streaks.stats(sessions.list_briefs(context.db), as_of, rules)
    if args.json:
        print(json.dumps(figures.as_dict()))
        return 0
    print(f"Current streak:    {_nights(figures.current_streak)}")
    print(f"Longest streak:    {_nights(figures.longest_streak)}")
    print(f"Practised nights:  {figures.practised_nights}")
    print(f"Sessions:          {figures.sessions}")
    print(f"Total practice:    {_duration(figures.total_practice_seconds)}")
    return 0


def _nights(count: int) -> str:
    return f"{count} night" if count == 1 else f"{count} nights"


def _duration(seconds: int) -> str:
    hours, rest = divmod(round(seconds / 60), 60)
    return f"{hours} h {rest} min" if hours else f"{rest} min"


def _export(args: argparse.Namespace, context: Context) -> int:
    records = sessions.list_sessions(context.db)
    nights = ""
    if args.format == "json":
        entries = diary.list_diary(context.db)
        logs = diary.list_evening(context.db)
        data = export.history_json(records, entries, logs)
        if entries or logs:
            nights = (
                f", {_count(len(entries), 'diary entry', 'diary entries')} and "
                f"{_count(len(logs), 'evening log', 'evening logs')}"
            )
    else:
        data = export.sessions_csv(export.export_order(records)).encode("utf-8")
    if args.output == "-":
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return 0
    write_user_file(Path(args.output), data)
    print(f"exported {len(records)} {_sessions(len(records))}{nights} to {args.output}")
    return 0


def _diary(args: argparse.Namespace, context: Context) -> int:
    if args.first and args.last and args.first > args.last:
        raise UsageError(f"--from {args.first} is after --to {args.last}")
    entries = diary.list_diary(context.db, args.first, args.last)
    logs = diary.list_evening(context.db, args.first, args.last)
    if args.json:
        print(json.dumps(export.nights_document(entries, logs), indent=2, ensure_ascii=False))
        return 0
    for line in describe_nights(entries, logs):
        print(line)
    if not entries and not logs:
        print("No diary entries or evening logs yet.")
    return 0


MAX_NAME_LENGTH = 80


def _report_night(option: str, text: str | None) -> date | None:
    if text is None:
        return None
    try:
        night = date.fromisoformat(text)
    except ValueError:
        raise UsageError(f"{option}: {text!r} is not a date (YYYY-MM-DD)") from None
    if not AS_OF_YEARS[0] <= night.year <= AS_OF_YEARS[1]:
        raise UsageError(
            f"{option}: {text!r} is out of range (years {AS_OF_YEARS[0]}–{AS_OF_YEARS[1]})"
        )
    return night


def _report(args: argparse.Namespace, context: Context) -> int:
    first = _report_night("--from", args.first)
    last = _report_night("--to", args.last)
    if first and last and first > last:
        raise UsageError(f"--from {first} is after --to {last}")
    name = args.name.strip()
    if len(name) > MAX_NAME_LENGTH or not name.isprintable():
        raise UsageError(f"--name: must be one line of at most {MAX_NAME_LENGTH} characters")
    if not args.output:
        raise UsageError("-o: needs a file name ('-' for stdout)")
    from rls_companion.core.report import csv_text
    from rls_companion.report import gather

    now = datetime.now().astimezone()
    data = gather.build(context.db, context.settings.typed, first, last, now)
    if args.format == "csv":
        payload = csv_text(data).encode("utf-8")
    else:
        from rls_companion.report.pdf import render_pdf
        from rls_companion.report.qt_app import painting_application

        with painting_application():
            payload = render_pdf(data, name)
    if args.output == "-":
        sys.stdout.buffer.write(payload)
        sys.stdout.flush()
        return 0
    write_user_file(Path(args.output), payload)
    print(
        f"wrote report for {data.first}–{data.last} "
        f"({_nights(data.nights_logged)} logged) to {args.output}"
    )
    return 0


def _backup(args: argparse.Namespace, context: Context) -> int:
    database = context.paths.database
    if args.backup_command == "list":
        copies = backups.list_backups(database)
        for copy in copies:
            held = (
                "cannot be read"
                if copy.sessions is None
                else _count(copy.sessions, "session", "sessions")
            )
            print(f"{copy.name}  {held}")
        if not copies:
            print("No backups yet: the window makes one each day it opens.")
        return 0
    context.close()  # the file is about to be replaced
    try:
        aside = backups.restore(database, args.name)
    except backups.BackupError as error:
        raise UsageError(str(error)) from None
    print(f"restored {args.name}; the history before it was kept as {aside.name}")
    return 0


def _import(args: argparse.Namespace, context: Context) -> int:
    from rls_companion.storage import importer  # only here: the window never needs it

    try:
        data = importer.read_file(Path(args.file))
        history = importer.parse_file(data, context.settings.typed.streak.rules())
        done = importer.import_file(context.db, history)
    except importer.ImportProblem as problem:
        raise UsageError(f"{args.file}: {problem}") from None
    added, present = done.sessions.added, done.sessions.present
    print(f"imported {added} {_sessions(added)} ({present} already present)")
    if history.diary:
        entries = _count(done.diary.added, "diary entry", "diary entries")
        print(f"imported {entries} ({done.diary.present} already present)")
    if history.evening:
        logs = _count(done.evening.added, "evening log", "evening logs")
        print(f"imported {logs} ({done.evening.present} already present)")
    return 0


def _count(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


def _sessions(count: int) -> str:
    return "session" if count == 1 else "sessions"


def _desktop(args: argparse.Namespace) -> int:
    from rls_companion import desktop

    data_home = desktop.user_data_home()
    if args.desktop_command == "install":
        try:
            command = desktop.running_command()
        except LookupError as error:
            print(f"rls-companion: {error}", file=sys.stderr)
            return 1
        written = desktop.install(data_home, command)
        for path in written:
            print(path)
        print(f"added RLS Companion to the application menu ({len(written)} files)")
        print("to remove it again: rls-companion desktop uninstall")
    else:
        removed = desktop.uninstall(data_home)
        for path in removed:
            print(f"removed {path}")
        print(
            f"removed RLS Companion from the application menu ({len(removed)} files)"
            if removed
            else f"RLS Companion was not in the application menu under {data_home}"
        )
    return 0
