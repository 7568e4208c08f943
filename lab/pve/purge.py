# Copyright (c) 2026 TAPPaaS contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""``DELETE /nodes/{node}/qemu/{vmid}?purge=1`` also removes the guest from HA, replication and backup jobs.

fakepve destroys the VM; PVE's purge then cleans the cluster-wide configs that name it, once the destroy task
has succeeded.
"""

from __future__ import annotations

import asyncio

from fakepve.routing import split_list


class PurgeOnDestroy:
    """Mixin of FakePve (after the HA, replication and backup-job mixins in the MRO)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.purges = set()

    async def _qm_destroy(self, v, user):
        upid = await super()._qm_destroy(v, user)
        if v.get("purge"):
            purge = asyncio.ensure_future(self._purge_after(self.tasks[upid], int(v["vmid"])))
            self.purges.add(purge)
            purge.add_done_callback(self.purges.discard)
        return upid

    async def _purge_after(self, task, vmid):
        while task["status"] != "stopped":
            await asyncio.sleep(0.005)
        if task.get("exitstatus") == "OK":
            self.purge_guest(vmid)

    def purge_guest(self, vmid):
        for sid in ("vm:%d" % vmid, "ct:%d" % vmid):
            if sid in self.ha_resources:
                del self.ha_resources.entries[sid]
                self._ha_purge_from_rules(sid)
        for job_id in [j for j, job in self.replication_jobs.entries.items() if job.get("guest") == vmid]:
            del self.replication_jobs.entries[job_id]
        for job_id, job in list(self.backup_jobs.entries.items()):
            if "vmid" not in job:
                continue
            left = [item for item in split_list(job["vmid"]) if item != str(vmid)]
            if left:
                job["vmid"] = ",".join(left)
            else:
                del self.backup_jobs.entries[job_id]
