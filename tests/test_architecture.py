"""The layering of filmrev's modules, read from the source with ``ast``.

Every import counts: at the top of a module, inside a function, and
``importlib.import_module("filmrev...")`` with a literal name. Imports under
``if TYPE_CHECKING:`` never run and are left out: they give mypy the names it
needs without making one module load another.
"""

from __future__ import annotations

import ast
import itertools
from collections.abc import Iterator
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "filmrev"

#: The only modules that may import tinydb: the crash-safe Storage and the Library on it.
STORAGE_MODULES = frozenset({"filmrev.storage", "filmrev.store"})

#: The command-line side: parse, call the library, print. Nothing else may import it.
CLI_MODULES = ("filmrev.cli", "filmrev.commands", "filmrev.__main__")


def _module_names() -> dict[str, Path]:
    modules: dict[str, Path] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        modules[".".join(parts)] = path
    return modules


MODULES = _module_names()


def _is_type_checking(test: ast.expr) -> bool:
    if isinstance(test, ast.Name):
        return test.id == "TYPE_CHECKING"
    return isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"


def _runtime_nodes(node: ast.AST) -> Iterator[ast.AST]:
    """Every node below ``node`` except the bodies of ``if TYPE_CHECKING:``."""
    for child in ast.iter_child_nodes(node):
        if isinstance(child, ast.If) and _is_type_checking(child.test):
            for other in child.orelse:
                yield other
                yield from _runtime_nodes(other)
            continue
        yield child
        yield from _runtime_nodes(child)


def _imported_names(module: str, path: Path) -> Iterator[tuple[str, int]]:
    """(dotted name, line) of everything ``module`` imports, as written."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node in _runtime_nodes(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, node.lineno
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                source = ".".join([*base, *([node.module] if node.module else [])])
            else:
                source = node.module or ""
            for alias in node.names:
                # ``from filmrev import store`` imports the module filmrev.store.
                submodule = f"{source}.{alias.name}"
                yield (submodule if submodule in MODULES else source), node.lineno
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute | ast.Name)
            and (node.func.attr if isinstance(node.func, ast.Attribute) else node.func.id)
            == "import_module"
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            yield node.args[0].value, node.lineno


def _own_module(name: str) -> str | None:
    """The filmrev module a dotted name lives in (``filmrev.store.writing`` → store)."""
    while name and name not in MODULES:
        name = name.rpartition(".")[0]
    return name or None


def _graph() -> dict[str, dict[str, int]]:
    """module → {filmrev module it imports: first line}."""
    graph: dict[str, dict[str, int]] = {}
    for module, path in MODULES.items():
        edges: dict[str, int] = {}
        for name, line in _imported_names(module, path):
            target = _own_module(name) if name.split(".")[0] == "filmrev" else None
            if target is not None and target != module:
                edges.setdefault(target, line)
        graph[module] = edges
    return graph


GRAPH = _graph()


def _cycles(graph: dict[str, dict[str, int]]) -> list[tuple[list[str], set[str]]]:
    """Each group of modules that import each other (Tarjan), with one cycle through it."""
    order: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[set[str]] = []

    def visit(module: str) -> None:
        order[module] = low[module] = len(order)
        stack.append(module)
        on_stack.add(module)
        for target in graph[module]:
            if target not in order:
                visit(target)
                low[module] = min(low[module], low[target])
            elif target in on_stack:
                low[module] = min(low[module], order[target])
        if low[module] == order[module]:
            group: set[str] = set()
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.add(member)
                if member == module:
                    break
            if len(group) > 1:
                groups.append(group)

    for module in sorted(graph):
        if module not in order:
            visit(module)
    return [(_cycle_in(graph, group), group) for group in groups]


def _cycle_in(graph: dict[str, dict[str, int]], group: set[str]) -> list[str]:
    """A shortest path from the group's first module back to itself, inside the group."""
    start = min(group)
    paths = {start: [start]}
    frontier = [start]
    while frontier:
        following: list[str] = []
        for module in frontier:
            for target in sorted(graph[module]):
                if target == start:
                    return [*paths[module], start]
                if target in group and target not in paths:
                    paths[target] = [*paths[module], target]
                    following.append(target)
        frontier = following
    raise AssertionError(f"no cycle in {group}")  # pragma: no cover - Tarjan said so


def _shown(graph: dict[str, dict[str, int]], cycle: list[str]) -> str:
    steps = [
        f"{module} (line {graph[module][target]}) -> {target}"
        for module, target in itertools.pairwise(cycle)
    ]
    return "\n    ".join(steps)


def _is_cli(module: str) -> bool:
    return any(module == cli or module.startswith(cli + ".") for cli in CLI_MODULES)


def test_the_walk_sees_imports_at_the_top_and_inside_functions() -> None:
    # The walk itself: store imports storage at the top, the cli imports completion in run().
    assert "filmrev.storage" in GRAPH["filmrev.store"]
    assert "filmrev.completion" in GRAPH["filmrev.cli"]
    assert "filmrev.commands.common" in GRAPH["filmrev.commands.reviews"]


def test_the_walk_counts_import_module_and_leaves_out_type_checking(tmp_path: Path) -> None:
    source = tmp_path / "example.py"
    source.write_text(
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n"
        "    from filmrev.store import Library\n"
        "def later():\n"
        "    import importlib\n"
        "    from . import ranking\n"
        "    return importlib.import_module('filmrev.config')\n",
        encoding="utf-8",
    )
    names = [name for name, _ in _imported_names("filmrev.example", source)]
    assert names == ["typing", "importlib", "filmrev.ranking", "filmrev.config"]


def test_the_cycle_finder_finds_a_cycle() -> None:
    graph = {"a": {"b": 1}, "b": {"c": 2}, "c": {"a": 3, "d": 4}, "d": {}}
    assert _cycles(graph) == [(["a", "b", "c", "a"], {"a", "b", "c"})]
    assert _shown(graph, ["a", "b", "c", "a"]) == (
        "a (line 1) -> b\n    b (line 2) -> c\n    c (line 3) -> a"
    )


def test_no_import_cycle_among_filmrev_modules() -> None:
    cycles = _cycles(GRAPH)
    shown = "\n  ".join(
        f"{_shown(GRAPH, cycle)}\n    (all of {', '.join(sorted(group))} import each other)"
        for cycle, group in cycles
    )
    assert not cycles, f"import cycles among filmrev's modules:\n  {shown}"


def test_library_code_never_imports_the_cli() -> None:
    offenders = [
        f"{module} (line {line}) imports {target}"
        for module, edges in sorted(GRAPH.items())
        if not _is_cli(module)
        for target, line in edges.items()
        if _is_cli(target)
    ]
    assert not offenders, "library code imports the CLI:\n  " + "\n  ".join(offenders)


def test_only_the_storage_modules_import_tinydb() -> None:
    offenders = [
        f"{module} (line {line}) imports {name}"
        for module, path in sorted(MODULES.items())
        if module not in STORAGE_MODULES
        for name, line in _imported_names(module, path)
        if name.split(".")[0] == "tinydb"
    ]
    assert not offenders, (
        "tinydb outside " + ", ".join(sorted(STORAGE_MODULES)) + ":\n  " + ("\n  ".join(offenders))
    )
