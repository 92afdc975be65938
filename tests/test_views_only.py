"""Rich renderables are built only in view modules, consoles only in terminal.py.

A command gets its data from the library, calls a view (``filmrev/render.py`` or a module
under ``filmrev/views/``) and prints what it returns on the console from
``filmrev.commands.common``. These tests read filmrev's source with :mod:`ast`: a Rich
import outside the view modules, or a ``Console(...)`` made anywhere else than the console
factory, fails with the file, line and name.
"""

from __future__ import annotations

import ast
from pathlib import Path

import filmrev

PACKAGE = Path(filmrev.__file__).parent

#: Modules that build Rich renderables (Table, Panel, Text, Group, Markdown, bars, Progress...).
VIEW_MODULES = {
    "render.py": "the review panel and the review, tag and backup tables",
    "views/": "one module per command's view (search, stats, drafts, rank, refine, doctor...)",
}

#: Rich names any module may import: none of them builds anything on screen.
NOT_RENDERABLES = {
    "rich.console.Console": "the console a view is printed on (a type, or made in terminal.py)",
    "rich.console.RenderableType": "a type annotation for what a view returns",
    "rich.pager.Pager": "editor.py's pager runs $PAGER on text Rich already rendered",
}

#: Modules that may create a ``Console``.
CONSOLE_FACTORIES = {
    "terminal.py": "stdout_console/stderr_console: NO_COLOR, width, markup off, once",
}


def _relative(path: Path) -> str:
    return path.relative_to(PACKAGE).as_posix()


def _is_view(relative: str) -> bool:
    return any(
        relative.startswith(name) if name.endswith("/") else relative == name
        for name in VIEW_MODULES
    )


def _modules() -> list[Path]:
    found = sorted(PACKAGE.rglob("*.py"))
    assert {"render.py", "cli.py", "commands/common.py"} <= {_relative(p) for p in found}
    return found


def rich_imports(source: str) -> list[tuple[int, str]]:
    """``(line, dotted name)`` of every Rich module or name ``source`` imports.

    >>> rich_imports("from rich.table import Table\\nimport rich.text")
    [(1, 'rich.table.Table'), (2, 'rich.text')]
    """
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.extend(
                (node.lineno, alias.name)
                for alias in node.names
                if alias.name == "rich" or alias.name.startswith("rich.")
            )
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            module = node.module
            if module == "rich" or module.startswith("rich."):
                found.extend((node.lineno, f"{module}.{alias.name}") for alias in node.names)
    return sorted(found)


def renderable_imports(source: str) -> list[tuple[int, str]]:
    """The Rich imports of ``source`` that a module outside the views may not have."""
    return [(line, name) for line, name in rich_imports(source) if name not in NOT_RENDERABLES]


def console_calls(source: str) -> list[int]:
    """Lines of ``source`` that call ``Console(...)`` (by that name or as ``x.Console(...)``)."""
    lines = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call):
            func = node.func
            name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
            if name == "Console":
                lines.append(node.lineno)
    return sorted(lines)


def test_the_checks_catch_inline_renderables_and_consoles() -> None:
    """The walker itself: a command building a table and its own console is caught."""
    command = (
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n"
        "    from rich.console import Console, RenderableType\n"
        "def show() -> None:\n"
        "    from rich.table import Table\n"
        "    from rich import box\n"
        "    import rich.panel as panels\n"
        "    import rich.console\n"
        "    rich.console.Console().print(Table(box=box.SIMPLE))\n"
    )
    assert renderable_imports(command) == [
        (5, "rich.table.Table"),
        (6, "rich.box"),
        (7, "rich.panel"),
        (8, "rich.console"),
    ]
    assert console_calls(command) == [9]
    allowed = "from rich.console import Console\nfrom filmrev.render import reviews_table\n"
    assert renderable_imports(allowed) == []


def test_only_view_modules_import_rich_renderables() -> None:
    outside = []
    for path in _modules():
        relative = _relative(path)
        if _is_view(relative):
            continue
        for line, name in renderable_imports(path.read_text(encoding="utf-8")):
            outside.append(f"filmrev/{relative}:{line}: {name}")
    assert outside == [], (
        "Rich renderables are built only in filmrev/render.py and filmrev/views/*.py: "
        "move these into a view function (data -> renderable) and print what it returns\n"
        + "\n".join(outside)
    )


def test_consoles_are_made_only_by_the_console_factory() -> None:
    elsewhere = []
    for path in _modules():
        relative = _relative(path)
        if relative in CONSOLE_FACTORIES:
            assert console_calls(path.read_text(encoding="utf-8")), relative  # still the factory
            continue
        for line in console_calls(path.read_text(encoding="utf-8")):
            elsewhere.append(f"filmrev/{relative}:{line}")
    assert elsewhere == [], (
        "use stdout_console()/stderr_console() from filmrev.terminal, or take the "
        "console as a parameter\n" + "\n".join(elsewhere)
    )


def test_the_view_modules_exist_and_build_renderables() -> None:
    """The allowed list names real modules, so it cannot quietly cover nothing."""
    views = [path for path in _modules() if _is_view(_relative(path))]
    assert (PACKAGE / "render.py") in views
    assert any(_relative(path).startswith("views/") for path in views)
    for path in views:
        if path.name == "__init__.py":
            continue
        assert rich_imports(path.read_text(encoding="utf-8")), f"{path} builds no renderable"
