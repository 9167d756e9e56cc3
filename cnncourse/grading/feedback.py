"""Per-student HTML feedback from a graded folder: each check's message, never a hidden test.

nbgrader's generate_feedback renders the autograded notebook, in which the hidden tests
were restored; the course's feedback chain (`HideHiddenTests`) strips them and the
tracebacks that quote them. A submission that could not be graded gets a page with the
reason instead. Feedback waits for the grades given by hand (formgrader) unless told not to.
Every page loads nothing from the internet: MathJax is copied from the installed package
into the feedback folder, and any other remote script, style sheet or image is removed.
"""

from __future__ import annotations

import html
import os
import re
import shutil
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

from cnncourse.grading.course import nbgrader_error
from cnncourse.grading.execute import kernel_environment
from cnncourse.grading.grade import load_course
from cnncourse.grading.record import read_journal

NOT_GRADED_PAGE = "not-graded.html"
#: Where the MathJax files go, under the feedback folder (no student may be called this).
STATIC_FOLDER = "_static"
FORMGRADER_HINT = (
    "Grade them in nbgrader's formgrader: cd {workdir} && jupyter lab, then "
    'Nbgrader > Formgrader (README.md, "Grading written answers by hand")'
)

#: The pages fit the window: images and outputs shrink, long lines wrap or scroll in the cell.
PAGE_CSS = """\
<style id="cnncourse-fit-width">
html, body { max-width: 100%; overflow-wrap: anywhere; }
div.container, div#notebook-container, div.panel { max-width: 100%; box-sizing: border-box; }
img, video, canvas { max-width: 100%; height: auto; }
mjx-container[display="true"] { max-width: 100%; overflow-x: auto; overflow-y: hidden; }
div.cell, div.input, div.output_wrapper, div.output, div.output_area, div.output_subarea,
div.inner_cell, div.input_area, div.text_cell_render { max-width: 100%; min-width: 0; }
div.output_subarea, div.input_area, div.text_cell_render { overflow-x: auto; }
pre { white-space: pre-wrap; word-break: break-word; max-width: 100%; overflow-x: auto; }
div.text_cell_render table { display: block; max-width: 100%; overflow-x: auto; }
@media (max-width: 700px) { div.prompt { display: none; } }
</style>
"""

#: MathJax 3 (the feedback template configures MathJax 2 from a CDN): $...$ inline math as
#: in the notebook, and the "safe" extension, as nbconvert's MathJax 2 ``Safe`` setting.
MATHJAX_CONFIG = """\
<script>
window.MathJax = {
  loader: {load: ["ui/safe"]},
  tex: {inlineMath: [["$", "$"], ["\\\\(", "\\\\)"]],
        displayMath: [["$$", "$$"], ["\\\\[", "\\\\]"]],
        processEscapes: true, processEnvironments: true, tags: "ams"},
  svg: {fontCache: "global"}
};
</script>
<script id="MathJax-script" async src="{src}"></script>
"""

#: Attributes through which a page loads something (links, <a href>, are left as they are).
_LOADING = {
    "script": ("src",),
    "link": ("href",),
    "img": ("src", "srcset"),
    "iframe": ("src",),
    "frame": ("src",),
    "embed": ("src",),
    "object": ("data",),
    "video": ("src", "poster"),
    "audio": ("src",),
    "source": ("src", "srcset"),
    "track": ("src",),
    "input": ("src",),
}
#: A URL to another host once a browser has cleaned it: ``//host``, ``scheme://host``, and
#: ``http:host`` (browsers read that as ``http://host``).
_REMOTE = re.compile(r"^(?:[a-z][a-z0-9+.-]*:)?//|^(?:https?|ftp|wss?):", re.IGNORECASE)
_REMOTE_CSS = re.compile(
    r"(@import\s+)?url\(\s*['\"]?\s*(?:[a-z][a-z0-9+.-]*:)?//[^)]*\)\s*;?", re.IGNORECASE
)


def is_remote(url: str | None) -> bool:
    """Whether a page would fetch ``url`` (or a ``srcset`` list of URLs) from another host.

    Cleaned as browsers do first: tabs and newlines dropped, backslashes read as slashes.
    """
    if not url:
        return False
    cleaned = re.sub(r"[\t\n\r]", "", url).replace("\\", "/")
    return any(_REMOTE.match(part.strip(" \x00\x0c")) for part in cleaned.split(","))


