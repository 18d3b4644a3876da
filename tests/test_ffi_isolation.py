"""Only the Workers edge touches JS; only the local host touches local-only packages."""

import ast

from tests.conftest import ROOT

SRC = ROOT / "src"
FFI_MODULES = {"js", "pyodide", "workers", "asgi", "_pyodide_entrypoint_helper", "_cloudflare_compat_flags"}
FFI_ALLOWED = {SRC / "entry.py", SRC / "tempmail" / "adapters" / "workers.py"}
LOCAL_ONLY = {"uvicorn", "aiosmtpd", "httpx"}
LOCAL_ALLOWED_DIR = SRC / "tempmail" / "local"


def imported_roots(path):
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name.split(".")[0]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.module.split(".")[0]


def test_scanner_sees_nested_and_from_imports(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text("def f():\n    from pyodide.ffi import to_js\n    import js\n")
    assert set(imported_roots(sample)) == {"pyodide", "js"}


def test_only_the_workers_edge_imports_js_pyodide_or_workers():
    offenders = [
        f"{path.relative_to(ROOT)} imports {name}"
        for path in SRC.rglob("*.py")
        if path not in FFI_ALLOWED
        for name in imported_roots(path)
        if name in FFI_MODULES
    ]
    assert offenders == []


def test_only_the_local_host_imports_local_only_packages():
    offenders = [
        f"{path.relative_to(ROOT)} imports {name}"
        for path in SRC.rglob("*.py")
        if LOCAL_ALLOWED_DIR not in path.parents
        for name in imported_roots(path)
        if name in LOCAL_ONLY
    ]
    assert offenders == []


def test_runtime_dependencies_are_only_what_the_worker_imports():
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    names = {dep.split("==")[0] for dep in project["dependencies"]}
    assert names == {"pyjwt", "mail-parser", "starlette", "charset-normalizer"}
    assert all("==" in dep for dep in project["dependencies"]), "runtime dependencies are pinned"
