# Copyright (c) 2026 TAPPaaS contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import pytest

from ansible_collections.tappaas.platform.plugins.module_utils.zfs_parse import (
    ParseError,
    parse_get,
    parse_size,
    parse_zpool_get,
    parse_zpool_import_listing,
    parse_zpool_list,
    parse_zpool_status_config,
)


@pytest.mark.parametrize(
    ("text", "size"),
    [
        ("10G", 10737418240),
        ("10g", 10737418240),
        ("10GiB", 10737418240),
        ("10737418240", 10737418240),
        (10737418240, 10737418240),
        ("512", 512),
        ("16K", 16384),
        ("1.5T", 1649267441664),
        ("250M", 262144000),
        ("0", 0),
        ("1E", 1 << 60),
    ],
)
def test_sizes_are_bytes_with_binary_units(text, size):
    assert parse_size(text) == size


@pytest.mark.parametrize("text", ["ten", "10X", "", "G", "-1G", True])
def test_what_is_not_a_size_is_refused(text):
    with pytest.raises(ParseError):
        parse_size(text)


ZFS_GET = (
    "tank1/a\ttype\tfilesystem\t-\n"
    "tank1/a\tquota\t10485760\tlocal\n"
    "tank1/a\tmountpoint\tnone\tinherited from tank1\n"
    "tank1/a\tcompression\toff\tdefault\n"
    "tank1/a\torg.znapzend:src_plan\t7days=>1hours\treceived\n"
    "tank1/a@s1\torg.znapzend:dst_a_synced\t1\tlocal\n"
    "tank1/a\tmy:note\ta\tvalue with a tab\tlocal\n"
)


def test_zfs_get_keeps_value_and_source_per_dataset():
    parsed = parse_get(ZFS_GET)
    assert parsed["tank1/a"]["quota"] == ("10485760", "local")
    assert parsed["tank1/a"]["mountpoint"] == ("none", "inherited from tank1")
    assert parsed["tank1/a"]["compression"] == ("off", "default")
    assert parsed["tank1/a"]["type"] == ("filesystem", "-")
    assert parsed["tank1/a"]["org.znapzend:src_plan"] == ("7days=>1hours", "received")
    assert parsed["tank1/a@s1"] == {"org.znapzend:dst_a_synced": ("1", "local")}
    assert parsed["tank1/a"]["my:note"] == ("a\tvalue with a tab", "local")


def test_zfs_get_refuses_a_short_line():
    with pytest.raises(ParseError):
        parse_get("tank1\tquota\t0\n")


STATUS = """  pool: tank1
 state: ONLINE
 scrub: none requested
config:

\tNAME            STATE     READ WRITE CKSUM
\ttank1           ONLINE       0     0     0
\t  mirror-0      ONLINE       0     0     0
\t    /tmp/zx/d1  ONLINE       0     0     0
\t    /tmp/zx/d2  ONLINE       0     0     0
\t  mirror-1      ONLINE       0     0     0
\t    /tmp/zx/d3  ONLINE       0     0     0
\t    /tmp/zx/d4  ONLINE       0     0     0

errors: No known data errors

  pool: tank2
 state: DEGRADED
config:

\tNAME                          STATE     READ WRITE CKSUM
\ttank2                         DEGRADED     0     0     0
\t  raidz2-0                    DEGRADED     0     0     0
\t    ata-A                     ONLINE       0     0     0
\t    replacing-1               DEGRADED     0     0     0
\t      ata-B                   OFFLINE      0     0     0
\t      ata-C                   ONLINE       0     0     0
\t    ata-D                     ONLINE       0     0     0
\t  ata-E                       ONLINE       0     0     0
\tlogs
\t  nvme-L                      ONLINE       0     0     0
\tcache
\t  nvme-C                      ONLINE       0     0     0

errors: No known data errors
"""


def test_zpool_status_gives_the_data_vdevs_of_the_named_pool():
    assert parse_zpool_status_config(STATUS, "tank1") == {
        "vdevs": [
            {"type": "mirror", "disks": ["/tmp/zx/d1", "/tmp/zx/d2"]},
            {"type": "mirror", "disks": ["/tmp/zx/d3", "/tmp/zx/d4"]},
        ],
        "special": {},
    }


def test_zpool_status_keeps_logs_and_cache_apart_and_walks_into_replacing():
    parsed = parse_zpool_status_config(STATUS, "tank2")
    assert parsed["vdevs"] == [
        {"type": "raidz2", "disks": ["ata-A", "ata-B", "ata-C", "ata-D"]},
        {"type": "disk", "disks": ["ata-E"]},
    ]
    assert parsed["special"] == {
        "logs": [{"type": "disk", "disks": ["nvme-L"]}],
        "cache": [{"type": "disk", "disks": ["nvme-C"]}],
    }


def test_old_raidz_name_is_raidz1():
    status = "  pool: p\nconfig:\n\n\tNAME STATE\n\tp ONLINE\n\t  raidz-0 ONLINE\n\t    a ONLINE\n\t    b ONLINE\n"
    assert parse_zpool_status_config(status, "p")["vdevs"] == [{"type": "raidz1", "disks": ["a", "b"]}]


def test_zpool_status_of_another_pool_is_an_error():
    with pytest.raises(ParseError):
        parse_zpool_status_config(STATUS, "tank3")


def test_zpool_list_accepts_human_and_parsable_sizes():
    human = parse_zpool_list("tank1\t250M\t556K\t249M\t0%\tONLINE\t-\n")
    exact = parse_zpool_list("tank1\t262144000\t569344\t261095424\t0\tONLINE\t/mnt\n")
    assert human["tank1"]["size"] == exact["tank1"]["size"] == 262144000
    assert human["tank1"]["free"] == 261095424
    assert human["tank1"]["altroot"] is None
    assert exact["tank1"]["altroot"] == "/mnt"
    assert exact["tank1"]["health"] == "ONLINE"


def test_zpool_get_reads_the_header_form_and_the_tab_form():
    header = "NAME  PROPERTY  VALUE   SOURCE\ntank1  ashift    9       local\ntank1  size      752M    -\n"
    assert parse_zpool_get(header) == {"tank1": {"ashift": ("9", "local"), "size": ("752M", "-")}}
    assert parse_zpool_get("tank1\tautotrim\ton\tlocal\n") == {"tank1": {"autotrim": ("on", "local")}}


def test_zpool_import_listing():
    listing = (
        "   pool: tank1\n     id: 9021035687407278270\n  state: ONLINE\n action: The pool can be imported.\n"
        "config:\n\n\ttank1 ONLINE\n\n   pool: old\n     id: 1\n  state: UNAVAIL\n"
    )
    assert parse_zpool_import_listing(listing) == {"tank1": "ONLINE", "old": "UNAVAIL"}
