"""The same export from SQLite and from PostgreSQL (``$TEST_POSTGRES_URL``; skipped when unset)."""

from __future__ import annotations

import json

from admin.export import Disclosure, ExportOptions, export_campaigns
from tests.admin.conftest import build_fixture
from tests.storage.conftest import database_url, store  # noqa: F401


async def test_the_export_is_the_same_on_both_backends(store, tmp_path):  # noqa: F811
    fixture = await build_fixture(store)
    out = tmp_path / "e.jsonl"
    options = ExportOptions(disclosure=Disclosure(k=5, enabled=True))
    result = await export_campaigns(store, [fixture.campaign_id], "jsonl", out, options)
    rows = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    assert len(rows) == result.rows["answers"] == 25
    by = {(r["organisation_id"], r["field_code"], r["category"]): r["value"] for r in rows}
    # 6 in the country and 3 abroad of 10 trained: 3 is small, and with it 6 (10 − 3 − 0)
    assert by[fixture.org_ids[0], "b01.i08.trained_where", "abroad"] == "<5"
    assert by[fixture.org_ids[0], "b01.i08.trained_where", "in_country"] == "<5"
    assert by[fixture.org_ids[0], "b01.i08.trained_where", "unknown"] == 0
    assert by[fixture.org_ids[0], "b01.i08.trained", ""] == 10
    assert by[fixture.org_ids[1], "b12.i05.social_orders_amount", ""] == 1234567.5
    assert result.counts.primary >= 1 and result.counts.secondary >= 1
    cover = {
        r["key"]: r["value"]
        for r in map(json.loads, (tmp_path / "e-cover.jsonl").read_text().splitlines())
    }
    assert cover["suppressed_primary"] >= 1 and "<5" in cover["suppression"]
