"""Where the anonymity key lives, measured against where the data lives.

A copy of the folder that holds the SQLite file (a backup, a stolen disk, `rsync var/`) must
not carry the key that opens the seals too. "Inside the database's folder" means: the
anonymity key is read from a file (``FORUM_ANONYMITY_KEY_FILE``, or the generated
``FORUM_VAR_DIR/secret_key`` that ``FORUM_ANONYMITY_KEY`` falls back to) whose path is in
the SQLite file's directory or below it. A key given in the environment is never beside
the data.

On PostgreSQL the data lives in the server, so a key file in ``FORUM_VAR_DIR`` is not beside
it; still, a database backup and a backup of that file together open every seal, so
`forum check` asks for them to be kept apart (as it does for any key file).

With an ``https`` FORUM_BASE_URL (a real deployment) the forum refuses to start with the key
beside the SQLite file; over plain http (local use) it starts and `forum check` warns.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from forum.db import sqlite_path
from forum.settings import SECRET_KEY_FILE, Settings

EXPOSED = ("who wrote each anonymous post, each member's list of their anonymous posts, "
           "their private news about those posts and sanctions set through them")
FIX = ("Set FORUM_ANONYMITY_KEY from the environment or a secrets manager, or "
       "FORUM_ANONYMITY_KEY_FILE to a file outside {folder}")


@dataclass(frozen=True)
class KeyPlacement:
    key_file: Path | None  # the file the anonymity key is read from; None: the environment
    setting: str  # the setting that put the key there
    data_folder: Path | None  # the SQLite file's folder; None: PostgreSQL or in-memory

    @property
    def beside_data(self) -> bool:
        if self.key_file is None or self.data_folder is None:
            return False
        return self.key_file.resolve().is_relative_to(self.data_folder.resolve())


def placement(settings: Settings) -> KeyPlacement:
    return KeyPlacement(*_key_file(settings), _data_folder(settings))


def _key_file(settings: Settings) -> tuple[Path | None, str]:
    if settings.anonymity_key_file is not None:
        return settings.anonymity_key_file, "FORUM_ANONYMITY_KEY_FILE"
    if settings.anonymity_key is not None:
        return None, "FORUM_ANONYMITY_KEY"
    generated = settings.var_dir / SECRET_KEY_FILE
    try:
        in_file = generated.read_text().strip() == settings.anonymity_secret
    except OSError:
        in_file = False
    # FORUM_SECRET_KEY set to the generated file's value is still a key kept in that file.
    return (generated, "FORUM_SECRET_KEY") if in_file else (None, "FORUM_SECRET_KEY")


def _data_folder(settings: Settings) -> Path | None:
    if not settings.is_sqlite:
        return None
    path = sqlite_path(settings.database_url)
    if not path or path.startswith(":memory:") or path.startswith("file::memory:"):
        return None
    return Path(path).parent


def startup_refusal(settings: Settings) -> str | None:
    """One line saying why a real (https) deployment must not start, or None."""
    where = placement(settings)
    if not settings.secure_cookies or not where.beside_data:
        return None
    assert where.key_file is not None and where.data_folder is not None
    return (f"the anonymity key is in {where.key_file}, inside the database's folder "
            f"{where.data_folder}, so a copy of that folder opens every seal. "
            + FIX.format(folder=where.data_folder))


def check_warnings(settings: Settings) -> list[str]:
    """What `forum check` says about the key's place (nothing when it is kept apart)."""
    where = placement(settings)
    if where.beside_data:
        assert where.key_file is not None and where.data_folder is not None
        return [f"the anonymity key is in {where.key_file}, inside the database's folder "
                f"{where.data_folder}: a copy of that folder reveals {EXPOSED}. "
                + FIX.format(folder=where.data_folder) + "."]
    if where.key_file is not None:
        return [f"the anonymity key is in {where.key_file}: keep backups of that file apart "
                f"from the database's backups — the two together reveal {EXPOSED}."]
    return []
