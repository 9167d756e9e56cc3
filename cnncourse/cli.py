"""The `cnncourse` command: a thin argparse layer over plain functions of the package."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from cnncourse import _quiet

_quiet.silence_before_tensorflow()


def _cmd_profile(args: argparse.Namespace) -> int:
    from cnncourse.profile import PROFILES, current_profile

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

    return build_book(profile=args.profile, output=args.output, strict=not args.no_strict)


def _cmd_notebooks(args: argparse.Namespace) -> int:
    from cnncourse.launch import notebooks_command

    return notebooks_command(check=args.check)


def _cmd_release(args: argparse.Namespace) -> int:
    from cnncourse.grading.release import release

    return release(args.assignments, execute=not args.no_execute, check=args.check)


def _cmd_collect(args: argparse.Namespace) -> int:
    from cnncourse.grading.intake import collect_submissions, default_assignments

    assignments = default_assignments(args.assignment) if args.assignment else None
    result = collect_submissions(
        Path(args.export),
        Path(args.to),
        assignments,
        roster=Path(args.roster) if args.roster else None,
        pattern=args.pattern,
        force=args.force,
    )
    for line in result.summary():
        print(line)
    return 1 if result.problems else 0


def _cmd_grade(args: argparse.Namespace) -> int:
    from cnncourse.grading.grade import SandboxMissing, grade_all

    try:
        grade_all(
            Path(args.submissions),
            gradebook=args.gradebook,
            output=args.output,
            assignments=args.assignment or None,
            profile=args.profile,
            cell_timeout=args.timeout,
            sandboxed=not args.no_sandbox,
            force=args.force,
            regrade=args.regrade,
            workers=args.workers,
            scheduler=args.scheduler,
        )
    except SandboxMissing as error:
        print(
            f"cnncourse grade: refusing to run student code without a sandbox: {error}",
            file=sys.stderr,
        )
        return 2
    except RuntimeError as error:
        print(f"cnncourse grade: {error}", file=sys.stderr)
        return 2
    return 0


def _cmd_feedback(args: argparse.Namespace) -> int:
    from cnncourse.grading.feedback import write_feedback

    return write_feedback(
        Path(args.workdir), output=Path(args.output), allow_pending=args.allow_pending
    )


def _cmd_report(args: argparse.Namespace) -> int:
    from cnncourse.grading.report import class_report

    return class_report(Path(args.workdir), output=Path(args.output))


def _cmd_validate(args: argparse.Namespace) -> int:
    from cnncourse.grading.validate import validate

    return validate(
        Path(args.notebook),
        timeout=args.timeout,
        profile=args.profile,
        release=Path(args.release) if args.release else None,
    )


VALIDATE_EPILOG = """\
It runs a copy of the notebook (your file is not changed) in a fresh kernel, in the profile
CNNCOURSE_PROFILE names (default small; --profile tiny checks fastest), and lists every
question in notebook order with its visible points and the points left to hidden tests.

exit status:
  0  every visible test passes and every question is answered
  1  a visible test fails, a question is not answered yet, or a test or read-only cell
     differs from the released notebook (each is named, with how to restore it)
  2  the notebook could not be read or is not an assignment
