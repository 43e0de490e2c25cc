"""The import graph of ses_lint/ and rules/ has no cycle, counting the imports inside functions (issue
10): a static walk of every module's `import` statements, wherever they stand."""
from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ((ROOT / "ses_lint", "ses_lint"), (ROOT / "rules", "ses_lint.rules"))  # rules/ is installed as ses_lint.rules


def modules() -> dict[str, Path]:
    found = {}
    for folder, package in PACKAGES:
        for path in sorted(folder.rglob("*.py")):
            parts = [package, *path.relative_to(folder).with_suffix("").parts]
            if parts[-1] == "__init__":
                parts.pop()
            found[".".join(parts)] = path
    return found


def imports(name: str, path: Path, known: dict[str, Path]) -> set[str]:
    """The modules of `known` this module imports. `from pkg import name` is an edge to `pkg.name` when
    that is a module, else to `pkg`; relative imports are resolved against the module's package."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    edges = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            edges.update(alias.name for alias in node.names if alias.name in known)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            for alias in node.names:
                target = f"{module}.{alias.name}"
                if target in known:
                    edges.add(target)
                elif module in known:
                    edges.add(module)
    edges.discard(name)
    return edges


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan's algorithm, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found = []
    for start in graph:
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def test_the_walk_finds_a_cycle():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert cycles(graph) == [["a", "b", "c"]]


def test_the_walk_sees_imports_inside_functions(tmp_path):
    (tmp_path / "a.py").write_text("def f():\n    from pkg.b import thing\n")
    (tmp_path / "b.py").write_text("from pkg import a\n")
    known = {"pkg.a": tmp_path / "a.py", "pkg.b": tmp_path / "b.py"}
    assert imports("pkg.a", known["pkg.a"], known) == {"pkg.b"}
    assert imports("pkg.b", known["pkg.b"], known) == {"pkg.a"}


def test_no_import_cycles():
    known = modules()
    assert "ses_lint.rules.ses60_spf" in known and "ses_lint.core.engine" in known
    graph = {name: imports(name, path, known) for name, path in known.items()}
    found = cycles(graph)
    assert found == [], "\n".join(" <-> ".join(component) for component in found)
