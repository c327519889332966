"""Conventions the code keeps: documented settings, autoescaped templates, no ORM in handlers."""

import re
from pathlib import Path

from forum.settings import Settings, documented_defaults

ROOT = Path(__file__).resolve().parents[2]


def test_every_setting_is_in_the_readme_table_with_its_default_and_nothing_else_is():
    readme = (ROOT / "README.md").read_text()
    table = dict(re.findall(r"^\| `(FORUM_[A-Z_]+)` \| (.+?) \|", readme, re.M))
    fields = {f"FORUM_{name.upper()}" for name in Settings.model_fields}
    assert set(documented_defaults()) == fields
    assert table == documented_defaults()


def test_readme_opens_with_the_two_commands():
    head = (ROOT / "README.md").read_text().splitlines()[:12]
    assert any(line.startswith("make run") for line in head)
    assert any(line.startswith("make test") for line in head)


def test_handlers_make_no_orm_calls():
    for path in [*(ROOT / "forum" / "views").glob("*.py"), *(ROOT / "forum" / "api").glob("*.py")]:
        source = path.read_text()
        assert not re.search(r"\b(User|Post|Thread|Category|Session|PostRevision|Report|"
                             r"AuditEntry|WatchedWord|Sanction|ModeratorNote|Notification)"
                             r"\.(filter|get|"
                             r"create|all|exclude|get_or_none)\(", source), path


def test_templates_have_no_inline_script_or_style():
    for path in (ROOT / "templates").rglob("*.html"):
        source = path.read_text()
        if path.parent.name == "email":  # mail readers take only inline styles; no script
            assert "<script" not in source and not re.search(r"\son[a-z]+=", source), path
            continue
        # Scripts only from our own files (the CSP allows no inline script).
        for script in re.findall(r"<script\b[^>]*>(.*?)</script>", source, re.S):
            assert script.strip() == "", path
        assert not re.search(r"<script\b(?![^>]*\ssrc=\"/static/)", source), path
        assert "<style" not in source, path
        assert not re.search(r"\sstyle=", source), path
        assert not re.search(r"\son[a-z]+=", source), path


def test_no_code_path_updates_or_deletes_audit_rows():
    """The audit log is append-only: only `AuditEntry.create` appears, nowhere an edit."""
    writers = []
    for path in (ROOT / "forum").rglob("*.py"):
        source = path.read_text()
        assert not re.search(r"AuditEntry\b[^\n]*\.(update|delete|save|bulk_update|"
                             r"select_for_update)\(", source), path
        assert not re.search(r"(UPDATE|DELETE FROM)\s+\"?audit_log", source, re.I), path
        assert not re.search(r"entry\.(save|delete)\(", source), path
        if "AuditEntry.create(" in source:
            writers.append(path.relative_to(ROOT).as_posix())
    assert writers == ["forum/actions/moderation.py"]