"""


def _path_problem(value: str, kind: str) -> str | None:
    """Why ``value`` is not an existing ``kind`` ("file" or "folder"), checked without imports."""
    path = Path(value).expanduser()
    if not path.exists():
        return f"{value} does not exist"
    if kind == "file" and path.is_dir():
        return f"{value} is a folder, not a notebook"
    if kind == "folder" and not path.is_dir():
        return f"{value} is a file, not a folder"
    return None


#: Paths each subcommand needs to exist, checked before its (heavy) module is imported.
EXISTING_PATHS = {
    "validate": (("notebook", "file"), ("release", "file")),
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
    p.add_argument(
        "--profile",
        choices=["full", "small", "tiny"],
        default=None,
        help="size profile (default: $CNNCOURSE_PROFILE or small)",
    )
    p.add_argument("--output", default=None, help="build folder (default: _build)")
    p.add_argument("--no-strict", action="store_true", help="do not turn warnings into errors")
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

    p = sub.add_parser("release", help="regenerate exercises/ from solutions/ and re-execute them")
    p.add_argument("assignments", nargs="*", help="assignment names (default: all)")
    p.add_argument(
        "--no-execute", action="store_true", help="do not re-execute the solution notebooks"
    )
    p.add_argument(
        "--check",
        action="store_true",
        help="only check that exercises/ is up to date; exit 1 when it is not",
    )
    p.set_defaults(func=_cmd_release)

    p = sub.add_parser(
        "collect",
        help="turn an LMS export (Canvas, Moodle, Blackboard, D2L, "
        "zips or folders) into SUBMISSIONS/<student>/<assignment>/",
    )
    p.add_argument("export", help="the downloaded export: a .zip or a folder")
    p.add_argument(
        "--to", required=True, metavar="SUBMISSIONS", help="the submissions folder to fill"
    )
    p.add_argument(
        "--assignment",
        action="append",
        help="only this assignment (repeatable; default: all of exercises/)",
    )
    p.add_argument(
        "--roster",
        default=None,
        help="CSV with a student column and optional lms_id, name, email columns",
    )
    p.add_argument(
        "--pattern",
        default=None,
        help="regex with (?P<student>...) and optional (?P<notebook>...), "
        "(?P<assignment>...) groups, instead of the LMS patterns",
    )
    p.add_argument(
        "--force", action="store_true", help="overwrite files already in --to that differ"
    )
    p.set_defaults(func=_cmd_collect)

    p = sub.add_parser("grade", help="autograde SUBMISSIONS_DIR/<student>/<assignment>/*.ipynb")
    p.add_argument("submissions", help="folder of submissions")
    p.add_argument("--assignment", action="append", help="only this assignment (repeatable)")
    p.add_argument(
        "--gradebook",
        default=None,
        help="gradebook database URL (default: sqlite in the output folder)",
    )
    p.add_argument("--output", default="grading", help="grading work folder (default: grading)")
    p.add_argument(
        "--profile",
        choices=["full", "small", "tiny"],
        default="tiny",
        help="the size profile the submissions run in (default: tiny)",
    )
    p.add_argument(
        "--timeout",
        type=int,
        default=None,
        help="seconds a cell may run (default: the profile's cell_timeout)",
    )
    p.add_argument(
        "--no-sandbox",
        action="store_true",
        help="run student code UNPROTECTED, as this user (never for a real class)",
    )
    p.add_argument(
        "--force",
        action="store_true",
        help="grade again the submissions the journal already holds unchanged",
    )
    p.add_argument(
        "--regrade",
        action="store_true",
        help="grade again the submissions whose files or tests changed since "
        "they were graded (a late submission, a fixed test)",
    )
    p.add_argument(
        "--workers",
        type=int,
        default=None,
        help="submissions graded at once on this machine (default: what its cores "
        "and memory allow)",
    )
    p.add_argument(
        "--scheduler",
        default=None,
        metavar="ADDRESS",
        help="grade on the workers of the Dask cluster at ADDRESS "
        "(tcp://HOST:8786) instead of this machine",
    )
    p.set_defaults(func=_cmd_grade)

    p = sub.add_parser("feedback", help="write per-student HTML feedback from a graded folder")
    p.add_argument("--workdir", default="grading", help="the folder `cnncourse grade` wrote")
    p.add_argument("--output", default="feedback", help="where to write the HTML")
    p.add_argument(
        "--allow-pending",
        action="store_true",
        help="write the pages even while answers wait for grading by hand "
        "(formgrader); each such submission is named in a WARNING",
    )
    p.set_defaults(func=_cmd_feedback)

    p = sub.add_parser(
        "report",
        help="per-question statistics (pass rate, discrimination) and "
        "score histograms, from the gradebook",
    )
    p.add_argument("--workdir", default="grading", help="the folder `cnncourse grade` wrote")
    p.add_argument("--output", default="report", help="where to write the table and the plot")
    p.set_defaults(func=_cmd_report)

    p = sub.add_parser(
        "validate",
        help="run a notebook's visible tests before submitting",
        description="Run an assignment notebook's visible tests before you submit it.",
        epilog=VALIDATE_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("notebook", help="the notebook to check (.ipynb)")
    p.add_argument(
        "--profile",
        choices=["full", "small", "tiny"],
        default=None,
        help="size profile to run in (default: $CNNCOURSE_PROFILE or small)",
    )
    p.add_argument(
        "--timeout",
        type=int,
        default=None,
        help="seconds a cell may run (default: the profile's cell_timeout)",
    )
    p.add_argument(
        "--release",
        default=None,
        metavar="NOTEBOOK",
        help="the released notebook to compare with (default: found in exercises/)",
    )
    p.set_defaults(func=_cmd_validate)
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
