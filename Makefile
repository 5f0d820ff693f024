# Quick start on a fresh Debian machine: `make run` or `make test`.
SWIFT ?= swift
DEB_PACKAGES := libhdf5-dev libcurl4-openssl-dev libsqlite3-dev pkg-config
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
BIN := .build/release/trading-bot
ARGS ?=

.PHONY: deps build run test bench clean

## Install the Debian packages the build links against, only when missing.
deps:
	@if ! pkg-config --exists hdf5-serial libcurl sqlite3 2>/dev/null; then \
	  echo "Installing $(DEB_PACKAGES)"; \
	  $(SUDO) apt-get update -qq && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(DEB_PACKAGES); \
	fi

build: deps
	$(SWIFT) build -c release --product trading-bot --static-swift-stdlib -Xlinker -no-pie  # static runtime + no PIE: no start-up relocation of Swift metadata; Package.swift adds lld + link-order.txt for release

## The main job: one prediction now, on the shipped config, model and scalers.
run: build
	$(BIN) predict $(ARGS)

## The whole test suite.
test: deps
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build

bench: build
	$(BIN) bench $(ARGS)

clean:
	rm -rf .build
