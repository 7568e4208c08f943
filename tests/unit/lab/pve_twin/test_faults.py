# Copyright (c) 2026 TAPPaaS contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import asyncio

import pytest

from lab.framework import LabContext
from lab.pve.faults import FaultError
from lab.pve.seed import seed_cluster
from lab.pve.server import LabPve


@pytest.fixture
def pve(tmp_path):
    twin = LabPve(LabContext(state_dir=str(tmp_path), ca=None, log=None), user="root@pam", password="x")
    seed_cluster(twin, "secret")
    return twin


def add(pve, fault):
    asyncio.run(pve.lab_faults.add(fault))


def test_request_faults_go_to_their_registry(pve):
    add(pve, {"method": "put", "path": "/config$", "status": 500, "message": "got no worker upid"})
    add(pve, {"path": "/status/start$", "task_exit": "VM 101 already running", "times": None})
    add(pve, {"path": "/clone$", "slow_task_ms": 250})
    assert pve.lab_faults.http.take("PUT", "/api2/json/nodes/tappaas1/qemu/101/config").message == (
        "got no worker upid"
    )
    assert pve.lab_faults.http.take("PUT", "/api2/json/nodes/tappaas1/qemu/101/config") is None
    task = pve.lab_faults.tasks.take("POST", "/api2/json/nodes/tappaas1/qemu/101/status/start")
    assert task.extra == {"task_exit": "VM 101 already running"}
    assert pve.lab_faults.tasks.take("POST", "/api2/json/nodes/tappaas1/qemu/9000/clone").extra == {"slow_task_ms": 250}


@pytest.mark.parametrize(
    ("fault", "word"),
    [
        ({"path": "/x", "status": 500}, "message"),
        ({"path": "/x", "status": 200, "message": "no"}, "status"),
        ({"path": "/x"}, "exactly one"),
        ({"path": "/x", "status": 500, "message": "m", "task_exit": "t"}, "exactly one"),
        ({"path": "("}, "regular expression"),
        ({"slow_task_ms": -1}, "slow_task_ms"),
        ({"node_offline": "pve9"}, "node_offline"),
        ({"quorum": "no"}, "quorum"),
        ({"vm_lock": 4242}, "vm_lock"),
        ({"bogus": 1}, "path"),
    ],
)
def test_faults_the_twin_cannot_take_name_the_wrong_key(pve, fault, word):
    with pytest.raises(FaultError, match=word):
        add(pve, fault)


def test_cluster_faults_map_onto_fakepve_and_clear_restores_them(pve):
    add(pve, {"node_offline": "tappaas2"})
    add(pve, {"quorum": False})
    add(pve, {"slow_task_ms": 100})
    state = pve.lab_faults.describe()
    assert state["offline_nodes"] == ["tappaas2"] and state["quorate"] is False and state["slow_task_ms"] == 100
    assert pve.nodes["tappaas2"]["online"] is False and not pve.quorate
    pve.lab_faults.clear()
    assert pve.nodes["tappaas2"]["online"] is True and pve.quorate and pve.lab_faults.slow_task_ms == 0