class _Localiser(HTMLParser):
    """Re-emit a page without remote loads and MathJax 2, with MathJax 3 and the CSS added."""

    def __init__(self, head_extra: str) -> None:
        super().__init__(convert_charrefs=False)
        self.parts: list[str] = []
        self.head_extra = head_extra
        self.skip_script = False
        self.in_style = False
        self.added = False
        self.removed: list[str] = []

    def _remote(self, tag: str, attrs) -> str | None:
        values = dict(attrs)
        if tag == "script" and (values.get("type") or "").lower() == "text/x-mathjax-config":
            return "MathJax 2 configuration"
        for name in _LOADING.get(tag, ()):
            if is_remote(values.get(name)):
                return values.get(name)
        return None

    def handle_starttag(self, tag, attrs):
        if self.skip_script:
            return
        remote = self._remote(tag, attrs)
        if remote is None:
            self.parts.append(self.get_starttag_text())
            self.in_style = tag == "style"
            return
        self.removed.append(remote)
        if tag == "script":
            self.skip_script = True
        elif tag == "img":
            self.parts.append(f"<span>[image not loaded: {html.escape(remote)}]</span>")

    def handle_startendtag(self, tag, attrs):
        if self.skip_script:
            return
        remote = self._remote(tag, attrs)
        if remote is None:
            self.parts.append(self.get_starttag_text())
        else:
            self.removed.append(remote)

    def handle_endtag(self, tag):
        if self.skip_script:
            self.skip_script = tag != "script"
            return
        if tag == "head" and not self.added:
            self.parts.append(self.head_extra)
            self.added = True
        self.in_style = False
        self.parts.append(f"</{tag}>")

    def handle_data(self, data):
        if not self.skip_script:
            self.parts.append(_REMOTE_CSS.sub("", data) if self.in_style else data)

    def handle_entityref(self, name):
        self.handle_data(f"&{name};")

    def handle_charref(self, name):
        self.handle_data(f"&#{name};")

    def handle_comment(self, data):
        if not self.skip_script:
            self.parts.append(f"<!--{data}-->")

    def handle_decl(self, decl):
        self.parts.append(f"<!{decl}>")

    def handle_pi(self, data):
        self.parts.append(f"<?{data}>")

    def unknown_decl(self, data):
        self.parts.append(f"<![{data}]>")

    def page(self) -> str:
        text = "".join(self.parts)
        return text if self.added else self.head_extra + text


def localise_page(page: Path, mathjax_entry: Path | None) -> list[str]:
    """Rewrite ``page`` to load nothing remote; MathJax from ``mathjax_entry`` (None: none).

    Returns what was removed (remote URLs, the MathJax 2 configuration).
    """
    extra = '<meta name="viewport" content="width=device-width, initial-scale=1">\n' + PAGE_CSS
    if mathjax_entry is not None:
        relative = Path(os.path.relpath(mathjax_entry, page.parent)).as_posix()
        extra += MATHJAX_CONFIG.replace("{src}", html.escape(relative))
    localiser = _Localiser(extra)
    localiser.feed(page.read_text(encoding="utf-8"))
    localiser.close()
    page.write_text(localiser.page(), encoding="utf-8")
    return localiser.removed


def copy_mathjax(output: Path) -> Path:
    """Copy MathJax (the entry and the components it loads) into ``output/_static/mathjax``."""
    from cnncourse.sphinxext import MATHJAX_ENTRY, MATHJAX_LAZY_DIRS, mathjax_source

    source = mathjax_source()
    target = Path(output) / STATIC_FOLDER / "mathjax"
    target.mkdir(parents=True, exist_ok=True)
    shutil.copy2(source / MATHJAX_ENTRY, target / MATHJAX_ENTRY)
    for name in MATHJAX_LAZY_DIRS:
        if (source / name).is_dir():
            shutil.copytree(source / name, target / name, dirs_exist_ok=True)
    return target / MATHJAX_ENTRY


def _not_graded_page(outcome: dict) -> str:
    assignment = html.escape(outcome["assignment"])
    return (
        '<!DOCTYPE html>\n<html><head><meta charset="utf-8">'
        f"<title>{assignment}: not graded</title></head><body>\n"
        f"<h1>{assignment}</h1>\n"
        f"<p>Score: {float(outcome['score']):g} / {float(outcome['max_score']):g} "
        f"({html.escape(outcome['status'])})</p>\n"
        f"<p>Your submission could not be graded: {html.escape(outcome['reason'])}</p>\n"
        "</body></html>\n"
    )


def pending_grades(db_url: str, outcomes: list[dict]) -> dict[tuple[str, str], int]:
    """How many grade cells of each (student, assignment) wait for grading by hand."""
    from cnncourse.grading.report_stats import gradebook_grades

    grades = gradebook_grades(db_url, [(o["student"], o["assignment"]) for o in outcomes])
    counts = {pair: sum(record.pending for record in records) for pair, records in grades.items()}
    return {pair: number for pair, number in counts.items() if number}


def _grades(number: int) -> str:
    """ "1 grade still waits" or "3 grades still wait"."""
    return f"{number} grade still waits" if number == 1 else f"{number} grades still wait"


