"""`forum rekey`: read the two keys, re-seal, and tell the operator what to do next."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

from tortoise import Tortoise

from forum.actions.rekey import RekeyReport, rekey
from forum.db import tortoise_config
from forum.key_location import FIX, KeyPlacement, placement
from forum.sealing import sealer_for
from forum.settings import Settings, read_key_file


def run_rekey(settings: Settings, new_key_file: str, old_key_file: str | None) -> int:
    try:
        new_secret = read_key_file(Path(new_key_file), "--new-key-file")
        old_secret = (read_key_file(Path(old_key_file), "--old-key-file") if old_key_file
                      else settings.anonymity_secret)
    except ValueError as exc:
        print(f"forum: {exc}", file=sys.stderr)
        return 2
    if new_secret == old_secret:
        print("The new key is the key in use already: there is nothing to re-seal.")
        return 0
    data_folder = placement(settings).data_folder
    if KeyPlacement(Path(new_key_file), "", data_folder).beside_data:
        print(f"Warning: {new_key_file} is inside the database's folder {data_folder}. "
              + FIX.format(folder=data_folder) + ".")
    report = asyncio.run(_rekey(settings, old_secret, new_secret))
    print(_summary(report))
    if report.unreadable_total:
        print(f"{report.unreadable_total} sealed value(s) open with neither key ("
              + ", ".join(f"{column} {n}" for column, n in sorted(report.unreadable.items()))
              + "). If the forum runs with another key, run again with --old-key-file naming "
              "it; keep the old key in place until this reports none.", file=sys.stderr)
        return 1
    print(f"Done. Now point the forum at the new key — FORUM_ANONYMITY_KEY_FILE={new_key_file} "
          "(or FORUM_ANONYMITY_KEY set to its contents) — and start it. Running this again "
          "changes nothing.")
    return 0


async def _rekey(settings: Settings, old_secret: str, new_secret: str) -> RekeyReport:
    await Tortoise.init(config=tortoise_config(settings.database_url))
    try:
        return await rekey(sealer_for(old_secret), sealer_for(new_secret))
    finally:
        await Tortoise.close_connections()


def _summary(report: RekeyReport) -> str:
    columns = ", ".join(f"{column} {n}" for column, n in sorted(report.resealed.items()))
    return (f"Re-sealed {report.resealed_total} value(s)" + (f" ({columns})" if columns else "")
            + f"; {report.already_new} already under the new key; moved "
            f"{report.tags_moved} pseudonym tag(s) to the new key; made "
            f"{report.tags_scrubbed} tag(s) no anonymous post names random.")
