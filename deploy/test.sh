#!/usr/bin/env bash
# Runs every test against real Redis, real Docker and real Chromium: installs
# and starts what is missing, builds the sandbox images, then go vet and go
# test. Under CI=true a missing service fails the tests instead of skipping them.
set -euo pipefail
cd "$(dirname "$0")/.."
deploy/setup.sh
deploy/build.sh
command -v go >/dev/null 2>&1 || export PATH=$PATH:/usr/local/go/bin
# The S3 blob store is tested against versitygw, an S3 server over a directory.
if [ ! -x bin/versitygw ]; then
  echo "[test] installing versitygw into bin/"
  GOBIN=$PWD/bin go install github.com/versity/versitygw/cmd/versitygw@v1.8.0
fi
export PATH=$PWD/bin:$PATH

echo "[test] gofmt and go vet"
unformatted=$(gofmt -l $(git ls-files '*.go' 2>/dev/null || find . -name '*.go'))
if [ -n "$unformatted" ]; then echo "gofmt would change: $unformatted"; exit 1; fi
go vet ./...

echo "[test] go test"
export ARENA_TEST_RUNNER=$PWD/bin/arena-runner
# -p 1: packages share one Docker engine and its sandbox image (the image
# test rebuilds it), and CPU-time limits are measured on a 2-core machine.
go test -p 1 -count=1 -timeout 30m "$@" ./...
