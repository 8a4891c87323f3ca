#!/usr/bin/env bash
# Installs what kora needs, builds it, and runs it on the bundled example
# incident (fixtures/scenarios/argocd-degraded-image-pull).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh build
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DKORA_TESTS=OFF >/dev/null
cmake --build build -j"$(nproc)" --target kora
set +e
build/kora analyze fixtures/scenarios/argocd-degraded-image-pull "$@"
status=$?
set -e
echo "(kora exited with status $status: 1 means findings at or above --fail-on, see docs/cli.md)"
