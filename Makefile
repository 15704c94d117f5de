# Sluice — `make setup` then `make test` on a fresh machine; `make demo`; `make bench`.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

OPA      := rules/toolchain/bin/opa
TSX      := node_modules/.bin/tsx
SLUICE   := $(TSX) adapters/cli.ts
BUNDLE   := rules/build/default.tar.gz
NATIVE   := engine/native/build/Release/sluice_hs.node

.PHONY: help setup deps opa native-deps native rules build test typecheck test-rules test-unit test-node22 demo bench clean

help:
	@echo "make setup   install everything (npm ci, OPA compiler, Vectorscan + native binding, compiled rules)"
	@echo "make test    typecheck, opa check/test, vitest"
	@echo "make demo    run the main job end to end on the embedded defaults"
	@echo "make bench   run every benchmark in bench/ and print one table"

setup: deps opa native rules build

deps:
	npm ci --no-audit --no-fund

# The pinned OPA compiler, from the Go module proxy (tool directive in rules/toolchain/go.mod).
opa: $(OPA)
$(OPA): rules/toolchain/go.mod rules/toolchain/go.sum
	cd rules/toolchain && go build -o bin/opa github.com/open-policy-agent/opa
	$(OPA) version | sed -n 1p

# Vectorscan from Debian; when it cannot be installed the JS scanner is used (sluice doctor says so).
native-deps:
	@if pkg-config --exists libhs 2>/dev/null; then echo "libhs $$(pkg-config --modversion libhs) present"; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libvectorscan-dev pkg-config) \
	    || echo "warning: libvectorscan-dev could not be installed; the JS scanner will be used"; \
	else echo "warning: libhs missing and not root; install libvectorscan-dev, or the JS scanner will be used"; fi

native: native-deps
	@if pkg-config --exists libhs 2>/dev/null; then \
	  cd engine/native && ../../node_modules/.bin/node-gyp rebuild --loglevel=warn --nodedir="$$(dirname "$$(dirname "$$(command -v node)")")" --jobs=2 >/dev/null && echo "built $(NATIVE)"; \
	else echo "skipping the native scanner build (no libhs)"; fi

rules: $(OPA)
	$(SLUICE) build rules/policies -o $(BUNDLE)

build:
	node_modules/.bin/tsc -p tsconfig.json

test: typecheck test-rules test-unit test-node22

typecheck:
	node_modules/.bin/tsc -p tsconfig.json --noEmit

test-rules: $(OPA)
	$(OPA) check --strict rules/policies
	$(OPA) test rules/policies

test-unit:
	node_modules/.bin/vitest run --reporter=default --exclude '.tmp/**'

# The end-to-end suites again under Node 22 (npm's node@22 package ships the binary; N-API addon is ABI-stable).
NODE22_DIR := .tmp/node22
test-node22:
	@if [ ! -x $(NODE22_DIR)/node_modules/.bin/node ]; then \
	  npm i --no-save --no-audit --no-fund --prefix $(NODE22_DIR) node@22 >/dev/null 2>&1 || true; fi
	@if [ -x $(NODE22_DIR)/node_modules/.bin/node ]; then \
	  echo "end-to-end suites under Node $$($(NODE22_DIR)/node_modules/.bin/node --version)"; \
	  PATH="$(abspath $(NODE22_DIR))/node_modules/.bin:$$PATH" node node_modules/.bin/vitest run adapters/*.e2e.test.ts; \
	else echo "skipped: node@22 could not be installed from the npm registry (the Node 20 run above covers the suites)"; fi

demo:
	$(TSX) adapters/demo/run.ts

bench:
	$(TSX) bench/run.ts

clean:
	rm -rf dist engine/native/build rules/build .sluice-cache
