# Development entry points for the tappaas.platform collection. `make help` lists them.
#
# Collection-aware steps (unit, sanity, ansible-lint, build, integration, molecule) run in a
# staged copy under .build/collections/ansible_collections/tappaas/platform: ansible-test only
# runs from such a path, and the tools' own state (tests/output, .ansible, caches) stays out of
# the repository. The stage is refreshed at the start of each of those steps.

SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help
# The steps of `make test` share the stage and must run one after the other.
.NOTPARALLEL:

ROOT := $(abspath $(dir $(lastword $(MAKEFILE_LIST))))
VENV := $(ROOT)/.venv
BUILD := $(ROOT)/.build
COLLECTIONS := $(BUILD)/collections
STAGE := $(COLLECTIONS)/ansible_collections/tappaas/platform
DIST := $(BUILD)/dist
SITE := $(BUILD)/site
SCRIPTS := $(ROOT)/scripts

# Extra pip specs for `make setup`. Galaxy is unreachable from CI, so when a test needs a
# community collection (community.general, community.proxmox, containers.podman), install
# the `ansible` PyPI bundle here instead (about 470 MB):
# SETUP_EXTRA_PIP := ansible==14.5.0
SETUP_EXTRA_PIP ?=

# Tools run from the venv. Exporting PATH (rather than activating) also reaches the tools
# that molecule and ansible-test start themselves, such as ansible-config.
export VIRTUAL_ENV := $(VENV)
export PATH := $(VENV)/bin:$(PATH)

STAGE_COPY = $(SCRIPTS)/stage.sh $(ROOT) $(STAGE)
# $(call step,NAME,COMMAND): a banner CI logs can be scanned by, the command, and how it ended.
# COMMAND runs in a subshell with errexit on, so any failing part of it fails the step.
step = @printf '\n==> %s\n' '$(1)'; started=$$(date +%s); \
	set +e; ( set -e; $(2) ); status=$$?; set -e; elapsed=$$(( $$(date +%s) - started )); \
	if [ $$status -eq 0 ]; then printf '<== %s passed in %ss\n' '$(1)' "$$elapsed"; \
	else printf '<== %s FAILED (exit %s) after %ss\n' '$(1)' "$$status" "$$elapsed"; exit $$status; fi

TEST_STEPS := lint unit sanity ansible-lint build integration molecule docs

.PHONY: bench lab-up lab-down help setup stage lint unit sanity ansible-lint build integration molecule docs test demo clean distclean

help:
	@echo "make demo          set up, start the lab, deploy the lab site with playbooks/site.yml, print the summary"
	@echo "make test          every check CI runs, in order: $(TEST_STEPS)"
	@echo "make setup         create .venv (Python 3.12) with the pinned toolchain of requirements-dev.txt"
	@echo "make stage         copy the collection to $(STAGE:$(ROOT)/%=%)"
	@echo "make lint          ruff check and ruff format --check"
	@echo "make unit          pytest tests/unit"
	@echo "make sanity        ansible-test sanity (all tests) and the action group check"
	@echo "make ansible-lint  ansible-lint, production profile"
	@echo "make build         build the tarball, install it, render every plugin's documentation"
	@echo "make integration   pytest tests/integration"
	@echo "make molecule      molecule test --all (extensions/molecule)"
	@echo "make docs          mkdocs build --strict into $(SITE:$(ROOT)/%=%)"
	@echo "make lab-up        start the lab twins on loopback and write .lab/lab.env (make lab-down stops them)"
	@echo "make clean         remove .build and caches; distclean also removes .venv"

setup:
	$(call step,setup,$(SCRIPTS)/setup-venv.sh $(VENV) $(ROOT)/requirements-dev.txt $(SETUP_EXTRA_PIP))

stage:
	@$(STAGE_COPY)

lint: setup
	$(call step,lint,cd $(ROOT) && ruff check . && ruff format --check .)

unit: setup
	$(call step,unit,$(STAGE_COPY) && { $(SCRIPTS)/php-setup.sh || [ $$? -eq 2 ]; } && cd $(STAGE) && python -m pytest tests/unit)

sanity: setup
	$(call step,sanity,$(STAGE_COPY) && $(SCRIPTS)/sanity.sh $(ROOT) $(STAGE))

ansible-lint: setup
	$(call step,ansible-lint,$(STAGE_COPY) && cd $(STAGE) && ANSIBLE_COLLECTIONS_PATH=$(COLLECTIONS) ansible-lint --offline)

build: setup
	$(call step,build,$(STAGE_COPY) && $(SCRIPTS)/build-check.sh $(STAGE) $(DIST) && $(SCRIPTS)/ee-check.sh $(STAGE) $(DIST))

integration: setup
	$(call step,integration,$(STAGE_COPY) && cd $(STAGE) && python -m pytest tests/integration)

# Molecule installs the collection under test into $$ANSIBLE_HOME/collections. Pointing
# ANSIBLE_HOME into the stage keeps that copy out of ~/.ansible/collections, where a stale
# tappaas.platform would shadow the working tree for any later ansible run.
molecule: setup
	$(call step,molecule,$(STAGE_COPY) && cd $(STAGE) && ANSIBLE_HOME=$(STAGE)/.ansible molecule test --all)

docs: setup
	$(call step,docs,cd $(ROOT) && NO_MKDOCS_2_WARNING=1 mkdocs build --strict --site-dir $(SITE))

test: setup $(TEST_STEPS)
	@printf '\n==> test: all steps passed (%s)\n' '$(TEST_STEPS)'

demo: setup
	$(call step,demo,$(STAGE_COPY) && cd $(ROOT) && \
		{ python -m lab status --state $(ROOT)/.lab >/dev/null || python -m lab up --state $(ROOT)/.lab; } && \
		set -a && . $(ROOT)/.lab/lab.env && set +a && before=$$(wc -l < $(ROOT)/.lab/requests.jsonl 2>/dev/null || echo 0) && \
		ANSIBLE_COLLECTIONS_PATH=$(COLLECTIONS) ansible-playbook -i inventories/lab playbooks/site.yml && \
		tail -n +$$((before + 1)) $(ROOT)/.lab/requests.jsonl | python -c 'import json; import sys; \
		writes = [e for e in (json.loads(line) for line in sys.stdin) if e["method"] not in "GET/HEAD".split("/")]; \
		print("API writes during this run: %d (a second make demo makes none)" % len(writes))')
	@echo "The lab keeps running: make lab-down stops it."

bench: setup
	$(call step,bench,$(ROOT)/bench/run.sh $(ROOT) $(BUILD))

lab-up: setup
	cd $(ROOT) && python -m lab up --state $(ROOT)/.lab

lab-down:
	cd $(ROOT) && $(VENV)/bin/python -m lab down --state $(ROOT)/.lab

clean:
	rm -rf $(BUILD) $(ROOT)/.ruff_cache $(ROOT)/.pytest_cache $(ROOT)/site $(ROOT)/collections $(ROOT)/.ansible $(ROOT)/tests/output
	find $(ROOT) -path $(VENV) -prune -o -name __pycache__ -type d -prune -exec rm -rf {} +

distclean: clean
	rm -rf $(VENV)
