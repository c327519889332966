"""Where the templates, static files and migrations are, installed or in a checkout.

An installed wheel carries them inside the package (``forum/templates``, ``forum/static``,
``forum/migrations``); a source checkout keeps them beside it, at the top of the repository
(where ``tortoise makemigrations`` writes new migrations). One rule decides, so the app, the
migration runner and the tests cannot disagree.
"""

from __future__ import annotations

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
CHECKOUT_DIR = PACKAGE_DIR.parent
CHECKOUT_MARKER = "pyproject.toml"


class MissingResourceError(RuntimeError):
    pass


def is_installed_package() -> bool:
    """True when running from a wheel (the resources live inside the package)."""
    return (PACKAGE_DIR / "templates").is_dir()


def resource_dir(name: str) -> Path:
    """The folder called ``name`` (templates, static, migrations) for this installation."""
    if is_installed_package():
        found = PACKAGE_DIR / name
    elif (CHECKOUT_DIR / CHECKOUT_MARKER).is_file():
        found = CHECKOUT_DIR / name
    else:
        raise MissingResourceError(
            f"neither {PACKAGE_DIR / name} nor a source checkout around {PACKAGE_DIR}: "
            "reinstall hearth-forum from its wheel"
        )
    if not found.is_dir():
        raise MissingResourceError(f"{found} is missing: reinstall hearth-forum")
    return found


def migrations_module() -> str:
    """The importable name of the migrations package Tortoise reads and writes."""
    return "forum.migrations" if is_installed_package() else "migrations"


TEMPLATES_DIR = resource_dir("templates")
STATIC_DIR = resource_dir("static")
