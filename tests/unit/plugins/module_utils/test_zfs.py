# Copyright (c) 2026 TAPPaaS contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import pytest

from ansible_collections.tappaas.platform.plugins.module_utils.zfs import (
    ZfsBusy,
    ZfsClient,
    ZfsError,
    ZfsNotFound,
    first_error_line,
)


class ScriptedRunner:
    """Answers each command from a list of (argv prefix, (rc, out, err)); records every call."""

    def __init__(self, script):
        self.script = list(script)
        self.calls = []

    def __call__(self, argv):
        self.calls.append(list(argv))
        for _index, (prefix, answer) in enumerate(self.script):
            if list(argv[: len(prefix)]) == list(prefix):
                if isinstance(answer, list):
                    # A list of answers is consumed one per call.
                    return answer.pop(0) if len(answer) > 1 else answer[0]
                return answer
        raise AssertionError("unexpected command %s" % argv)


USAGE = "invalid option 'p'\nusage:\n\tlist [-H] ...\n\nthe following properties are supported:\n"


def test_first_error_line_drops_the_usage_text():
    assert first_error_line(USAGE) == "invalid option 'p'"
    assert first_error_line("") == "(no message)"


def test_properties_of_a_missing_dataset_is_none():
    runner = ScriptedRunner([(["zfs", "get"], (1, "", "cannot open 'tank1/x': dataset does not exist\n"))])
    assert ZfsClient(runner).properties("tank1/x") is None


def test_get_asks_for_parsable_output_with_sources():
    runner = ScriptedRunner([(["zfs", "get"], (0, "tank1\tquota\t0\tdefault\n", ""))])
    assert ZfsClient(runner).properties("tank1") == {"quota": ("0", "default")}
    assert runner.calls == [["zfs", "get", "-H", "-p", "-o", "name,property,value,source", "all", "tank1"]]


def test_writes_are_recorded_and_set_takes_one_property_per_call():
    runner = ScriptedRunner([(["zfs"], (0, "", ""))])
    client = ZfsClient(runner)
    client.set("tank1/a", "quota", "1024")
    client.inherit("tank1/a", "atime")
    client.create("tank1/a/b", {"recordsize": "16384", "atime": "off"})
    assert client.writes == [
        ["zfs", "set", "quota=1024", "tank1/a"],
        ["zfs", "inherit", "atime", "tank1/a"],
        ["zfs", "create", "-p", "-o", "atime=off", "-o", "recordsize=16384", "tank1/a/b"],
    ]


def test_a_volume_is_created_with_its_size_and_sparse_flag():
    runner = ScriptedRunner([(["zfs"], (0, "", ""))])
    client = ZfsClient(runner)
    client.create("tank1/vm-100-disk-0", {"volblocksize": "16384"}, volume_size=34359738368, sparse=True)
    assert client.writes == [
        ["zfs", "create", "-p", "-s", "-V", "34359738368", "-o", "volblocksize=16384", "tank1/vm-100-disk-0"]
    ]


def test_a_busy_destroy_is_retried_within_a_bound():
    busy = (1, "", "cannot destroy 'tank1/a': dataset is busy\n")
    runner = ScriptedRunner([(["zfs", "destroy"], [busy, busy, (0, "", "")])])
    sleeps = []
    client = ZfsClient(runner, sleep=sleeps.append, busy_delay=0.1)
    client.destroy("tank1/a", recursive=True)
    assert len(runner.calls) == 3
    assert sleeps == [0.1, 0.1]


def test_a_destroy_that_stays_busy_fails_with_the_message():
    busy = (1, "", "cannot destroy 'tank1/a': dataset is busy\n")
    runner = ScriptedRunner([(["zfs", "destroy"], busy)])
    client = ZfsClient(runner, sleep=lambda _s: None, busy_retries=3)
    with pytest.raises(ZfsBusy) as raised:
        client.destroy("tank1/a")
    assert len(runner.calls) == 4
    assert "dataset is busy" in str(raised.value)


def test_a_set_that_fails_is_not_retried_and_keeps_the_zfs_message():
    runner = ScriptedRunner(
        [(["zfs", "set"], (1, "", "cannot set property for 'tank1/a': size is less than current used\n"))]
    )
    with pytest.raises(ZfsError) as raised:
        ZfsClient(runner).set("tank1/a", "quota", "1")
    assert "size is less than current used" in str(raised.value)
    assert not isinstance(raised.value, ZfsNotFound)
    assert len(runner.calls) == 1


def test_zpool_list_falls_back_when_p_is_unknown():
    runner = ScriptedRunner(
        [
            (["zpool", "list", "-H", "-p"], (2, "", "invalid option 'p'\nusage: ...")),
            (["zpool", "list", "-H", "-o"], (0, "tank1\t250M\t556K\t249M\t0%\tONLINE\t-\n", "")),
        ]
    )
    assert ZfsClient(runner).pool_list("tank1")["tank1"]["size"] == 262144000


def test_zpool_list_of_a_missing_pool_is_empty():
    runner = ScriptedRunner([(["zpool", "list"], (1, "", "cannot open 'tank9': no such pool\n"))])
    assert ZfsClient(runner).pool_list("tank9") == {}


def test_autotrim_support_is_detected_from_zpool_get():
    unsupported = ScriptedRunner(
        [(["zpool", "get"], (2, "", "bad property list: invalid property 'autotrim'\nusage:"))]
    )
    supported = ScriptedRunner([(["zpool", "get"], (1, "", "cannot open 'tank1': no such pool\n"))])
    assert ZfsClient(unsupported).pool_property_supported("autotrim", "tank1") is False
    assert ZfsClient(supported).pool_property_supported("autotrim", "tank1") is True


def test_no_importable_pool_is_an_empty_answer_on_both_implementations():
    zfs_fuse = ScriptedRunner([(["zpool", "import"], (1, "", ""))])
    openzfs = ScriptedRunner([(["zpool", "import"], (1, "", "no pools available to import\n"))])
    assert ZfsClient(zfs_fuse).importable_pools() == {}
    assert ZfsClient(openzfs).importable_pools(["/dev/disk/by-id"]) == {}
    assert openzfs.calls == [["zpool", "import", "-d", "/dev/disk/by-id"]]


def test_pool_create_puts_options_before_the_vdevs():
    runner = ScriptedRunner([(["zpool", "create"], (0, "", ""))])
    client = ZfsClient(runner)
    client.pool_create("tank1", ["mirror", "a", "b"], {"ashift": "12"}, {"compression": "lz4"}, mountpoint="none")
    assert client.writes == [
        ["zpool", "create", "-o", "ashift=12", "-O", "compression=lz4", "-m", "none", "tank1", "mirror", "a", "b"]
    ]
