# Copyright (c) 2026 TAPPaaS contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The lab: twins of Proxmox VE, OPNsense, authentik and PBS on loopback, over HTTPS with a generated CA.

`python -m lab up` starts every twin listed in lab.twins.TWINS in one background process and writes
.lab/lab.env; `python -m lab down` stops it. Not part of the collection tarball (galaxy.yml build_ignore).
"""
