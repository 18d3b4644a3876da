"""The docs stay true: the API reference matches the route table, the README every setting."""

import re

from starlette.routing import Route

from tempmail.local.config import LOCAL_SETTINGS
from tempmail.settings import SETTINGS
from tempmail.web.app import create_app
from tests.conftest import ROOT

HEADING = re.compile(r"^### `(GET|POST|PUT|PATCH|DELETE) (/\S*)`$", re.MULTILINE)


def served_routes() -> set[tuple[str, str]]:
    app = create_app(lambda _scope: None, local_routes=True)
    return {
        (method, route.path)
        for route in app.routes
        if isinstance(route, Route)
        for method in route.methods or ()
        if method != "HEAD"
    }


def test_api_reference_lists_exactly_the_served_routes():
    documented = set(HEADING.findall((ROOT / "docs" / "api.md").read_text(encoding="utf-8")))
    assert documented == served_routes()


def _default_cell(default) -> str:
    if isinstance(default, bool):
        return f"`{str(default).lower()}`"
    if isinstance(default, tuple):
        return "`[]`"
    return '`""`' if default == "" else f"`{default}`"


def test_readme_configuration_table_documents_every_setting_with_its_default():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    rows = {
        match.group(1): match.group(0)
        for match in re.finditer(r"^\| `([A-Z_]+)` \|.*$", readme, re.MULTILINE)
    }
    for setting in SETTINGS + LOCAL_SETTINGS:
        assert setting.env in rows, f"README lacks {setting.env}"
        assert f"| {_default_cell(setting.default)} |" in rows[setting.env], setting.env
    assert set(rows) == {s.env for s in SETTINGS + LOCAL_SETTINGS}


def test_readme_names_the_two_commands():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "make dev" in readme and "make test" in readme
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert re.search(r"^dev:", makefile, re.MULTILINE) and re.search(r"^test:", makefile, re.MULTILINE)


def test_wrangler_config_matches_the_code():
    import tomllib

    config = tomllib.loads((ROOT / "wrangler.toml").read_text(encoding="utf-8"))
    assert config["main"] == "src/entry.py"
    assert "python_workers" in config["compatibility_flags"]
    # pywrangler picks Python 3.13 for dates from 2025-09-29 until 3.14's on 2026-09-08.
    assert "2025-09-29" <= config["compatibility_date"] < "2026-09-08"
    assert [db["binding"] for db in config["d1_databases"]] == ["DB"]
    assert [bucket["binding"] for bucket in config["r2_buckets"]] == ["BLOBS"]
    assert config["triggers"]["crons"]
    secrets = {"JWT_SECRET", "ADMIN_PASSWORDS", "PASSWORDS", "RESEND_TOKEN", "SMTP_CONFIG"}
    # Secrets never go in wrangler.toml; every var is a setting the core reads.
    assert not secrets & set(config["vars"])
    assert set(config["vars"]) <= {s.env for s in SETTINGS}


def test_the_commented_send_email_binding_is_the_one_the_worker_reads():
    import tomllib

    text = (ROOT / "wrangler.toml").read_text(encoding="utf-8")
    block = re.search(r"^# (\[\[send_email\]\])\n# (name = .*)$", text, re.MULTILINE)
    assert block, "wrangler.toml documents the optional send_email binding"
    binding = tomllib.loads("\n".join(block.groups()))["send_email"][0]
    assert binding["name"] == "SEND_MAIL"  # what adapters/workers.services_from_env looks up


def test_pywrangler_selects_python_3_13_for_this_project(monkeypatch):
    # The real workers-py (the `pywrangler` CLI) reading our wrangler.toml, as a deploy would.
    from pywrangler import utils

    monkeypatch.chdir(ROOT)
    utils.find_pyproject_toml.cache_clear()
    utils.get_python_version.cache_clear()
    assert utils.get_python_version() == "3.13"
