# Copyright (c) 2026 TAPPaaS contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Check the execution environment (EE) definition, the build context ansible-builder makes from it, and what
ansible-builder finds when it introspects the installed collection. scripts/ee-check.sh runs the three in turn:

    python tools/check_execution_environment.py definition COLLECTION_ROOT
    python tools/check_execution_environment.py context COLLECTION_ROOT CONTEXT_DIR
    python tools/check_execution_environment.py introspection COLLECTION_ROOT INSTALLED_COPY PIP_FILE BINDEP_FILE

meta/execution-environment.yml is read two ways (see its header): as the collection's dependency metadata, with
paths from the collection root, and as a version 3 EE definition built from the root, through the link
./execution-environment.yml. Each command prints every problem it finds and exits 1 if there is any.
"""

from __future__ import annotations

import filecmp
import fnmatch
import functools
import importlib.metadata
import re
import shlex
import sys
from pathlib import Path

import yaml
from packaging.requirements import InvalidRequirement, Requirement
from packaging.specifiers import SpecifierSet
from packaging.version import Version

COLLECTION = "tappaas.platform"
DEFINITION = "meta/execution-environment.yml"
ROOT_LINK = "execution-environment.yml"
SCRIPTS = (
    "assemble",
    "check_ansible",
    "check_galaxy",
    "entrypoint",
    "install-from-bindep",
    "introspect.py",
    "pip_install",
)
# Pins that merge with other collections' lists must not conflict: lower bounds only (the Galaxy rule).
MERGE_SAFE_OPERATORS = (">=", ">", "!=")
# Provided by the EE itself; a collection that lists them breaks the build's pin.
NOT_A_COLLECTION_REQUIREMENT = ("ansible", "ansible-core", "ansible-base", "ansible-runner")
INTROSPECTION_SUFFIX = re.compile(r"\s+#\s*from collection \S+$")


class Definition:
    """meta/execution-environment.yml and the collection facts it must agree with."""

    def __init__(self, root):
        self.root = Path(root)
        self.path = self.root / DEFINITION
        with self.path.open(encoding="utf-8") as stream:
            self.raw = yaml.safe_load(stream) or {}
        self.dependencies = self.raw.get("dependencies") or {}

    @property
    def base_image(self):
        return ((self.raw.get("images") or {}).get("base_image") or {}).get("name")

    def pip_ref(self, key):
        return (self.dependencies.get(key) or {}).get("package_pip")

    @property
    def python_interpreter(self):
        return self.dependencies.get("python_interpreter") or {}

    @property
    def package_manager(self):
        return (self.raw.get("options") or {}).get("package_manager_path", "/usr/bin/dnf")

    def dependency_file(self, key):
        """The root-relative file named by dependencies.<key>, or None when the entry is not a plain path."""
        entry = self.dependencies.get(key)
        if not isinstance(entry, str) or "\n" in entry:
            return None
        return entry


def _pinned_version(ref, name):
    """'ansible-core==2.21.5' -> Version('2.21.5'); None when ref does not pin `name` to one version."""
    try:
        requirement = Requirement(ref or "")
    except InvalidRequirement:
        return None
    specifiers = list(requirement.specifier)
    if requirement.name.lower() != name or len(specifiers) != 1 or specifiers[0].operator != "==":
        return None
    return Version(specifiers[0].version)


def _requirement_lines(path):
    return [
        line.strip()
        for line in Path(path).read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.strip().startswith("#")
    ]


def _build_ignored(root, relative):
    """The galaxy.yml build_ignore pattern that keeps `relative` out of the tarball, if any."""
    galaxy = yaml.safe_load((Path(root) / "galaxy.yml").read_text(encoding="utf-8")) or {}
    parts = Path(relative).parts
    for pattern in galaxy.get("build_ignore") or []:
        prefixes = ["/".join(parts[: index + 1]) for index in range(len(parts))]
        if any(fnmatch.fnmatch(prefix, pattern) for prefix in prefixes):
            return pattern
    return None


def _dev_pin(root, name):
    """The version requirements-dev.txt pins `name` to, or None (an installed collection has no such file)."""
    path = Path(root) / "requirements-dev.txt"
    if not path.is_file():
        return None
    for line in _requirement_lines(path):
        version = _pinned_version(line.split("#", 1)[0].strip(), name)
        if version is not None:
            return version
    return None


def check_root_link(root):
    link = Path(root) / ROOT_LINK
    target = Path(root) / DEFINITION
    if not link.exists():
        return [
            f"{ROOT_LINK} is missing: `ansible-builder build` in the collection root reads it (a link to {DEFINITION})"
        ]
    if link.resolve() != target.resolve():
        return [f"{ROOT_LINK} resolves to {link.resolve()}, not {DEFINITION}: make it a link to {DEFINITION}"]
    return []


def _check_images(definition):
    image = definition.base_image
    if not image:
        return [f"{DEFINITION}: images.base_image.name is not set"]
    if ":" not in image.rsplit("/", 1)[-1]:
        return [f"{DEFINITION}: images.base_image.name {image!r} has no tag; ansible-builder requires one"]
    return []


def _check_dependency_files(definition):
    problems = []
    for key in ("python", "system"):
        relative = definition.dependency_file(key)
        where = f"{DEFINITION}: dependencies.{key}"
        if relative is None:
            problems.append(
                f"{where} must name a file relative to the collection root (ansible-builder reads an installed "
                f"collection's dependencies from there), got {definition.dependencies.get(key)!r}"
            )
            continue
        if Path(relative).is_absolute() or ".." in Path(relative).parts:
            problems.append(f"{where} {relative!r} must stay inside the collection root")
            continue
        if not (definition.root / relative).is_file():
            problems.append(f"{where} names {relative}, which does not exist in the collection root")
            continue
        pattern = _build_ignored(definition.root, relative)
        if pattern:
            problems.append(
                f"{where} names {relative}, but galaxy.yml build_ignore {pattern!r} keeps it out of the tarball"
            )
    return problems


def _check_collection_dependencies(definition):
    galaxy = yaml.safe_load((definition.root / "galaxy.yml").read_text(encoding="utf-8")) or {}
    collection_deps = galaxy.get("dependencies") or {}
    if collection_deps and not definition.dependencies.get("galaxy"):
        return [
            f"galaxy.yml depends on {', '.join(sorted(collection_deps))} but {DEFINITION} installs no collections: "
            "add them under dependencies.galaxy"
        ]
    if definition.dependencies.get("galaxy") and not collection_deps:
        return [f"{DEFINITION}: dependencies.galaxy is set, but galaxy.yml declares no collection dependencies"]
    return []


def _check_python_requirements(definition):
    relative = definition.dependency_file("python")
    if relative is None or not (definition.root / relative).is_file():
        return []
    problems = []
    for line in _requirement_lines(definition.root / relative):
        text = line.split("#", 1)[0].strip()
        try:
            requirement = Requirement(text)
        except InvalidRequirement as exc:
            problems.append(f"{relative}: {line!r} is not a valid requirement: {exc}")
            continue
        if requirement.name.lower() in NOT_A_COLLECTION_REQUIREMENT:
            problems.append(f"{relative}: {requirement.name} comes with the EE itself; do not list it")
        capped = [str(spec) for spec in requirement.specifier if spec.operator not in MERGE_SAFE_OPERATORS]
        if capped:
            problems.append(
                f"{relative}: {line!r} pins or caps the version ({', '.join(capped)}); ansible-builder merges this "
                "list with other collections' lists, so give lower bounds only"
            )
    return problems


@functools.lru_cache(maxsize=8)
def _bindep_parse_error(text):
    """bindep's own parser, which ansible-builder runs in the image; None when it accepts `text`.

    Cached: bindep compiles its grammar on every parse, about a second of CPU.
    """
    try:
        from bindep.depends import Depends  # installed with ansible-builder
    except ImportError:
        return "cannot check it: bindep is not installed (it comes with ansible-builder; make setup installs both)"
    try:
        Depends(text)
    except Exception as exc:  # bindep raises parsley's ParseError, which it does not re-export
        return f"bindep cannot parse it: {exc}"
    return None


def _check_system_requirements(definition):
    relative = definition.dependency_file("system")
    if relative is None or not (definition.root / relative).is_file():
        return []
    error = _bindep_parse_error((definition.root / relative).read_text(encoding="utf-8"))
    return [f"{relative}: {error}"] if error else []


def _check_ansible_core(definition):
    ref = definition.pip_ref("ansible_core")
    core = _pinned_version(ref, "ansible-core")
    if core is None:
        return [
            f"{DEFINITION}: dependencies.ansible_core.package_pip must pin one version (ansible-core==X), got {ref!r}"
        ]
    problems = []
    runtime = yaml.safe_load((definition.root / "meta/runtime.yml").read_text(encoding="utf-8")) or {}
    requires_ansible = runtime.get("requires_ansible")
    if requires_ansible and core not in SpecifierSet(requires_ansible):
        problems.append(
            f"{DEFINITION}: ansible-core {core} is outside meta/runtime.yml requires_ansible {requires_ansible!r}"
        )
    tested = _dev_pin(definition.root, "ansible-core")
    if tested is not None and tested != core:
        problems.append(
            f"{DEFINITION}: ansible-core {core} differs from requirements-dev.txt's ansible-core=={tested}, "
            "the version CI tests the collection with"
        )
    problems.extend(_check_interpreter(definition, core))
    return problems


def _check_interpreter(definition, core):
    interpreter = definition.python_interpreter
    package, path = interpreter.get("package_system"), interpreter.get("python_path")
    match = re.fullmatch(r"python(\d+)\.(\d+)", package or "")
    if not match:
        return [f"{DEFINITION}: dependencies.python_interpreter.package_system must be pythonX.Y, got {package!r}"]
    if not path or Path(path).name != package:
        return [f"{DEFINITION}: dependencies.python_interpreter.python_path {path!r} is not the {package} binary"]
    # ansible-core's own Requires-Python, read from the installed copy when it is the pinned version.
    try:
        installed = importlib.metadata.metadata("ansible-core")
    except importlib.metadata.PackageNotFoundError:
        return []
    if Version(installed["Version"]) != core or not installed.get("Requires-Python"):
        return []
    python = Version(f"{match.group(1)}.{match.group(2)}")
    if python not in SpecifierSet(installed["Requires-Python"]):
        return [
            f"{DEFINITION}: ansible-core {core} needs Python {installed['Requires-Python']}, but the EE installs "
            f"{package}"
        ]
    return []


def check_definition(root):
    problems = check_root_link(root)
    definition = Definition(root)
    if definition.raw.get("version") != 3:
        problems.append(
            f"{DEFINITION}: version must be 3 (the ansible-builder 3 schema), got {definition.raw.get('version')!r}"
        )
    problems.extend(_check_images(definition))
    problems.extend(_check_dependency_files(definition))
    problems.extend(_check_collection_dependencies(definition))
    problems.extend(_check_python_requirements(definition))
    problems.extend(_check_system_requirements(definition))
    problems.extend(_check_ansible_core(definition))
    if _pinned_version(definition.pip_ref("ansible_runner"), "ansible-runner") is None:
        problems.append(
            f"{DEFINITION}: dependencies.ansible_runner.package_pip must pin one version (ansible-runner==X)"
        )
    return problems


def _build_args(containerfile_text):
    """The ARG defaults at the top of the Containerfile: {'EE_BASE_IMAGE': '...', ...}."""
    args = {}
    for match in re.finditer(r'^ARG (\w+)="(.*)"$', containerfile_text, flags=re.MULTILINE):
        args.setdefault(match.group(1), match.group(2))
    return args


def check_context(root, context_dir):
    definition = Definition(root)
    context = Path(context_dir)
    containerfile = context / "Containerfile"
    if not containerfile.is_file():
        return [f"ansible-builder create wrote no Containerfile in {context}"]
    text = containerfile.read_text(encoding="utf-8")
    args = _build_args(text)
    expected_args = {
        "EE_BASE_IMAGE": definition.base_image,
        "PYCMD": definition.python_interpreter.get("python_path"),
        "PYPKG": definition.python_interpreter.get("package_system"),
        "PKGMGR": definition.package_manager,
        "ANSIBLE_INSTALL_REFS": f"{definition.pip_ref('ansible_core')} {definition.pip_ref('ansible_runner')}",
    }
    problems = [
        f"Containerfile: build arg {name} is {args.get(name)!r}, expected {value!r}"
        for name, value in expected_args.items()
        if args.get(name) != value
    ]
    if not re.search(r"^FROM \$EE_BASE_IMAGE AS base$", text, flags=re.MULTILINE):
        problems.append("Containerfile: the base stage is not built FROM $EE_BASE_IMAGE")
    if "ansible-galaxy" in text:
        problems.append("Containerfile installs collections, but the definition names none (no galaxy stage expected)")
    # The collection's files, copied into the context and fed to ansible-builder's introspection.
    for key, context_name in (("python", "requirements.txt"), ("system", "bindep.txt")):
        relative = definition.dependency_file(key)
        copied = context / "_build" / context_name
        if not copied.is_file():
            problems.append(f"context: _build/{context_name} is missing (dependencies.{key}: {relative})")
        elif relative and not filecmp.cmp(definition.root / relative, copied, shallow=False):
            problems.append(f"context: _build/{context_name} differs from the collection's {relative}")
        if f"COPY _build/{context_name} {context_name}" not in text:
            problems.append(f"Containerfile does not copy _build/{context_name} into the builder stage")
    introspect = re.search(r"^RUN \$PYCMD /output/scripts/introspect.py introspect (.*)$", text, flags=re.MULTILINE)
    introspect_args = shlex.split(introspect.group(1)) if introspect else []
    for wanted in ("--user-pip=requirements.txt", "--user-bindep=bindep.txt"):
        if wanted not in introspect_args:
            problems.append(f"Containerfile: the introspection step does not pass {wanted}")
    for script in SCRIPTS:
        if not (context / "_build" / "scripts" / script).is_file():
            problems.append(f"context: _build/scripts/{script} is missing")
    for required in ("RUN /output/scripts/check_ansible $PYCMD", "LABEL ansible-execution-environment=true"):
        if required not in text:
            problems.append(f"Containerfile: {required!r} is missing")
    for step in (definition.raw.get("additional_build_steps") or {}).get("append_final") or []:
        if step not in text:
            problems.append(f"Containerfile: additional build step {step!r} is missing")
    return problems


def _introspected(path):
    """ansible-builder's --write-pip/--write-bindep output, without its '# from collection x.y' notes."""
    if not Path(path).is_file():
        return []
    return [INTROSPECTION_SUFFIX.sub("", line) for line in _requirement_lines(path)]


