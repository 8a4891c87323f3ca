#!/usr/bin/env bash
# Installs kora's build (and optionally test) dependencies from Debian 12
# packages. Idempotent: runs apt-get only when something is missing.
# Usage: scripts/deps.sh [build|test]
set -euo pipefail
what=${1:-build}
packages=(g++ cmake make pkg-config ccache
  libyaml-cpp-dev libsimdjson-dev libre2-dev libcli11-dev libfmt-dev libboost-graph-dev libssl-dev
  libgtest-dev libgmock-dev libbenchmark-dev)
if [ "$what" = test ]; then
  # chromium renders the HTML report in tests/browser_test.py (headless);
  # fonts-dejavu-core gives it the same fonts on every machine.
  packages+=(python3 python3-jsonschema chromium fonts-dejavu-core)
  command -v npm >/dev/null || packages+=(npm)
fi
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "deps.sh: missing packages: ${missing[*]} (run as root to install them)" >&2
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# Test tools from the npm registry (Microsoft's SARIF multitool, used by
# scripts/sarif-validate.sh), exactly as package-lock.json pins them.
if [ "$what" = test ]; then
  cd "$(dirname "$0")/.."
  if ! command -v npm >/dev/null 2>&1; then
    # A fresh Debian 12 has no Node.js: take Debian's.
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends nodejs npm
  fi
  if [ ! -e node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool ] ||
    [ package-lock.json -nt node_modules/.package-lock.json ]; then
    npm ci --no-audit --no-fund --loglevel=error
  fi
fi
