#!/usr/bin/env bash
# Runs SkillArena on this machine with the demo contest: installs and starts
# what is missing, builds, then `arena up --demo`. Extra flags go to arena up.
set -euo pipefail
cd "$(dirname "$0")/.."
ARENA_SKIP_BROWSER=${ARENA_SKIP_BROWSER:-1} deploy/setup.sh
deploy/build.sh
exec bin/arena up --demo --data "${ARENA_DATA:-$PWD/data}" "$@"