def check_introspection(root, installed, pip_file, bindep_file):
    """What ansible-builder finds in the installed collection is exactly what the collection declares."""
    definition = Definition(root)
    problems = [f"installed copy: {problem}" for problem in check_root_link(installed)]
    for key, found_file in (("python", pip_file), ("system", bindep_file)):
        relative = definition.dependency_file(key)
        if relative is None:
            continue  # reported by check_definition
        declared = [line.split("  #", 1)[0].strip() for line in _requirement_lines(definition.root / relative)]
        found = _introspected(found_file)
        missing = [line for line in declared if line not in found]
        extra = [line for line in found if line not in declared]
        if missing:
            problems.append(
                f"ansible-builder introspect did not find {', '.join(missing)} from {relative} in the installed "
                f"{COLLECTION} (is {relative} in the tarball, and named by {DEFINITION}?)"
            )
        if extra:
            problems.append(f"ansible-builder introspect found {', '.join(extra)}, which {relative} does not list")
    return problems


COMMANDS = {
    "definition": (check_definition, 1),
    "context": (check_context, 2),
    "introspection": (check_introspection, 4),
}


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    if not argv or argv[0] not in COMMANDS or len(argv) - 1 != COMMANDS[argv[0]][1]:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    check = COMMANDS[argv[0]][0]
    problems = check(*argv[1:])
    for problem in problems:
        print(f"FAIL {problem}")
    if not problems:
        print(f"ok   execution environment {argv[0]}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
