"""What each graded question of an instructor notebook reads, and which cells are student code.

A test cell declares its reads as data, ``checks.Question("title", reads={...})``; this
module reads that literal with `ast` (no code runs) and works out, from the notebook alone:

- which names student code defines (every answer cell, and every instructor cell that reads
  one of them): the *tainted* names, which the trusted grader never takes from its own run;
- the *setup* cells: instructor code that reads no tainted name (imports, data, constants),
  run by the trusted grader to compute the expected values;
- the undeclared reads: tainted names a test cell uses without declaring them, which would
  otherwise be silently missing at grading (`problems` lists them; release refuses them).
"""

from __future__ import annotations

import ast
import builtins
from dataclasses import dataclass

from cnncourse.checks.form import parse_reads

_BUILTINS = set(dir(builtins))


@dataclass(frozen=True)
class Declaration:
    """One graded test cell: its id, points, title and reads ({name: (kind, expression)})."""

    grade_id: str
    points: float
    title: str
    reads: dict
    source: str
    index: int


def nbgrader_of(cell) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {}) or {}


def is_test(cell) -> bool:
    info = nbgrader_of(cell)
    return cell.cell_type == "code" and bool(info.get("grade")) and not info.get("solution")


def is_answer(cell) -> bool:
    return bool(nbgrader_of(cell).get("solution"))


def _without_magics(source: str) -> str:
    return "\n".join(
        "pass" if line.lstrip().startswith(("%", "!")) else line for line in source.split("\n")
    )


def parse(source: str) -> ast.Module:
    """A cell's source as a module (IPython magics read as ``pass``); SyntaxError as it is."""
    return ast.parse(_without_magics(source))


def _question_call(tree: ast.Module) -> ast.Call | None:
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
            if name == "Question":
                return node
    return None


def declaration(cell, index: int = 0) -> Declaration:
    """The `Declaration` of a test cell; ValueError when it declares no reads."""
    info = nbgrader_of(cell)
    grade_id = info.get("grade_id", f"cell {index}")
    call = _question_call(parse(cell.source))
    if call is None:
        raise ValueError(f"test cell {grade_id} makes no checks.Question")
    title = ast.literal_eval(call.args[0]) if call.args else grade_id
    keywords = {keyword.arg: keyword.value for keyword in call.keywords}
    if "reads" not in keywords:
        raise ValueError(
            f"test cell {grade_id}: checks.Question({title!r}) declares no reads="
            " (the names and kinds of the values it checks)"
        )
    try:
        reads = parse_reads(ast.literal_eval(keywords["reads"]))
    except ValueError as error:
        raise ValueError(
            f"test cell {grade_id}: reads= must be a literal dict of name -> kind: {error}"
        ) from None
    return Declaration(grade_id, float(info.get("points", 0)), title, reads, cell.source, index)


def declarations(notebook) -> list[Declaration]:
    """The declarations of every test cell of ``notebook``, in order."""
    return [declaration(cell, index) for index, cell in enumerate(notebook.cells) if is_test(cell)]


class _Names(ast.NodeVisitor):
    """Names a module-level piece of code binds and the free names it loads."""

    def __init__(self) -> None:
        self.bound: set[str] = set()
        self.loaded: set[str] = set()

    def visit_Name(self, node: ast.Name) -> None:
        (self.bound if isinstance(node.ctx, (ast.Store, ast.Del)) else self.loaded).add(node.id)

    def _bind_scope(self, node) -> None:
        self.bound.add(node.name)
        for decorator in node.decorator_list:
            self.visit(decorator)
        inner = _Names()
        for child in ast.iter_child_nodes(node):
            if child not in node.decorator_list:
                inner.visit(child)
        arguments = _arguments(node)
        self.loaded |= inner.loaded - inner.bound - arguments

    visit_FunctionDef = visit_AsyncFunctionDef = visit_ClassDef = _bind_scope

    def visit_Lambda(self, node: ast.Lambda) -> None:
        inner = _Names()
        inner.visit(node.body)
        self.loaded |= inner.loaded - inner.bound - _arguments(node)

    def _comprehension(self, node) -> None:
        inner = _Names()
        for child in ast.iter_child_nodes(node):
            inner.visit(child)
        self.loaded |= inner.loaded - inner.bound

    visit_ListComp = visit_SetComp = visit_DictComp = visit_GeneratorExp = _comprehension

    def visit_Import(self, node) -> None:
        for alias in node.names:
            self.bound.add((alias.asname or alias.name).split(".")[0])

    visit_ImportFrom = visit_Import

    def visit_Global(self, node: ast.Global) -> None:
        self.bound.update(node.names)


def _arguments(node) -> set[str]:
    args = node.args
    every = args.posonlyargs + args.args + args.kwonlyargs
    names = {arg.arg for arg in every}
    names |= {arg.arg for arg in (args.vararg, args.kwarg) if arg is not None}
    return names


def names_of(source: str) -> tuple[set[str], set[str]]:
    """(bound, loaded and not bound) names of a cell's source; empty sets when it does not parse."""
    try:
        tree = parse(source)
    except SyntaxError:
        return set(), set()
    visitor = _Names()
    visitor.visit(tree)
    return visitor.bound, visitor.loaded - visitor.bound - _BUILTINS


@dataclass(frozen=True)
class Analysis:
    """The notebook's student-defined names, its setup cells and each test cell's free names."""

    tainted: frozenset[str]
    setup: tuple[int, ...]  # indexes of instructor code cells safe to run when grading
    test_loads: dict  # grade_id -> names the test cell loads and does not bind


def analyse(notebook) -> Analysis:
    """Follow the notebook top to bottom: answer cells taint what they bind, and so does
    every instructor cell that loads a tainted name."""
    tainted: set[str] = set()
    setup, test_loads = [], {}
    for index, cell in enumerate(notebook.cells):
        if cell.cell_type != "code":
            continue
        bound, loaded = names_of(cell.source)
        if is_test(cell):
            test_loads[nbgrader_of(cell).get("grade_id", f"cell {index}")] = loaded
        elif is_answer(cell) or not nbgrader_of(cell).get("locked") or loaded & tainted:
            tainted |= bound
        else:
            setup.append(index)
            tainted -= bound
    return Analysis(frozenset(tainted), tuple(setup), test_loads)


def problems(notebook, label: str = "") -> list[str]:
    """Test cells that read a student-defined name they do not declare, or declare nothing."""
    found = []
    analysis = analyse(notebook)
    for cell in notebook.cells:
        if not is_test(cell):
            continue
        try:
            declared = declaration(cell)
        except (ValueError, SyntaxError) as error:
            found.append(f"{label}{error}")
            continue
        undeclared = sorted(
            (analysis.test_loads[declared.grade_id] & analysis.tainted) - set(declared.reads)
        )
        if undeclared:
            found.append(
                f"{label}test cell {declared.grade_id} reads {', '.join(undeclared)}, "
                "defined by student code, without declaring it in reads="
            )
    return found
