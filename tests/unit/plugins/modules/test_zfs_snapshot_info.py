# Copyright (c) 2026 TAPPaaS contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

from ansible_collections.tappaas.platform.plugins.module_utils.zfs_parse import parse_get
from ansible_collections.tappaas.platform.plugins.modules.zfs_snapshot_info import snapshot_entries

VIEW = parse_get(
    "tank1/pg\tcreation\t1795300000\t-\n"
    "tank1/pg@2026-11-21-230000\tcreation\t1795302000\t-\n"
    "tank1/pg@2026-11-21-230000\tused\t4096\t-\n"
    "tank1/pg@2026-11-21-230000\treferenced\t114688\t-\n"
    "tank1/pg@2026-11-21-230000\torg.znapzend:dst_a\ttank2/replica/pg\tlocal\n"
    "tank1/pg@2026-11-21-230000\torg.znapzend:dst_a_synced\t1\tlocal\n"
    "tank1/pg@2026-11-21-220000\tcreation\t1795298400\t-\n"
    "tank1/pg@2026-11-21-220000\torg.znapzend:dst_off-site\tb@h:p/pg\tlocal\n"
    "tank1/pg@2026-11-21-220000\torg.znapzend:dst_off-site_synced\t1\tlocal\n"
    "tank1/pg@2026-11-21-220000\torg.znapzend:dst_a\ttank2/replica/pg\tlocal\n"
    "tank1/pg@manual\tcreation\t1795302000\t-\n"
)


def test_snapshots_come_oldest_first_with_their_sync_markers():
    entries = snapshot_entries(VIEW)
    assert [entry["snapshot"] for entry in entries] == ["2026-11-21-220000", "2026-11-21-230000", "manual"]
    first, second, manual = entries
    # dst_a without dst_a_synced=1 is not a sync marker.
    assert first["synced_to"] == {"off-site": "b@h:p/pg"}
    assert second["synced_to"] == {"a": "tank2/replica/pg"}
    assert manual["synced_to"] == {}
    assert second["creation"] == 1795302000 and second["creation_iso"] == "2026-11-21T23:00:00Z"
    assert second["used"] == 4096 and second["referenced"] == 114688 and manual["used"] is None
    assert all(entry["dataset"] == "tank1/pg" for entry in entries)