def refusal_message(pending: dict[tuple[str, str], int], workdir: Path) -> str:
    """Why no feedback was written while ``pending`` grades wait for formgrader, in words."""
    per_assignment: dict[str, list[int]] = {}
    for (_, assignment), number in sorted(pending.items()):
        per_assignment.setdefault(assignment, []).append(number)
    lines = [
        f"cnncourse feedback: {_grades(sum(pending.values()))} for grading by hand, so "
        "no feedback was written:"
    ]
    for assignment, numbers in per_assignment.items():
        lines.append(
            f"  {assignment}: {sum(numbers)} grade{'s' * (sum(numbers) != 1)} in "
            f"{len(numbers)} submission{'s' * (len(numbers) != 1)}"
        )
    lines.append(
        FORMGRADER_HINT.format(workdir=workdir)
        + "; then run cnncourse feedback again, or give --allow-pending to write the "
        "pages now (they say that grading is not finished)."
    )
    return "\n".join(lines)


@dataclass(frozen=True)
class Written:
    """The feedback of one recorded submission: its pages, or why there are none."""

    student: str
    assignment: str
    pages: tuple[Path, ...] = ()  # the HTML pages written (the not-graded page, if not graded)
    graded: bool = True  # False: the submission could not be graded, its page says why
    error: str | None = None  # nbgrader could not write the feedback: its last error line
    pending: int = 0  # grades that still wait for grading by hand

    def lines(self) -> list[str]:
        name = f"{self.student}/{self.assignment}"
        if not self.graded:
            return [f"  {name}: not graded, wrote {self.pages[0]}"]
        if self.error is not None:
            return [f"  {name}: no feedback ({self.error})"]
        lines = [f"  {name}: {', '.join(page.name for page in self.pages)}"]
        if self.pending:
            lines.append(
                f"WARNING: {name}: {_grades(self.pending)} for grading by hand; its "
                "feedback says grading is not finished"
            )
        return lines


@dataclass
class Feedback:
    """What `write_feedback` did: a `Written` per submission, or a refusal (``refused``)."""

    workdir: Path
    output: Path
    written: list[Written] = field(default_factory=list)
    pending: dict[tuple[str, str], int] = field(default_factory=dict)
    refused: bool = False  # nothing written: grades wait for formgrader

    def refusal(self) -> str:
        """Why nothing was written (when ``refused``), with what to do."""
        return refusal_message(self.pending, self.workdir)

    @property
    def exit_code(self) -> int:
        """0, or 1 when it refused or nbgrader could not write some feedback."""
        return 1 if self.refused or any(w.error is not None for w in self.written) else 0

    def lines(self) -> list[str]:
        """A line per submission (and a WARNING per one still pending), then the folder."""
        lines = [line for written in self.written for line in written.lines()]
        return lines + [f"feedback in {self.output}"]


def write_feedback(workdir: Path, output: Path, *, allow_pending: bool = False) -> Feedback:
    """Write ``output/<student>/<assignment>/<notebook>.html`` for every recorded submission.

    Refuses (``refused``, writes nothing; `Feedback.refusal` says why) while grades wait for
    formgrader, unless ``allow_pending``. A submission nbgrader could not write feedback
    for has its ``error``.
    """
    course = load_course(Path(workdir))
    outcomes = [entry["outcome"] for entry in read_journal(workdir)]
    if not outcomes:
        raise ValueError(
            f"{Path(workdir) / 'outcomes'} holds no recorded submission: "
            "run `cnncourse grade` first"
        )
    if any(outcome["student"] == STATIC_FOLDER for outcome in outcomes):
        raise ValueError(
            f"a student of {workdir} is called {STATIC_FOLDER!r}, the feedback "
            "folder's MathJax folder: rename the student's submission folder"
        )
    graded = [o for o in outcomes if (course.autograded / o["student"] / o["assignment"]).is_dir()]
    graded_pairs = {(o["student"], o["assignment"]) for o in graded}
    pending = pending_grades(course.db_url, graded)
    output = Path(output).resolve()
    feedback = Feedback(Path(workdir), output, pending=pending)
    if pending and not allow_pending:
        feedback.refused = True
        return feedback
    output.mkdir(parents=True, exist_ok=True)
    mathjax = copy_mathjax(output)
    api = course.api(feedback_directory=output)
    for outcome in outcomes:
        student, assignment = outcome["student"], outcome["assignment"]
        folder = output / student / assignment
        if (student, assignment) not in graded_pairs:
            folder.mkdir(parents=True, exist_ok=True)
            (folder / NOT_GRADED_PAGE).write_text(_not_graded_page(outcome), encoding="utf-8")
            localise_page(folder / NOT_GRADED_PAGE, None)
            feedback.written.append(
                Written(student, assignment, (folder / NOT_GRADED_PAGE,), graded=False)
            )
            continue
        with kernel_environment(None):
            result = api.generate_feedback(assignment, student, force=True)
        if not result.get("success"):
            error = nbgrader_error(result, "error") or "unknown"
            feedback.written.append(Written(student, assignment, error=error))
            continue
        pages = sorted(folder.glob("*.html"))
        for page in pages:
            localise_page(page, mathjax)
        waiting = pending.get((student, assignment), 0)
        feedback.written.append(Written(student, assignment, tuple(pages), pending=waiting))
    return feedback
