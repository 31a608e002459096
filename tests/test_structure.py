"""The package's shape: one-way imports, a thin command line, small documented functions.

These read the source with :mod:`ast` (nothing is imported or run), so they hold for every
module, including the ones a test never calls.
"""

from __future__ import annotations

import ast
from functools import lru_cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
MAX_FUNCTION_LINES = 120
#: what cli.py may import from geomap: the package, the entry points of its rooms and of layers, the errors
CLI_ALLOWED = {
    "geomap",
    "geomap.errors",
    "geomap.text",
    "geomap.zones",
    "geomap.vessels",
    "geomap.render",
    "geomap.layers",
}


@lru_cache(maxsize=1)
def modules() -> dict[str, Path]:
    """Dotted name (as installed) -> source file, for the package, layers/ and cli.py."""
    out = {}
    for p in sorted((ROOT / "geomap").rglob("*.py")):
        parts = p.relative_to(ROOT).with_suffix("").parts
        out[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = p
    for p in sorted((ROOT / "layers").glob("*.py")):
        out["geomap.layers" if p.stem == "__init__" else f"geomap.layers.{p.stem}"] = p
    out["geomap.console.cli"] = ROOT / "cli.py"
    return out


def _imports(name: str, path: Path) -> list[tuple[str, str | None]]:
    """(module, imported name or None) for every import in a file, at any depth."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: list[tuple[str, str | None]] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(a.name, None) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                base = ".".join(parts[: len(parts) - node.level + 1] + ([base] if base else []))
            found += [(base, a.name) for a in node.names]
    return found


def _owner(module: str) -> str | None:
    """The known module that ``module`` names (or is inside of), or None for third-party code."""
    known = modules()
    while module and module not in known:
        module = module.rpartition(".")[0]
    return module or None


@lru_cache(maxsize=1)
def graph() -> dict[str, set[str]]:
    known = modules()
    edges: dict[str, set[str]] = {m: set() for m in known}
    for name, path in known.items():
        for module, attr in _imports(name, path):
            target = f"{module}.{attr}" if attr and f"{module}.{attr}" in known else module
            owner = _owner(target)
            if owner and owner != name:
                edges[name].add(owner)
    return edges


def _cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: list[list[str]] = []
    for start in edges:
        if start in index:
            continue
        work = [(start, iter(sorted(edges[start])))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            v, it = work[-1]
            w = next(it, None)
            if w is not None:
                if w not in index:
                    index[w] = low[w] = len(index)
                    stack.append(w)
                    on_stack.add(w)
                    work.append((w, iter(sorted(edges[w]))))
                elif w in on_stack:
                    low[v] = min(low[v], index[w])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[v])
            if low[v] == index[v]:
                comp = []
                while True:
                    w = stack.pop()
                    on_stack.discard(w)
                    comp.append(w)
                    if w == v:
                        break
                if len(comp) > 1:
                    out.append(sorted(comp))
    return out


def test_no_import_cycles():
    assert _cycles(graph()) == []


def test_the_cycle_finder_finds_a_cycle():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": set()}) == [["a", "b", "c"]]


def test_the_command_line_imports_only_the_public_entry_points():
    used = {m for m in graph()["geomap.console.cli"]}
    assert used <= CLI_ALLOWED, sorted(used - CLI_ALLOWED)


def test_no_module_imports_another_modules_private_names():
    bad = []
    for name, path in modules().items():
        for module, attr in _imports(name, path):
            if attr and attr.startswith("_") and not attr.startswith("__") and _owner(module) not in (None, name):
                bad.append(f"{name} imports {attr} from {module}")
    assert bad == []


def _functions():
    for name, path in modules().items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                yield name, node


def test_no_function_is_longer_than_120_lines():
    long = [
        f"{m}.{f.name}: {f.end_lineno - f.lineno + 1}"
        for m, f in _functions()
        if f.end_lineno - f.lineno + 1 > MAX_FUNCTION_LINES
    ]
    assert long == []


@pytest.mark.parametrize("room", ["text", "zones", "vessels", "render"])
def test_every_public_function_of_a_room_has_a_docstring(room):
    missing = []
    for name, path in modules().items():
        if not name.startswith(f"geomap.{room}"):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in tree.body:
            if isinstance(node, (ast.FunctionDef, ast.ClassDef)) and not node.name.startswith("_"):
                if ast.get_docstring(node) is None:
                    missing.append(f"{name}.{node.name}")
    assert missing == []


def test_a_source_checkout_imports_geomap_layers_and_data(tmp_path):
    import subprocess
    import sys

    code = "import geomap, geomap.layers, geomap.data, geomap.console.cli; print(geomap.__file__); print(geomap.layers.__file__)"
    out = subprocess.run(
        [sys.executable, "-c", code],
        cwd=tmp_path,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()
    assert out == [str(ROOT / "geomap" / "__init__.py"), str(ROOT / "layers" / "__init__.py")]


def test_library_messages_name_parameters_and_the_command_line_adds_its_flags(tmp_path):
    from click.testing import CliRunner

    from geomap import check_writable
    from geomap.console.cli import main
    from geomap.errors import OutputError

    out = tmp_path / "zones.csv"
    out.write_text("old\n")
    with pytest.raises(OutputError) as exc:
        check_writable(out, overwrite=False)
    assert exc.value.option == "overwrite" and "--" not in str(exc.value)
    r = CliRunner().invoke(main, ["zone", "26.68,119.72", "-o", str(out)])
    assert r.exit_code == 2 and "pass --force to replace it" in r.output
