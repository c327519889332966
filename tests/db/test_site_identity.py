"""Each app process keeps the site's name in memory: another process's change reaches it
within one refresh, and the pages it cached with the old name are dropped. On both
databases."""

from __future__ import annotations

import asyncio

from forum.models.site import SiteSetting
from forum.queries.site import SiteIdentity, SiteIdentityHolder, keep_identity_fresh


async def test_a_name_saved_elsewhere_is_read_within_one_refresh_and_drops_cached_pages(db):
    holder = SiteIdentityHolder()
    assert await holder.refresh() is False  # nothing saved: the defaults stand
    assert holder.current == SiteIdentity.defaults()
    dropped = asyncio.Event()
    task = asyncio.create_task(keep_identity_fresh(holder, dropped.set, every=0.05))
    try:
        await asyncio.sleep(0.12)
        assert not dropped.is_set()  # nothing changed: the cache is left alone
        # Another process saves a new name.
        await SiteSetting.create(key="name", value="Harbour")
        await asyncio.wait_for(dropped.wait(), timeout=5)
        assert holder.current.name == "Harbour"
        assert holder.current.description == SiteIdentity.defaults().description
    finally:
        task.cancel()
