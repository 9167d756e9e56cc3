"""The package's shape: small modules, each with a docstring, no import cycles, no private reach."""

import ast
from pathlib import Path

from tests.conftest import REPO

PACKAGE = REPO / "cnncourse"
MAX_LINES = 420  # "about 400"


def _modules() -> dict[str, Path]:
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(REPO).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found[name] = path
    return found


MODULES = _modules()


def _imports(name: str, path: Path) -> list[tuple[str, list[str], int]]:
    """(imported module, names imported from it, line) for every import in the module."""
    tree = ast.parse(path.read_text())
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(alias.name, [], node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            found.append((module, [alias.name for alias in node.names], node.lineno))
    return found


def _resolve(module: str, names: list[str]) -> list[str]:
    """The package modules an import statement makes this module depend on."""
    targets = []
    for imported in names or [None]:
        candidate = f"{module}.{imported}" if imported else module
        if candidate in MODULES:
            targets.append(candidate)
        elif module in MODULES:
            targets.append(module)
    return targets


def test_every_module_is_small_and_says_what_it_is_for():
    problems = []
    for name, path in MODULES.items():
        text = path.read_text()
        lines = text.count("\n")
        if lines > MAX_LINES:
            problems.append(f"{name}: {lines} lines (at most about 400)")
        docstring = ast.get_docstring(ast.parse(text))
        if not docstring:
            problems.append(f"{name}: no module docstring")
    assert not problems, "\n".join(problems)


def test_no_module_imports_another_modules_private_names():
    problems = []
    for name, path in MODULES.items():
        for module, names, line in _imports(name, path):
            if not module.startswith("cnncourse"):
                continue
            private = [n for n in names if n.startswith("_") and not n.startswith("__")]
            hidden = [part for part in module.split(".") if part.startswith("_")]
            if private or hidden:
                problems.append(f"{path.relative_to(REPO)}:{line} imports {module} {private}")
    allowed = {"cnncourse.quiet"}  # the package's one private module: silencing TensorFlow
    problems = [p for p in problems if not any(f"imports {a} []" in p for a in allowed)]
    assert not problems, "\n".join(problems)


def test_no_import_cycle_between_modules():
    graph = {name: set() for name in MODULES}
    for name, path in MODULES.items():
        for module, names, _ in _imports(name, path):
            for target in _resolve(module, names):
                # A package's __init__ re-exports its modules: that is not a cycle of jobs.
                if target != name and not name.startswith(target + "."):
                    graph[name].add(target)

    cycles = []
    state: dict[str, int] = {}

    def visit(node: str, trail: list[str]) -> None:
        state[node] = 1
        for target in sorted(graph[node]):
            if state.get(target) == 1:
                cycles.append(" -> ".join(trail[trail.index(target) :] + [target]))
            elif target not in state:
                visit(target, trail + [target])
        state[node] = 2

    for name in sorted(graph):
        if name not in state:
            visit(name, [name])
    # Lazy imports inside functions count too: a cycle hidden in a function is still one.
    assert not cycles, "import cycles:\n" + "\n".join(cycles)
