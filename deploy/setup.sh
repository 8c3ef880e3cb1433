#!/usr/bin/env bash
# Installs what SkillArena needs on Debian and starts Redis and Docker when
# none answers. Safe to run again: it only does what is missing, and says so.
#
#   ARENA_DATA         data directory (default: ./data); Redis keeps its AOF under it
#   ARENA_REDIS_PORT   Redis port (default 6379)
#   ARENA_SKIP_BROWSER=1  do not install Chromium (not needed to run a contest)
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '[setup] %s\n' "$*"; }

data=${ARENA_DATA:-$PWD/data}
port=${ARENA_REDIS_PORT:-6379}
mkdir -p "$data/redis"

# Debian packages: command -> package.
declare -A want=([redis-server]=redis-server [dockerd]=docker.io [mmdebstrap]=mmdebstrap)
[ "${ARENA_SKIP_BROWSER:-}" = 1 ] || want[chromium]=chromium
# npm fetches the solc tarball for the solidity image once into the build
# cache; a host whose cache already holds it (air-gapped) needs no npm.
[ -f "$data/cache/npm/solc-0.8.37.tgz" ] || want[npm]=npm
missing=()
for cmd in "${!want[@]}"; do
  command -v "$cmd" >/dev/null 2>&1 || missing+=("${want[$cmd]}")
done
# scikit-learn for Debian's python3: the metric tests check their values against it.
/usr/bin/python3 -c 'import sklearn' >/dev/null 2>&1 || missing+=(python3-sklearn)
# PDF certificates: a Chinese TrueType font to print them, poppler to check them.
[ -f /usr/share/fonts/truetype/wqy/wqy-zenhei.ttc ] || missing+=(fonts-wqy-zenhei)
command -v pdftoppm >/dev/null 2>&1 || missing+=(poppler-utils)
# The browser tests' screenshots show Chinese pages: Chromium needs a CJK font.
if [ "${ARENA_SKIP_BROWSER:-}" != 1 ] && [ ! -d /usr/share/fonts/opentype/noto ]; then
  missing+=(fonts-noto-cjk)
fi
if [ ${#missing[@]} -gt 0 ]; then
  say "installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${missing[@]}" >/dev/null
else
  say "packages already installed"
fi

# Go toolchain: machines of this kind have it under /usr/local/go; Debian's
# golang-go is too old for go.mod.
if ! command -v go >/dev/null 2>&1 && [ ! -x /usr/local/go/bin/go ]; then
  say "Go $(sed -n 's/^go //p' go.mod) or newer is needed (install it under /usr/local/go)"
  exit 1
fi

# Redis, with AOF on so an acknowledged submission survives a crash (AOF
# alone: RDB snapshots would only add a second way to fail).
if redis-cli -p "$port" ping >/dev/null 2>&1; then
  probe=$(redis-cli -p "$port" set arena:setup:probe 1 2>&1 || true)
  if [ "$probe" != OK ]; then
    say "Redis on port $port answers but refuses writes: $probe"
    say "fix or stop that server (redis-cli -p $port shutdown nosave), then run this again"
    exit 1
  fi
  redis-cli -p "$port" del arena:setup:probe >/dev/null
  say "Redis answers on port $port"
else
  say "starting Redis on 127.0.0.1:$port (AOF in $data/redis)"
  redis-server --daemonize yes --bind 127.0.0.1 --port "$port" --dir "$data/redis" \
    --appendonly yes --appendfsync everysec --save "" --logfile "$data/redis/redis.log"
  for _ in $(seq 50); do redis-cli -p "$port" ping >/dev/null 2>&1 && break; sleep 0.1; done
  redis-cli -p "$port" ping >/dev/null || { say "Redis did not start; see $data/redis/redis.log"; exit 1; }
fi

# Docker: judge hosts need no container network, so the engine runs without one.
if docker info >/dev/null 2>&1; then
  say "Docker engine answers"
else
  say "starting dockerd (no bridge, no iptables: sandboxes get no network)"
  setsid -f dockerd --bridge=none --iptables=false >/var/log/dockerd.log 2>&1 </dev/null
  for _ in $(seq 100); do docker info >/dev/null 2>&1 && break; sleep 0.2; done
  docker info >/dev/null 2>&1 || { say "dockerd did not start; see /var/log/dockerd.log"; exit 1; }
fi
