from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from forum.settings import Settings

from ..conftest import make_settings
from ..smtp import Inbox, smtp_server


@pytest.fixture
def mailroom(db: None, var_dir: Path, database_url: str) -> Iterator[tuple[Inbox, Settings]]:
    """A real SMTP server and the forum's settings pointing at it (same keys as the app)."""
    with smtp_server() as (inbox, url):
        yield inbox, make_settings(var_dir, database_url, FORUM_SMTP_URL=url)
