# Two commands for a new user: `make demo` and `make test`. Everything they need is installed here.
SHELL := /bin/bash
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Python tests run on two workers (pytest-xdist): CI has 2 cores, and most tests wait on servers and
# subprocesses. `make test TEST_WORKERS=0` runs them in one process.
TEST_WORKERS ?= 2
TORCH_SPEC ?= torch==2.13.0
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml scripts/install-system-deps.sh 2>/dev/null | sha1sum | cut -c1-12)
WEB_STAMP := web/node_modules/.installed-$(shell cat web/package-lock.json 2>/dev/null | sha1sum | cut -c1-12)

.PHONY: demo test deps system-deps lint test-py test-web web bench clean-demo wandb-client

$(STAMP):
	bash scripts/install-system-deps.sh
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	# torch first, pinned: 2.13.0 is the CPU build (on CI machines it lies on disk); an unpinned torch
	# pulled in by transformers or lightning would be a CUDA build of several GB.
	$(BIN)/python -m pip install -q '$(TORCH_SPEC)'
	$(BIN)/python -m pip install -q -e '.[dev]'
	rm -f $(VENV)/.installed-*; touch $@

deps: $(STAMP)

# The official wandb client, in a virtual environment of its own (beside trackwell, `import wandb`
# would be ambiguous with our alias): tests/wandb_client drive it against a live server (issue 15).
WANDB_CLIENT_VERSION := 0.31.0
WANDB_STAMP := .venv-wandb/.installed-wandb-$(WANDB_CLIENT_VERSION)

$(WANDB_STAMP):
	test -x .venv-wandb/bin/python || $(PY) -m venv .venv-wandb
	.venv-wandb/bin/python -m pip install -q 'wandb==$(WANDB_CLIENT_VERSION)'
	rm -f .venv-wandb/.installed-wandb-*; touch $@

# The frameworks the examples use (numpy, matplotlib, torch, transformers, lightning ...) come from the
# main environment, after the client's own packages (a .pth line appends that directory to sys.path),
# so the official client runs the same examples without a second copy of torch.
wandb-client: $(WANDB_STAMP) deps
	$(BIN)/python -c "import sysconfig; print(sysconfig.get_paths()['purelib'])" > \
	  "$$(.venv-wandb/bin/python -c "import sysconfig; print(sysconfig.get_paths()['purelib'])")/trackwell-frameworks.pth"

$(WEB_STAMP):
	@if [ -f web/package.json ]; then cd web && npm ci --no-audit --no-fund && touch node_modules/$(notdir $@); fi

web: $(WEB_STAMP)
	@if [ -f web/package.json ]; then $(BIN)/python scripts/build_web.py; fi

lint: deps
	$(BIN)/ruff check src tests benchmarks scripts examples
	$(BIN)/ruff format --check src tests benchmarks scripts examples
	$(BIN)/mypy
	$(BIN)/lint-imports
	$(BIN)/python scripts/check_module_size.py

test-py: deps web wandb-client
	$(BIN)/python -m pytest -q -p no:cacheprovider -n $(TEST_WORKERS)

test-web: deps web
	@if [ -f web/package.json ]; then cd web && npm run -s check && npm run -s test && npm run -s e2e; fi

test: lint test-py test-web

demo: deps web
	$(BIN)/python scripts/demo.py

bench: deps web
	$(BIN)/python -m benchmarks.run_all
