"""The grading commands of `cnncourse`: their options, and their results as output and exit codes.

Each command calls one function of the package, which returns plain data (`Released`,
`BatchResult`, `Feedback`, `ClassReport`, validate's `Report`); only here is that data
printed and turned into an exit status. The lines a person waits on while a command runs
(a line per solution executed, per submission graded, per cell run) go to ``echo``/``out``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from cnncourse.profile import DEFAULT, PROFILES


def _print(lines, file=None) -> None:
    for line in lines:
        print(line, file=file)


def _cmd_release(args: argparse.Namespace) -> int:
    from cnncourse.grading.release import release

    released = release(args.assignments, execute=not args.no_execute, check=args.check, echo=print)
    _print(released.lines())
    return released.exit_code


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
    _print(result.summary())
    return 1 if result.problems else 0


def _cmd_grade(args: argparse.Namespace) -> int:
    from cnncourse.grading.grade import SandboxMissing, grade_all

    try:
        result = grade_all(
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
            echo=print,
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
    _print(result.lines())
    return 0  # every submission has its outcome, whatever it is


def _cmd_feedback(args: argparse.Namespace) -> int:
    from cnncourse.grading.feedback import write_feedback

    feedback = write_feedback(
        Path(args.workdir), output=Path(args.output), allow_pending=args.allow_pending
    )
    if feedback.refused:
        print(feedback.refusal(), file=sys.stderr)
    else:
        _print(feedback.lines())
    return feedback.exit_code


def _cmd_report(args: argparse.Namespace) -> int:
    from cnncourse.grading.report import class_report

    _print(class_report(Path(args.workdir), output=Path(args.output)).lines())
    return 0


def _cmd_validate(args: argparse.Namespace) -> int:
    from cnncourse.grading.validate import result_lines, validate

    report = validate(
        Path(args.notebook),
        timeout=args.timeout,
        profile=args.profile,
        release=Path(args.release) if args.release else None,
        out=sys.stdout,
    )
    _print(result_lines(report))
    return report.exit_code


VALIDATE_EPILOG = f"""\
It runs a copy of the notebook (your file is not changed) in a fresh kernel, in the profile
CNNCOURSE_PROFILE names (default {DEFAULT}; --profile tiny checks fastest), and lists every
question in notebook order with its visible points and the points left to hidden tests.

exit status:
  0  every visible test passes and every question is answered
  1  a visible test fails, a question is not answered yet, or a test or read-only cell
     differs from the released notebook (each is named, with how to restore it)
  2  the notebook could not be read or is not an assignment
"""


def profile_option(parser: argparse.ArgumentParser, default: str | None, help: str) -> None:
    """The ``--profile`` option, its choices the profiles of `cnncourse.profile.PROFILES`."""
    parser.add_argument("--profile", choices=list(PROFILES), default=default, help=help)


def _timeout(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--timeout",
        type=int,
        default=None,
        help="seconds a cell may run (default: the profile's cell_timeout)",
    )


def add_commands(sub) -> None:
    """Add release, collect, grade, feedback, report and validate to ``sub`` (subparsers)."""
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
    profile_option(p, "tiny", "the size profile the submissions run in (default: tiny)")
    _timeout(p)
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
    profile_option(p, None, f"size profile to run in (default: $CNNCOURSE_PROFILE or {DEFAULT})")
    _timeout(p)
    p.add_argument(
        "--release",
        default=None,
        metavar="NOTEBOOK",
        help="the released notebook to compare with (default: found in exercises/)",
    )
    p.set_defaults(func=_cmd_validate)
