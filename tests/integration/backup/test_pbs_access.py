# Copyright (c) 2026 TAPPaaS contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""pbs_access against the PBS twin: the least-privilege account PVE backs up with, its secret, bad input."""

from __future__ import annotations

import pytest
from proxmoxer import ProxmoxAPI
from proxmoxer.core import ResourceException

from .conftest import pve_api, wait_task

USER = "it-pve@pbs"
STORE = "acc_store"
ARGS = {
    "userid": USER,
    "comment": "PVE backups",
    "token": "pve",
    "acls": [{"path": "/datastore/%s" % STORE, "roles": ["DatastoreBackup"]}],
}


def _token_api(lab, secret):
    return ProxmoxAPI(
        lab.env["PBS_HOST"],
        port=int(lab.env["PBS_PORT"]),
        service="PBS",
        user=USER,
        token_name="pve",
        token_value=secret,
        verify_ssl=lab.env["LAB_CA"],
    )


@pytest.fixture(scope="module")
def account(backup, lab):
    assert (
        wait_task(backup.pbs, "localhost", backup.pbs.config.datastore.post(name=STORE, path="/tank2/" + STORE)) == "OK"
    )
    checked, applied, again, checked_again = backup.rhythm("pbs_access", ARGS)
    return checked, applied, again, checked_again


def test_rhythm_hands_out_the_secret_once(account, lab):
    checked, applied, again, checked_again = account
    assert "token_secret" not in checked and "token_secret" not in again and "token_secret" not in checked_again
    secret = applied["token_secret"]
    assert applied["full_tokenid"] == USER + "!pve"
    assert secret not in str(applied["diff"]) and secret not in str(again)
    # The token works, and holds nothing but DatastoreBackup: it cannot read the datastore config.
    token = _token_api(lab, secret)
    assert [user["userid"] for user in token.access.users.get()] == [USER]
    with pytest.raises(ResourceException, match="403"):
        token.config.datastore(STORE).get()


def test_user_and_token_get_exactly_the_acl(backup, account):
    entries = {(e["ugid"], e["path"], e["roleid"], e["propagate"]) for e in backup.pbs.access.acl.get()}
    mine = {entry for entry in entries if entry[0].startswith(USER)}
    assert mine == {(ugid, "/datastore/" + STORE, "DatastoreBackup", True) for ugid in (USER, USER + "!pve")}
    # PBS shows a token's secret only in the answer to the create: a read has none.
    assert "value" not in backup.pbs.access.users(USER).token("pve").get()


def test_pve_backs_up_with_the_token_and_sees_no_other_datastore(backup, lab, account):
    _checked, applied, _again, _checked_again = account
    pve = pve_api(lab)
    storage = {
        "type": "pbs",
        "server": lab.env["PBS_HOST"],
        "port": lab.env["PBS_PORT"],
        "username": applied["full_tokenid"],
        "password": applied["token_secret"],
        "fingerprint": lab.env["PBS_FINGERPRINT"],
    }
    pve.storage.post(storage="acc_pbs", datastore=STORE, **storage)
    assert (
        wait_task(backup.pbs, "localhost", backup.pbs.config.datastore.post(name="acc_other", path="/tank2/o")) == "OK"
    )
    with pytest.raises(ResourceException, match="datastore 'acc_other' does not exist"):
        pve.storage.post(storage="acc_other", datastore="acc_other", **storage)
    create = pve.nodes("tappaas3").qemu.post(vmid=4551, name="acc-vm", memory=512, scsi0="tank1:1")
    assert wait_task(pve, "tappaas3", create) == "OK"
    assert wait_task(pve, "tappaas3", pve.nodes("tappaas3").vzdump.post(vmid=4551, storage="acc_pbs")) == "OK"
    (snapshot,) = backup.pbs.admin.datastore(STORE).snapshots.get()
    assert snapshot["backup-id"] == "4551" and snapshot["owner"] == applied["full_tokenid"]
    assert wait_task(pve, "tappaas3", pve.nodes("tappaas3").qemu(4551).delete(purge=1)) == "OK"


def test_regenerate_keeps_the_acl_and_retires_the_old_secret(backup, lab, account):
    _checked, applied, _again, _checked_again = account
    mark = lab.mark()
    rotated = backup.run("pbs_access", {"userid": USER, "token": "pve", "regenerate_token": True})
    assert rotated["changed"] is True and rotated["parts"]["token"]["action"] == "regenerate", rotated
    assert len(lab.writes(mark, "pbs")) == 1
    assert rotated["token_secret"] != applied["token_secret"]
    with pytest.raises(Exception, match="401"):
        _token_api(lab, applied["token_secret"]).access.users.get()
    assert [user["userid"] for user in _token_api(lab, rotated["token_secret"]).access.users.get()] == [USER]
    assert any(e["ugid"] == USER + "!pve" for e in backup.pbs.access.acl.get())


@pytest.mark.parametrize(
    "change, field",
    [
        ({"acls": [{"path": "/datastores/x", "roles": ["DatastoreBackup"]}]}, "acls[0].path"),
        ({"acls": [{"path": "/datastore/a/1/2/3/4/5/6/7/8", "roles": ["DatastoreBackup"]}]}, "acls[0].path"),
        ({"acls": [{"path": "/datastore/x", "roles": ["DatastoreBackupp"]}]}, "acls[0].roles"),
        ({"userid": "nobody"}, "userid"),
        ({"token": None, "regenerate_token": True}, "regenerate_token"),
    ],
)
def test_bad_input_names_the_field_before_any_write(backup, lab, change, field):
    args = dict(ARGS, userid="it-bad@pbs")
    args.update(change)
    args = {key: value for key, value in args.items() if value is not None}
    mark = lab.mark()
    result = backup.run("pbs_access", args)
    assert result.get("failed") and result["field"] == field, result
    assert lab.writes(mark, "pbs") == []


def test_twin_refuses_what_pbs_refuses(backup):
    with pytest.raises(ResourceException, match="invalid acl path '/datastore/a/1/2/3/4/5/6/7/8'"):
        backup.pbs.access.acl.put(path="/datastore/a/1/2/3/4/5/6/7/8", role="DatastoreBackup", **{"auth-id": USER})
    with pytest.raises(ResourceException, match="no such API token"):
        backup.pbs.access.acl.put(path="/datastore/x", role="DatastoreBackup", **{"auth-id": USER + "!nope"})
    with pytest.raises(ResourceException, match="not defined in the enumeration"):
        backup.pbs.access.acl.put(path="/datastore/x", role="Superuser", **{"auth-id": USER})
