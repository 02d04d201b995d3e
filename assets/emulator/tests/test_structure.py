"""The emulator package's shape, read from its source with ``ast`` (nothing is imported):

* no import circle among the ``studio_emulator`` modules, imports inside functions included
  (a module imports only modules on floors below it);
* no module uses another module's private (underscore) names: what crosses a module boundary
  is public;
* no module over 1,000 lines;
* no import the check cannot see (``importlib.import_module``, ``__import__``).
"""

from __future__ import annotations

import ast
import pathlib

PACKAGE = pathlib.Path(__file__).resolve().parents[1] / "studio_emulator"
MAX_LINES = 1000
# (module, imported module, name): private names another module may still use. s3_region takes
# s3_policy's _region while s3_policy is being reworked elsewhere (bucket-policy evaluation).
PRIVATE_EXCEPTIONS = {("s3_region", "s3_policy", "_region")}


def _modules() -> dict[str, pathlib.Path]:
    return {p.stem: p for p in sorted(PACKAGE.glob("*.py"))}


def _tree(path: pathlib.Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def _sibling(node: ast.ImportFrom, names: set[str]) -> str | None:
    """The package module an ``from X import ...`` names, if X is one (``from .cfn import a``)."""
    if node.level == 1 and node.module:
        first = node.module.split(".")[0]
    elif node.level == 0 and node.module and node.module.startswith(f"{PACKAGE.name}."):
        first = node.module.split(".")[1]
    else:
        return None
    return first if first in names else None


def _package_import(node: ast.ImportFrom) -> bool:
    """``from . import a, b`` or ``from studio_emulator import a, b``: the names are modules."""
    return (node.level == 1 and not node.module) or (node.level == 0 and node.module == PACKAGE.name)


def imports(tree: ast.Module, names: set[str]) -> dict[str, set[str]]:
    """Package modules a module imports (anywhere in it), each with the names it takes from
    them: ``from .x import a`` takes ``a``; ``from . import x`` then ``x.a`` takes ``a``."""
    out: dict[str, set[str]] = {}
    aliases: dict[str, str] = {}  # local name -> package module
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            mod = _sibling(node, names)
            if mod is not None:
                out.setdefault(mod, set()).update(a.name for a in node.names)
            elif _package_import(node):
                for a in node.names:
                    if a.name in names:
                        out.setdefault(a.name, set())
                        aliases[a.asname or a.name] = a.name
        elif isinstance(node, ast.Import):
            for a in node.names:
                parts = a.name.split(".")
                if parts[0] == PACKAGE.name and len(parts) > 1 and parts[1] in names:
                    out.setdefault(parts[1], set())
                    if a.asname:
                        aliases[a.asname] = parts[1]
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in aliases:
            out[aliases[node.value.id]].add(node.attr)
    return out


def _graph() -> dict[str, dict[str, set[str]]]:
    mods = _modules()
    names = set(mods)
    return {m: {k: v for k, v in imports(_tree(p), names).items() if k != m} for m, p in mods.items()}


def _cycles(edges: dict[str, set[str]]) -> list[tuple[list[str], list[str]]]:
    """Each group of modules that import each other (a strongly connected component, Tarjan's
    algorithm), with one circle through it as a path that closes."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(edges.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for v in sorted(edges):
        if v not in index:
            visit(v)
    out = []
    for group in groups:
        members = set(group)
        path = [group[0]]
        while True:  # walk inside the group until a module repeats: that is a circle
            nxt = sorted(w for w in edges[path[-1]] if w in members)[0]
            if nxt in path:
                out.append((group, path[path.index(nxt) :] + [nxt]))
                break
            path.append(nxt)
    return out


def test_the_checks_see_circles_and_private_names() -> None:
    """The helpers themselves: a circle through three modules is found, a chain is not."""
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [(["a", "b", "c"], ["a", "b", "c", "a"])]
    assert _cycles({"a": {"b", "c"}, "b": {"a"}, "c": {"a"}}) == [(["a", "b", "c"], ["a", "b", "a"])]
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": set()}) == []
    src = "from . import cfn\nfrom .cfn_state import find_stack\n\ndef f():\n    from .nfw import _x\n    cfn._y = 1\n"
    assert imports(ast.parse(src), {"cfn", "cfn_state", "nfw"}) == {
        "cfn": {"_y"},
        "cfn_state": {"find_stack"},
        "nfw": {"_x"},
    }


def test_no_import_circles() -> None:
    graph = _graph()
    circles = _cycles({m: set(deps) for m, deps in graph.items()})
    assert not circles, "modules importing each other: " + "; ".join(
        f"{', '.join(group)} (e.g. {' -> '.join(circle)})" for group, circle in circles
    )


def test_no_private_names_across_modules() -> None:
    used = sorted(
        f"{m} uses {dep}.{name}"
        for m, deps in _graph().items()
        for dep, names in deps.items()
        for name in names
        if name.startswith("_") and not name.startswith("__") and (m, dep, name) not in PRIVATE_EXCEPTIONS
    )
    assert not used, "private names used across modules (make them public): " + ", ".join(used)


def test_no_module_over_1000_lines() -> None:
    long = {m: n for m, p in _modules().items() if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert not long, f"modules over {MAX_LINES} lines: {long}"


def test_no_hidden_imports() -> None:
    """Every import is a plain import statement, so the circle check sees the whole graph."""
    hidden = []
    for m, p in _modules().items():
        for node in ast.walk(_tree(p)):
            if isinstance(node, ast.Call):
                fn = node.func
                name = fn.attr if isinstance(fn, ast.Attribute) else fn.id if isinstance(fn, ast.Name) else ""
                if name in ("import_module", "__import__"):
                    hidden.append(f"{m}:{node.lineno}")
    assert not hidden, f"dynamic imports the circle check cannot follow: {hidden}"
