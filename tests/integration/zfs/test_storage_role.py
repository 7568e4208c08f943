# Copyright (c) 2026 TAPPaaS contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The storage role through playbooks/storage.yml: its ZFS part on zfs-fuse, its PVE part against the PVE twin."""

from __future__ import annotations

import re
import sys

import pytest
import yaml

PLAYBOOK = "playbooks/storage.yml"


def recap(output):
    """{host: {"ok": n, "changed": n, "failed": n, ...}} from the PLAY RECAP."""
    hosts = {}
    for host, counts in re.findall(r"^(\S+)\s+:\s+(ok=.*)$", output, re.MULTILINE):
        hosts[host] = dict((key, int(value)) for key, value in re.findall(r"(\w+)=(\d+)", counts))
    return hosts


def write_inventory(path, tanks, modules, **role_vars):
    inventory = {
        "all": {
            "children": {
                "tappaas_nodes": {
                    "hosts": dict((node, {}) for node in sorted(tanks)),
                    "vars": {"ansible_connection": "local", "ansible_python_interpreter": sys.executable},
                }
            },
            "vars": dict({"tappaas_tanks": tanks, "tappaas_modules": modules}, **role_vars),
        }
    }
    path.write_text(yaml.safe_dump(inventory))
    return path


def lab_tanks(lab):
    def disks(node, tank, count):
        return [str(lab.workdir / ("role-%s-%s-%d" % (node, tank, index))) for index in range(count)]

    zfs_fuse_properties = {"compression": "on", "atime": "off"}  # lz4 and xattr=sa need OpenZFS
    return {
        node: {
            "tank1": {
                "pool": "%s-%s-tank1" % (lab.prefix, node),
                "purpose": "vm_disks",
                "topology": "mirror",
                "disks": disks(node, "tank1", 2),
                "properties": zfs_fuse_properties,
            },
            "tank2": {
                "pool": "%s-%s-tank2" % (lab.prefix, node),
                "purpose": purpose,
                "topology": "single",
                "disks": disks(node, "tank2", 1),
                "properties": zfs_fuse_properties,
            },
        }
        for node, purpose in (("tappaas1", "data"), ("tappaas2", "backup"))
    }


MODULES = {
    "postgresql": {"node": "tappaas1", "backup": {"datasets": ["tank1/data/postgresql"], "znapzend_plan": "7d=>1h"}},
    "nextcloud": {"node": "tappaas2", "backup": {"datasets": ["tank2/replica/nextcloud"]}},
    "retired": {"node": "tappaas1", "state": "absent", "backup": {"datasets": ["tank1/data/retired"]}},
}


def test_storage_role_builds_the_tanks_on_zfs_fuse(zfs_lab, run_playbook, tmp_path):
    tanks = lab_tanks(zfs_lab)
    for node in tanks.values():
        for tank in node.values():
            zfs_lab.pools.append(tank["pool"])  # torn down with the session
    inventory = write_inventory(
        tmp_path / "inventory.yml",
        tanks,
        MODULES,
        storage_register_pve=False,
        storage_create_sparse_disks=True,
        storage_pool_mountpoint="none",
        storage_pool_options={"cachefile": "none"},
        storage_import_dirs=[str(zfs_lab.workdir)],
    )
    checked = run_playbook(PLAYBOOK, inventory, "--check")
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert all(counts["changed"] > 0 for counts in recap(checked.stdout).values())
    assert zfs_lab.zpool("list", tanks["tappaas1"]["tank1"]["pool"], check=False).returncode != 0

    applied = run_playbook(PLAYBOOK, inventory)
    assert applied.returncode == 0, applied.stdout + applied.stderr
    pool1 = tanks["tappaas1"]["tank1"]["pool"]
    expected = [
        pool1 + "/data",
        pool1 + "/data/postgresql",
        tanks["tappaas1"]["tank2"]["pool"] + "/data",
        tanks["tappaas1"]["tank2"]["pool"] + "/replica",
        tanks["tappaas2"]["tank1"]["pool"] + "/data",
        tanks["tappaas2"]["tank2"]["pool"] + "/backup",
        tanks["tappaas2"]["tank2"]["pool"] + "/replica/nextcloud",
    ]
    for dataset in expected:
        assert zfs_lab.zfs("list", dataset, check=False).returncode == 0, dataset
    assert zfs_lab.zfs("list", pool1 + "/data/retired", check=False).returncode != 0
    assert zfs_lab.zpool("status", pool1).stdout.count("mirror-0") == 1
    assert zfs_lab.prop(pool1, "compression") == ("on", "local")
    histories = dict(
        (pool, zfs_lab.history(pool)) for node in tanks.values() for pool in (t["pool"] for t in node.values())
    )

    again = run_playbook(PLAYBOOK, inventory)
    assert again.returncode == 0, again.stdout + again.stderr
    assert all(counts["changed"] == 0 for counts in recap(again.stdout).values()), again.stdout
    for pool, history in histories.items():
        assert zfs_lab.history(pool) == history, "the second run changed %s" % pool

    checked_again = run_playbook(PLAYBOOK, inventory, "--check")
    assert checked_again.returncode == 0
    assert all(counts["changed"] == 0 for counts in recap(checked_again.stdout).values())


