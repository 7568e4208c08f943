# Copyright (c) 2026 TAPPaaS contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Check that every API module is in its platform's action group and documents it.

    python tools/check_action_groups.py [collection_root]

The convention (see plugins/module_utils/ansible_base.py): an API module builds its AnsibleModule with
`create_module("<platform>", ...)`, the platform a string literal. Such a module must

  * be listed in meta/runtime.yml under action_groups.<platform>, and
  * extend the doc fragments tappaas.platform.<platform> and tappaas.platform.attributes.actiongroup_<platform>.

A group entry naming a module that does not exist, or one that uses another platform (or none), is an error too.
Modules are found by parsing, never by importing, so the check needs no Ansible. Exits 1 listing every problem.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import yaml

COLLECTION = "tappaas.platform"
PLATFORMS = ("proxmox", "opnsense", "authentik", "pbs")
FACTORY = "create_module"


class ModuleInfo:
    def __init__(self, name, path):
        self.name = name
        self.path = path
        self.platforms = set()
        self.fragments = []
        self.problems = []


def _call_name(func):
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return None


def _platform_argument(call):
    if call.args:
        return call.args[0]
    for keyword in call.keywords:
        if keyword.arg == "platform":
            return keyword.value
    return None


def _platforms_used(tree, info):
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and _call_name(node.func) == FACTORY):
            continue
        argument = _platform_argument(node)
        if not (isinstance(argument, ast.Constant) and isinstance(argument.value, str)):
            info.problems.append(f"line {node.lineno}: {FACTORY}() must name its platform as a string literal")
        elif argument.value not in PLATFORMS:
            info.problems.append(f"line {node.lineno}: unknown platform {argument.value!r}")
        else:
            info.platforms.add(argument.value)


def _documentation(tree):
    for node in tree.body:
        if not isinstance(node, ast.Assign):
            continue
        names = [target.id for target in node.targets if isinstance(target, ast.Name)]
        if "DOCUMENTATION" in names and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str):
            return node.value.value
    return None


def _fragments(documentation, info):
    try:
        doc = yaml.safe_load(documentation) or {}
    except yaml.YAMLError as exc:
        info.problems.append(f"DOCUMENTATION is not valid YAML: {exc}")
        return []
    if not isinstance(doc, dict):
        info.problems.append("DOCUMENTATION is not a mapping")
        return []
    fragments = doc.get("extends_documentation_fragment") or []
    if isinstance(fragments, str):
        fragments = fragments.split(",")
    return [str(fragment).strip() for fragment in fragments]


def _required_fragments(platform):
    return (f"{COLLECTION}.{platform}", f"{COLLECTION}.attributes.actiongroup_{platform}")


def _same_fragment(left, right):
    # Ansible upper-cases the variable part of a fragment name, so the suffix is case-insensitive.
    return left.lower() == right.lower()


def inspect_module(path):
    info = ModuleInfo(path.stem, path)
    try:
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    except (SyntaxError, UnicodeDecodeError) as exc:
        info.problems.append(f"cannot parse: {exc}")
        return info
    _platforms_used(tree, info)
    if len(info.platforms) > 1:
        info.problems.append(f"uses more than one platform: {', '.join(sorted(info.platforms))}")
    documentation = _documentation(tree)
    if info.platforms and documentation is None:
        info.problems.append("has no DOCUMENTATION string")
    elif documentation is not None:
        # Broken docs of a module without a platform are sanity's business, not this check's.
        scratch = ModuleInfo(info.name, path)
        info.fragments = _fragments(documentation, scratch if not info.platforms else info)
    return info


def _group_members(runtime, problems):
    groups = (runtime or {}).get("action_groups") or {}
    if not isinstance(groups, dict):
        problems.append("meta/runtime.yml: action_groups must be a mapping")
        return {}
    members = {}
    for group, entries in groups.items():
        names = []
        for entry in entries or []:
            if not isinstance(entry, str):
                continue  # a metadata entry such as {metadata: {extend_group: [...]}}
            if entry.startswith(COLLECTION + "."):
                names.append(entry[len(COLLECTION) + 1 :])
            elif "." not in entry:
                names.append(entry)
        members[group] = names
    return members


def _check_module(info, members, problems):
    where = f"plugins/modules/{info.path.name}"
    problems.extend(f"{where}: {problem}" for problem in info.problems)
    for platform in sorted(info.platforms):
        if platform not in members:
            problems.append(f"{where}: uses {platform}, but meta/runtime.yml has no action group {platform}")
        elif info.name not in members[platform]:
            problems.append(f"{where}: uses {platform}, but is not listed in meta/runtime.yml action_groups.{platform}")
        for fragment in _required_fragments(platform):
            if not any(_same_fragment(fragment, have) for have in info.fragments):
                problems.append(f"{where}: uses {platform}, but does not extend the doc fragment {fragment}")
    for other in PLATFORMS:
        if other in info.platforms:
            continue
        for fragment in _required_fragments(other):
            if any(_same_fragment(fragment, have) for have in info.fragments):
                problems.append(f"{where}: extends {fragment}, but does not use {other}")


def check(root):
    """Every problem found in the collection at `root`, and how many modules were checked."""
    root = Path(root)
    problems = []
    runtime_path = root / "meta" / "runtime.yml"
    try:
        runtime = yaml.safe_load(runtime_path.read_text(encoding="utf-8"))
    except OSError as exc:
        return [f"meta/runtime.yml: cannot read: {exc}"], 0
    except yaml.YAMLError as exc:
        return [f"meta/runtime.yml: not valid YAML: {exc}"], 0
    members = _group_members(runtime, problems)

    modules = {}
    for path in sorted((root / "plugins" / "modules").glob("*.py")):
        if path.name != "__init__.py":
            modules[path.stem] = inspect_module(path)
    for info in modules.values():
        _check_module(info, members, problems)

    for group, names in sorted(members.items()):
        for name in names:
            info = modules.get(name)
            if info is None:
                missing = f"plugins/modules/{name}.py does not exist"
                problems.append(f"meta/runtime.yml: action_groups.{group} lists {name}, but {missing}")
            elif group not in info.platforms:
                uses = ", ".join(sorted(info.platforms)) or "no platform"
                problems.append(f"meta/runtime.yml: action_groups.{group} lists {name}, but {name} uses {uses}")
    return problems, len(modules)


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) > 1:
        print("usage: check_action_groups.py [collection_root]", file=sys.stderr)
        return 2
    root = Path(argv[0]) if argv else Path(__file__).resolve().parents[1]
    problems, count = check(root)
    for problem in problems:
        print(problem)
    if problems:
        print(f"action groups: {len(problems)} problem(s) in {count} modules", file=sys.stderr)
        return 1
    print(f"action groups: {count} modules checked, OK")
    return 0


if __name__ == "__main__":
    sys.exit(main())
