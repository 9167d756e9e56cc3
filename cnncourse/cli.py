"""The `cnncourse` command: a thin argparse layer over plain functions of the package."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from cnncourse import quiet
from cnncourse.grading.commands import add_commands, profile_option
from cnncourse.profile import DEFAULT, PROFILES

quiet.silence_before_tensorflow()


def _cmd_profile(args: argparse.Namespace) -> int:
    from cnncourse.profile import current_profile

    if args.json:
        print(json.dumps({name: p.as_dict() for name, p in PROFILES.items()}, indent=2))
        return 0
    active = current_profile().name
    for name, profile in PROFILES.items():
        marker = "*" if name == active else " "
        print(f"{marker} {name:6} {profile.description}")
    return 0


def _cmd_models(args: argparse.Namespace) -> int:
    from cnncourse.models.registry import describe_all, format_table

    rows = describe_all(names=args.names or None)
    print(json.dumps(rows, indent=2) if args.json else format_table(rows))
    return 0


def _cmd_params(args: argparse.Namespace) -> int:
    from cnncourse.models.registry import explain_model

    print(explain_model(args.name))
    return 0


def _cmd_book(args: argparse.Namespace) -> int:
    from cnncourse.book import build_book

    return build_book(
        profile=args.profile, output=args.output, strict=not args.no_strict, jobs=args.jobs
    )


def _cmd_notebooks(args: argparse.Namespace) -> int:
    from cnncourse.launch import notebooks_command

    return notebooks_command(check=args.check)


def _path_problem(value: str, kind: str) -> str | None:
    """Why ``value`` is not an existing ``kind`` (notebook, file, folder, or export: a folder
    or a .zip file), checked without imports."""
    path = Path(value).expanduser()
    if kind == "export" and not (
        path.is_dir() or (path.is_file() and path.suffix.lower() == ".zip")
    ):
        return f"export {value} is neither a folder nor a .zip file"
    if not path.exists():
        return f"{value} does not exist"
    if kind in ("notebook", "file") and path.is_dir():
        return f"{value} is a folder, not a {kind}"
    if kind == "folder" and not path.is_dir():
        return f"{value} is a file, not a folder"
    return None


#: Paths each subcommand needs to exist, checked before its (heavy) module is imported.
EXISTING_PATHS = {
    "validate": (("notebook", "notebook"), ("release", "notebook")),
    "collect": (("export", "export"), ("roster", "file")),
    "grade": (("submissions", "folder"),),
    "feedback": (("workdir", "folder"),),
    "report": (("workdir", "folder"),),
}


def check_arguments(args: argparse.Namespace) -> str | None:
    """The first problem with parsed arguments that needs no heavy import, or None."""
    for name, kind in EXISTING_PATHS.get(args.command, ()):
        value = getattr(args, name, None)
        problem = _path_problem(value, kind) if value else None
        if problem:
            return problem
    return None


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="cnncourse",
        description="The cnncourse command: the book, the reference networks and the grader.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("profile", help="list the size profiles and show the active one")
    p.add_argument("--json", action="store_true", help="print every profile's settings as JSON")
    p.set_defaults(func=_cmd_profile)

    p = sub.add_parser("models", help="list the reference networks with their parameter counts")
    p.add_argument("names", nargs="*", help="only these networks (default: all)")
    p.add_argument("--json", action="store_true", help="print JSON instead of a table")
    p.set_defaults(func=_cmd_models)

    p = sub.add_parser("params", help="explain the parameter count of a reference network")
    p.add_argument("name", help="a name from `cnncourse models`")
    p.set_defaults(func=_cmd_params)

    p = sub.add_parser("book", help="execute the chapters and build the book into _build/html")
    profile_option(p, None, f"size profile (default: $CNNCOURSE_PROFILE or {DEFAULT})")
    p.add_argument("--output", default=None, help="build folder (default: _build)")
    p.add_argument("--no-strict", action="store_true", help="do not turn warnings into errors")
    p.add_argument(
        "--jobs",
        type=int,
        default=None,
        help="chapters executed at once (default: one per two cores, at least 2, at most 4; "
        "1: one after another)",
    )
    p.set_defaults(func=_cmd_book)

    p = sub.add_parser(
        "notebooks",
        help="regenerate book/notebooks/, the Colab and Binder copies "
        "of the chapters and exercises",
    )
    p.add_argument(
        "--check",
        action="store_true",
        help="only check that book/notebooks/ is up to date; exit 1 when it is not",
    )
    p.set_defaults(func=_cmd_notebooks)

    add_commands(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    problem = check_arguments(args)
    if problem:
        print(f"cnncourse {args.command}: {problem}", file=sys.stderr)
        return 2
    try:
        return int(args.func(args) or 0)
    except (ValueError, FileNotFoundError, NotADirectoryError) as error:
        print(f"cnncourse {args.command}: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
