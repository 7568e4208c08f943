# Copyright (c) 2026 TAPPaaS contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The VM lifecycle in one call: find, create (clone or import), configure, resize, power, delete.

A VM is not a simple CRUD resource (creation is a task, disks grow through /resize, power is a state of its
own, a config change may wait for a reboot), so it gets this small orchestrator on top of the plan in
pve_vm_config.py instead of the resource engine. Check mode is decided in one place: `_write`.
"""

from __future__ import annotations

from ansible_collections.tappaas.platform.plugins.module_utils.errors import (
    ApiError,
    Conflict,
    InvalidInput,
    TappaasError,
)
from ansible_collections.tappaas.platform.plugins.module_utils.pve_props import format_bool, format_size
from ansible_collections.tappaas.platform.plugins.module_utils.pve_vm_config import (
    REDACTED,
    config_view,
    desired_config,
    macs_of,
    merged_pending,
    new_disk_wire,
    plan_update,
    public_config,
    shown,
    waits_for_reboot,
    wire_value,
)
from ansible_collections.tappaas.platform.plugins.module_utils.wait import Poll, wait_until

STATES = ("present", "started", "stopped", "restarted", "absent")
DEFAULT_TIMEOUTS = {
    "create": 600,
    "clone": 900,
    "config": 120,
    "resize": 120,
    "start": 180,
    "stop": 300,
    "delete": 300,
    "migrate": 900,
}
CLOUD_INIT_KEYS = ("ciuser", "cipassword", "sshkeys", "nameserver", "searchdomain", "citype")
NEXTID_ATTEMPTS = 3


class VmResult:
    def __init__(self, changed, vmid=None, node=None, status=None, config=None, reboot_required=False, **extra):
        self.values = dict(
            changed=changed,
            vmid=vmid,
            node=node,
            status=status,
            config=config or {},
            macs=macs_of(config or {}),
            reboot_required=reboot_required,
        )
        self.values.update(extra)

    def as_module_result(self):
        return dict(self.values)


def find_vm(vms, vmid=None, name=None):
    """The one guest with this vmid, or else the one named so anywhere in the cluster (HA moves guests)."""
    if vmid is not None:
        for vm in vms:
            if int(vm["vmid"]) == int(vmid):
                return vm
        if name:
            others = [vm for vm in vms if vm.get("name") == name and not vm.get("template")]
            if others:
                raise InvalidInput(
                    "vmid", f"VM {vmid} does not exist but {name!r} does, as VM {others[0]['vmid']}; fix vmid or name"
                )
        return None
    named = [vm for vm in vms if vm.get("name") == name]
    if len(named) > 1:
        vmids = ", ".join(str(vm["vmid"]) for vm in named)
        raise InvalidInput("name", f"{len(named)} guests are named {name!r} (vmids {vmids}); give vmid")
    return named[0] if named else None


def least_loaded(nodes):
    online = [node for node in nodes if node.get("status") == "online"]
    if not online:
        raise ApiError("no node of the cluster is online")

    def load(node):
        memory = float(node.get("mem") or 0) / float(node.get("maxmem") or 1)
        return (memory + float(node.get("cpu") or 0), node["node"])

    return min(online, key=load)["node"]


class VmOrchestrator:
    def __init__(self, client, check_mode=False):
        self.client = client
        self.check_mode = check_mode
        self.actions = []

    # The single place where check mode is decided.
    def _write(self, what, operation, *args, **kwargs):
        self.actions.append(what)
        if self.check_mode:
            return None
        return operation(*args, **kwargs)

    def ensure(self, spec):
        state = spec.get("state") or "present"
        if state not in STATES:
            raise InvalidInput("state", f"must be one of {', '.join(STATES)}, got {state!r}")
        if spec.get("vmid") is None and not spec.get("name"):
            raise InvalidInput("name", "give vmid or name to identify the VM")
        timeouts = dict(DEFAULT_TIMEOUTS)
        timeouts.update({key: value for key, value in (spec.get("timeouts") or {}).items() if value is not None})
        self.timeouts = timeouts
        wanted = {} if state == "absent" else desired_config(spec)  # every input error before any call
        resources = self.client.resources()
        vms = [item for item in resources if item.get("type") == "qemu"]
        nodes = [item for item in resources if item.get("type") == "node"]
        found = find_vm(vms, spec.get("vmid"), spec.get("name"))
        if state == "absent":
            return self._absent(found)
        if found is not None and found.get("template"):
            raise InvalidInput("vmid", f"VM {found['vmid']} is a template; clone it with the clone option")
        if found is None:
            return self._create(spec, wanted, vms, nodes)
        return self._converge(spec, wanted, found, created=None)

    # ------------------------------------------------------------------------------------------------ absent

    def _absent(self, found):
        if found is None:
            return VmResult(False, status="absent", diff={"before": {}, "after": {}})
        node, vmid = found["node"], int(found["vmid"])
        path = f"nodes/{node}/qemu/{vmid}"
        if found.get("status") == "running":
            self._write("stop", self.client.run_task, "post", path + "/status/stop", self.timeouts["stop"], "stop")
        self._write(
            "delete",
            self.client.run_task,
            "delete",
            path,
            self.timeouts["delete"],
            f"destroy VM {vmid}",
            purge=1,
            **{"destroy-unreferenced-disks": 1},
        )
        before = {"vmid": vmid, "name": found.get("name"), "node": node, "status": found.get("status")}
        return VmResult(
            True, vmid=vmid, node=node, status="absent", diff={"before": before, "after": {}}, actions=self.actions
        )

    # ------------------------------------------------------------------------------------------------ create

    def _placement(self, spec, nodes, source):
        by_name = {node["node"]: node for node in nodes}
        wanted = spec.get("node")
        if wanted:
            if wanted not in by_name:
                raise InvalidInput("node", f"{wanted!r} is not a node of this cluster ({', '.join(sorted(by_name))})")
            if by_name[wanted].get("status") != "online":
                raise ApiError(f"node {wanted!r} is {by_name[wanted].get('status') or 'not online'}; cannot place VM")
            return wanted
        if source is not None:
            return source["node"]  # a clone of a template on local storage can only land beside it
        return least_loaded(nodes)

    def _source(self, spec, vms):
        clone = spec.get("clone")
        if clone is None:
            return None
        text = str(clone)
        source = find_vm(vms, int(text)) if text.isdigit() else find_vm(vms, name=text)
        if source is None:
            raise InvalidInput("clone", f"no VM or template {clone!r} in the cluster")
        return source

    def _create(self, spec, wanted, vms, nodes):
        source = self._source(spec, vms)
        node = self._placement(spec, nodes, source)
        migrate = source is not None and node != source["node"]
        if migrate and spec.get("full") is False:
            raise InvalidInput(
                "full",
                f"a linked clone stays on its template's node {source['node']!r}; use full: true to place it on "
                f"{node!r}",
            )
        vmid = spec.get("vmid")
        if vmid is None:
            vmid = self.client.next_vmid()
        after = {key: shown(key, value) for key, value in sorted(wanted.items())}
        if spec.get("cipassword") is not None:
            after["cipassword"] = REDACTED
        if self.check_mode:
            self.actions.extend(["clone", "migrate"] if migrate else ["clone" if source else "create"])
            self.actions.append("configure")
            status = "running" if spec["state"] in ("started", "restarted") else "stopped"
            return VmResult(
                True,
                vmid=vmid,
                node=node,
                status=status,
                config=after,
                diff={"before": {}, "after": after},
                actions=self.actions,
            )
        vmid = self._create_with_free_vmid(spec, wanted, source, node, vmid)
        try:
            found = {"vmid": vmid, "node": node, "status": "stopped", "name": spec.get("name")}
            result = self._converge(spec, wanted, found, created="clone" if source else "create")
        except TappaasError as exc:
            raise self._cleanup(vmid, node, exc) from exc
        result.values["diff"] = {"before": {}, "after": after}
        return result

    def _create_with_free_vmid(self, spec, wanted, source, node, vmid):
        """Create or clone; parallel runs may take the same free vmid, so an automatic one is tried again."""
        for attempt in range(NEXTID_ATTEMPTS):
            try:
                if source is not None:
                    self._clone(spec, source, node, vmid)
                else:
                    self._create_new(spec, wanted, node, vmid)
                return vmid
            except Conflict:
                if spec.get("vmid") is not None or attempt == NEXTID_ATTEMPTS - 1:
                    raise
                vmid = self.client.next_vmid()
            except TappaasError as exc:
                raise self._cleanup(vmid, node, exc) from exc
        return vmid  # not reached

    def _clone(self, spec, source, node, vmid):
        """Clone beside the template; for another node, a full clone that then migrates offline with its disks.

        PVE clones straight onto another node only from shared storage, and TAPPaaS keeps templates on local
        ZFS tanks, so one path works for both: it never depends on how the template's storage is shared.
        """
        elsewhere = node != source["node"]
        params = {"newid": vmid, "name": spec.get("name"), "pool": spec.get("pool")}
        full = True if elsewhere else spec.get("full")
        if full is not None:
            params["full"] = format_bool(full)
            if full and spec.get("storage"):
                params["storage"] = spec["storage"]
        path = f"nodes/{source['node']}/qemu/{int(source['vmid'])}/clone"
        self._write(
            "clone", self.client.run_task, "post", path, self.timeouts["clone"], f"clone to VM {vmid}", **params
        )
        if elsewhere:
            self._write(
                "migrate",
                self.client.run_task,
                "post",
                f"nodes/{source['node']}/qemu/{vmid}/migrate",
                self.timeouts["migrate"],
                f"migrate VM {vmid} to {node}",
                target=node,
            )

    def _create_new(self, spec, wanted, node, vmid):
        params = {"vmid": vmid, "pool": spec.get("pool")}
        for key, value in wanted.items():
            if key.startswith(("scsi", "virtio", "sata", "ide")) and isinstance(value, dict):
                params[key] = new_disk_wire(key, value, spec.get("storage"))
            else:
                params[key] = wire_value(key, value)
        if spec.get("efidisk"):
            params["efidisk0"] = self._efidisk_wire(spec)
        if spec.get("cipassword") is not None:
            params["cipassword"] = spec["cipassword"]
        if any(spec.get(key) is not None for key in CLOUD_INIT_KEYS) or spec.get("ipconfig"):
            drive = spec.get("cloudinit_drive") or "ide2"
            storage = spec.get("cloudinit_storage") or spec.get("storage")
            if not storage:
                raise InvalidInput("cloudinit_storage", "is required for cloud-init options on a new VM (or storage)")
            params.setdefault(drive, f"{storage}:cloudinit")
        self._write(
            "create",
            self.client.run_task,
            "post",
            f"nodes/{node}/qemu",
            self.timeouts["create"],
            f"create VM {vmid}",
            **params,
        )

    @staticmethod
    def _efidisk_wire(spec):
        efidisk = spec.get("efidisk") or {}
        storage = efidisk.get("storage") or spec.get("storage")
        if not storage:
            raise InvalidInput("efidisk.storage", "is required to add an EFI disk")
        options = {"efitype": efidisk.get("efitype") or "4m"}
        if efidisk.get("pre_enrolled_keys") is not None:
            options["pre-enrolled-keys"] = format_bool(efidisk["pre_enrolled_keys"])
        return f"{storage}:1," + ",".join(f"{key}={value}" for key, value in options.items())

    def _cleanup(self, vmid, node, error):
        """Remove a VM this run made before it failed, so nothing half-made stays; say what happened."""
        try:
            vms = [item for item in self.client.resources("vm") if int(item.get("vmid", -1)) == int(vmid)]
            if vms:
                self.client.run_task(
                    "delete",
                    f"nodes/{vms[0]['node']}/qemu/{vmid}",
                    self.timeouts["delete"],
                    f"remove half-made VM {vmid}",
                    purge=1,
                    **{"destroy-unreferenced-disks": 1},
                )
                note = f"; the half-made VM {vmid} was removed again"
            else:
                note = f"; no VM {vmid} was left behind"
        except TappaasError as cleanup_error:
            note = f"; VM {vmid} on {node} may be half-made and could not be removed: {cleanup_error}"
        if isinstance(error, ApiError):
            return ApiError(error.message + note, status=error.status, method=error.method, url=error.url)
        return ApiError(str(error) + note)

    # ------------------------------------------------------------------------------------------------ converge

    def _converge(self, spec, wanted, found, created):
        node, vmid = found["node"], int(found["vmid"])
        path = f"nodes/{node}/qemu/{vmid}"
        entries = self.client.get(path + "/pending")
        config, waiting = merged_pending(entries)
        digest = next((entry.get("value") for entry in entries or [] if entry.get("key") == "digest"), None)
        view = config_view(config)
        send_password = spec.get("cipassword") is not None and (
            created == "clone" or (created is None and spec.get("update_password") == "always")
        )
        prefixes = [prefix for prefix, option in (("net", "nics"), ("ipconfig", "ipconfig")) if spec.get(option)]
        plan = plan_update(
            view,
            wanted,
            managed_prefixes=prefixes,
            password=spec["cipassword"] if send_password else None,
            default_storage=spec.get("storage"),
            efidisk=self._efidisk_wire(spec) if spec.get("efidisk") else None,
        )
        if plan.changes or plan.deletes:
            params = dict(plan.changes)
            if plan.deletes:
                params["delete"] = ",".join(plan.deletes)
            if digest:
                params["digest"] = digest
            self._write(
                "configure",
                self.client.run_task,
                "post",
                path + "/config",
                self.timeouts["config"],
                "configure",
                **params,
            )
        for slot, size in plan.resizes:
            self._write(
                f"resize {slot}",
                self.client.run_task,
                "put",
                path + "/resize",
                self.timeouts["resize"],
                f"resize {slot}",
                disk=slot,
                size=format_size(size),
            )
        moved = self._join_pool(spec, found, created, plan)
        status = found.get("status") or "stopped"
        powered = self._power(spec["state"], status, path)
        if powered is not None and found.get("hastate") and not self.check_mode:
            self._await_ha(path, powered)
        final_status = powered or status
        after_view = dict(view)
        for key, value in plan.targets.items():
            if value is None:
                after_view.pop(key, None)
            else:
                after_view[key] = value
        reboot_required = self._reboot_required(
            plan, waiting, final_status, powered, path, created, config.get("hotplug")
        )
        changed = plan.changed or moved or powered is not None or created is not None
        result = VmResult(
            changed,
            vmid=vmid,
            node=node,
            status=final_status,
            config=public_config(after_view),
            reboot_required=reboot_required,
            diff={"before": plan.before, "after": plan.after},
            changed_keys=plan.changed_keys(),
            actions=self.actions,
        )
        if created is None and not plan.changed and not moved and powered is None:
            result.values["actions"] = []
        return result

    def _join_pool(self, spec, found, created, plan):
        """Move an existing VM into the pool the spec names. Membership lives in the pool, not in the VM's config,
        so /cluster/resources (already read) says where it is and one PUT moves it; a VM is never taken out of a
        pool just because the spec names none."""
        wanted, current = spec.get("pool"), found.get("pool")
        if created is not None or not wanted or wanted == current:
            return False
        params = {"vms": str(found["vmid"])}
        if current:
            params["allow-move"] = 1
        self._write("pool " + wanted, self.client.put, "pools/" + wanted, **params)
        plan.before["pool"], plan.after["pool"] = current, wanted
        return True

    def _power(self, state, status, path):
        """Start, stop or restart as the state asks; the status after, or None when nothing was done."""
        running = status == "running"
        if state == "started" and not running:
            self._write("start", self.client.run_task, "post", path + "/status/start", self.timeouts["start"], "start")
            return "running"
        if state == "stopped" and running:
            self._write(
                "shutdown",
                self.client.run_task,
                "post",
                path + "/status/shutdown",
                self.timeouts["stop"],
                "shutdown",
                forceStop=1,
                timeout=self.timeouts["stop"],
            )
            return "stopped"
        if state == "restarted":
            action = "reboot" if running else "start"
            self._write(action, self.client.run_task, "post", f"{path}/status/{action}", self.timeouts["start"], action)
            return "running"
        return None

    def _await_ha(self, path, wanted):
        """HA-managed guests get hastart/hastop tasks that end before the guest changes; wait for the guest."""

        def check():
            status = (self.client.get(path + "/status/current") or {}).get("status")
            return Poll(status == wanted, f"the HA manager has the VM {status}")

        wait_until(check, self.timeouts["start" if wanted == "running" else "stop"], what=f"the VM to be {wanted}")

    def _reboot_required(self, plan, waiting, status, powered, path, created, hotplug):
        """Whether config changes wait for a reboot: read back after a write, predicted in check mode."""
        if status != "running" or powered is not None or created is not None:
            return False  # a stopped VM takes its config at the next start; a fresh start took it already
        if not plan.changed:
            return bool(waiting)
        if self.check_mode:
            # A resize is always live (block_resize); config keys follow PVE's hotplug rules.
            cold = [key for key in list(plan.changes) + plan.deletes if waits_for_reboot(key, hotplug)]
            return bool(waiting or cold)
        _config, waiting_now = merged_pending(self.client.get(path + "/pending"))
        return bool(waiting_now)
