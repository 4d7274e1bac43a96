"""What the application imports is installed by `pip install .` alone (no test extras).

The tests run with the test extras installed, which pull in more (requests came only
through them once, and a fresh install could not start). This reads every import of the
application's code and checks that a declared dependency, or one of theirs, provides it.
"""

import ast
import sys
import tomllib
from importlib import metadata
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[2]
APPLICATION = ("hotline", "tickets", "scoring")


def _imported_modules() -> set[str]:
    names = set()
    for package in APPLICATION:
        for path in (ROOT / package).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Import):
                    names |= {alias.name.split(".")[0] for alias in node.names}
                elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    names.add(node.module.split(".")[0])
    return names - set(sys.stdlib_module_names) - set(APPLICATION)


def _installed_by_pip_install_dot() -> set[str]:
    """The declared dependencies and everything they require, with the extras they name."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    todo = [Requirement(line) for line in project["dependencies"]]
    seen = set()
    while todo:
        requirement = todo.pop()
        name = canonicalize_name(requirement.name)
        if name in seen:
            continue
        seen.add(name)
        extras = requirement.extras or {""}
        for line in metadata.requires(requirement.name) or []:
            needed = Requirement(line)
            if needed.marker is None or any(needed.marker.evaluate({"extra": e}) for e in extras):
                todo.append(needed)
    return seen


def test_every_import_of_the_application_is_a_declared_dependency():
    providers = metadata.packages_distributions()
    installed = _installed_by_pip_install_dot()
    missing = {
        module: providers.get(module, ["(not installed)"])
        for module in _imported_modules()
        if not any(canonicalize_name(d) in installed for d in providers.get(module, []))
    }
    assert not missing, f"imported but not declared in pyproject.toml: {missing}"
