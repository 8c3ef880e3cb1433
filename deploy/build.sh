#!/usr/bin/env bash
# Builds bin/arena and the static in-container runner bin/arena-runner, then
# the sandbox images (offline, from the Debian mirror; skipped when current).
set -euo pipefail
cd "$(dirname "$0")/.."
command -v go >/dev/null 2>&1 || export PATH=$PATH:/usr/local/go/bin

say() { printf '[build] %s\n' "$*"; }
mkdir -p bin
say "building bin/arena and bin/arena-runner"
# -trimpath: the same source gives the same runner, so images stay current across checkouts.
CGO_ENABLED=0 go build -trimpath -o bin/arena-runner ./sandbox/runner/cmd/arena-runner
# The EVM grader (go-ethereum) is a static binary of its own that only the
# evm image carries, so the EVM stays out of bin/arena.
say "building bin/arena-evm"
CGO_ENABLED=0 go build -trimpath -o bin/arena-evm ./sandbox/evm/cmd/arena-evm
# Static too: the arena image (deploy/images/arena) carries it for Compose and Kubernetes.
CGO_ENABLED=0 go build -trimpath -o bin/arena .
say "building sandbox images (skipped when up to date)"
bin/arena images build --runner bin/arena-runner