def test_storage_role_exports_the_protected_datasets(run_playbook, tmp_path):
    tanks = {"tappaas1": {"tank1": {"pool": "site-tank1", "topology": "mirror", "disks": ["a", "b"]}}}
    inventory = write_inventory(
        tmp_path / "inventory.yml", tanks, MODULES, storage_manage_zfs=False, storage_register_pve=False
    )
    playbook = tmp_path / "export.yml"
    playbook.write_text(
        yaml.safe_dump(
            [
                {
                    "name": "Export",
                    "hosts": "tappaas_nodes",
                    "gather_facts": False,
                    "roles": [{"role": "tappaas.platform.storage"}],
                    "tasks": [{"ansible.builtin.debug": {"msg": "EXPORT={{ storage_protected_datasets | to_json }}"}}],
                }
            ]
        )
    )
    result = run_playbook(playbook, inventory)
    assert result.returncode == 0, result.stdout + result.stderr
    exported = re.search(r'"msg": "EXPORT=(.*)"', result.stdout).group(1).replace('\\"', '"')
    assert yaml.safe_load(exported) == [
        {
            "dataset": "site-tank1/data/postgresql",
            "node": "tappaas1",
            "tank": "tank1",
            "module": "postgresql",
            "plan": "7d=>1h",
        }
    ]


def test_storage_role_says_which_tank_a_module_lacks(run_playbook, tmp_path):
    tanks = {"tappaas1": {"tank1": {"topology": "mirror", "disks": ["a", "b"]}}}
    modules = {"pg": {"node": "tappaas1", "backup": {"datasets": ["tank9/pg"]}}}
    inventory = write_inventory(
        tmp_path / "inventory.yml", tanks, modules, storage_manage_zfs=False, storage_register_pve=False
    )
    result = run_playbook(PLAYBOOK, inventory)
    assert result.returncode != 0
    assert (
        "tappaas_modules.pg.backup.datasets: 'tank9/pg' is on tank tank9, which node tappaas1 does not have"
        in result.stdout
    )


def test_storage_role_registers_the_tanks_in_pve(lab, run_playbook, tmp_path, monkeypatch):
    for key, value in lab.env.items():
        monkeypatch.setenv(key, value)
    tanks = {
        "tappaas1": {
            "tank1": {"pool": "lab-n1-tank1", "topology": "mirror", "disks": ["a", "b"]},
            "tank2": {"pool": "lab-n1-tank2", "purpose": "data", "topology": "single", "disks": ["c"]},
        },
        "tappaas2": {
            "tank1": {"pool": "lab-n2-tank1", "topology": "mirror", "disks": ["a", "b"]},
            "tank2": {"pool": "lab-n2-tank2", "purpose": "backup", "topology": "single", "disks": ["c"]},
        },
    }
    inventory = write_inventory(
        tmp_path / "inventory.yml", tanks, {}, storage_manage_zfs=False, storage_pve_use_tank_names=True
    )
    mark = lab.mark()
    applied = run_playbook(PLAYBOOK, inventory)
    assert applied.returncode == 0, applied.stdout + applied.stderr
    writes = lab.writes(mark, "pve")
    assert sorted(entry["path"].rsplit("/", 1)[-1] for entry in writes) == ["tank1", "tank2"], writes

    mark = lab.mark()
    again = run_playbook(PLAYBOOK, inventory)
    assert again.returncode == 0, again.stdout + again.stderr
    assert lab.writes(mark, "pve") == [], "the second run wrote to PVE"
    assert all(counts["changed"] == 0 for counts in recap(again.stdout).values())

    conflicting = write_inventory(tmp_path / "conflict.yml", tanks, {}, storage_manage_zfs=False)
    refused = run_playbook(PLAYBOOK, conflicting)
    assert refused.returncode != 0
    assert "tank tank1 is pool lab-n1-tank1 / lab-n2-tank1 on different nodes" in refused.stdout


@pytest.mark.parametrize("missing", ["zpool"])
def test_storage_role_skips_the_node_part_visibly_without_zfs(run_playbook, tmp_path, missing):
    tanks = {"tappaas1": {"tank1": {"pool": "never-created", "topology": "mirror", "disks": ["/dev/x", "/dev/y"]}}}
    inventory = write_inventory(
        tmp_path / "inventory.yml",
        tanks,
        {},
        storage_register_pve=False,
        storage_zpool_command="/nonexistent/" + missing,
    )
    result = run_playbook(PLAYBOOK, inventory)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "SKIPPED: ZFS does not answer on tappaas1" in result.stdout
    assert "its tanks (never-created) and datasets are not created" in result.stdout
