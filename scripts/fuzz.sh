#!/usr/bin/env bash
# Builds kora's libFuzzer targets (clang-14, ASan+UBSan) and runs one.
# Usage: scripts/fuzz.sh TARGET SECONDS [extra libFuzzer flags]
#   TARGET: yaml | json | text | pipeline (or fuzz_yaml, ...); `scripts/fuzz.sh build` only builds.
# Seeds come from fixtures/ and ../shared/corpus, copied into a temporary
# corpus directory (KORA_FUZZ_CORPUS to keep one across runs); nothing is
# committed. Crashes are written to $KORA_FUZZ_ARTIFACTS (default
# build-fuzz/artifacts/TARGET/); minimise them and add them to fixtures/crashes/.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

need=(clang-14 libfuzzer-14-dev cmake make pkg-config
  libyaml-cpp-dev libsimdjson-dev libre2-dev libcli11-dev libfmt-dev libboost-graph-dev)
missing=()
for p in "${need[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "fuzz.sh: missing packages: ${missing[*]} (run as root to install them)" >&2
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

target=${1:-}
seconds=${2:-60}
[ -n "$target" ] || { echo "usage: scripts/fuzz.sh yaml|json|text|pipeline|build SECONDS" >&2; exit 2; }
target=${target#fuzz_}
shift $(( $# >= 2 ? 2 : $# ))

build=build-fuzz
if [ ! -f "$build/CMakeCache.txt" ]; then
  CXX=clang++-14 CC=clang-14 cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DKORA_FUZZ=ON -DKORA_TESTS=OFF >/dev/null
fi
# Only the fuzzers: not the tests, not the kora binary.
cmake --build "$build" -j"${KORA_FUZZ_BUILD_JOBS:-$(nproc)}" --target fuzz_all
[ "$target" = build ] && exit 0
case $target in
  yaml|json|text|pipeline) ;;
  *) echo "fuzz.sh: unknown target '$target' (yaml, json, text, pipeline)" >&2; exit 2 ;;
esac

corpus=${KORA_FUZZ_CORPUS:-}
if [ -z "$corpus" ]; then
  corpus=$(mktemp -d "${TMPDIR:-/tmp}/kora-fuzz-$target.XXXXXX")
  trap 'rm -rf "$corpus"' EXIT
fi
mkdir -p "$corpus"
# Seeds: YAML for yaml, JSON for json, everything for the pipeline; plus
# every regression input under fixtures/crashes/.
case $target in
  yaml) names=(-name '*.yaml' -o -name '*.yml') ;;
  json) names=(-name '*.json') ;;
  text) names=(-name '*.txt' -o -name '*.log') ;;
  pipeline) names=(-name '*.yaml' -o -name '*.yml' -o -name '*.json') ;;
esac
seed_dirs=("$root/fixtures")
[ -d "$root/../shared/corpus" ] && seed_dirs+=("$root/../shared/corpus")
[ "$target" = text ] && [ -d "$root/../shared/seeds" ] && seed_dirs+=("$root/../shared/seeds")
n=0
# -size -1024k: under 1 MiB (find rounds -1M up, which matches only empty files).
while IFS= read -r -d '' f; do
  # Content-addressed names: the same seed twice is kept once.
  dest="$corpus/seed-$(sha1sum <"$f" | cut -c1-16)"
  [ -e "$dest" ] || { cp "$f" "$dest"; n=$((n + 1)); }
done < <(find "${seed_dirs[@]}" -type f \( "${names[@]}" \) -size -1024k -print0)
# fixtures/crashes/ holds regression inputs of any extension.
for f in "$root"/fixtures/crashes/*; do
  [ -f "$f" ] || continue
  dest="$corpus/seed-$(sha1sum <"$f" | cut -c1-16)"
  [ -e "$dest" ] || { cp "$f" "$dest"; n=$((n + 1)); }
done
echo "fuzz.sh: $n seed file(s) in $corpus" >&2

dict=$root/fuzz/yaml.dict
[ "$target" = json ] && dict=$root/fuzz/json.dict
artifacts=${KORA_FUZZ_ARTIFACTS:-$root/$build/artifacts/$target}
mkdir -p "$artifacts"
# One job, one worker: the machine is shared. With -jobs libFuzzer runs the
# job in a child process logging to fuzz-0.log in the working directory, so
# run it from the artifacts directory and show the log at the end. Leaks are
# checked (LeakSanitizer); -rss_limit_mb turns a memory blow-up into a crash.
log=$artifacts/fuzz-0.log
rm -f "$log"
status=0
(cd "$artifacts" && "$root/$build/fuzz/fuzz_$target" -jobs=1 -workers=1 -max_total_time="$seconds" \
  -dict="$dict" -artifact_prefix="$artifacts/" -rss_limit_mb=2048 -timeout=10 -max_len=65536 \
  -print_final_stats=1 "$@" "$corpus") || status=$?
[ -f "$log" ] && cat "$log"
echo "fuzz.sh: $target ran ${seconds}s, status $status; log $log; artifacts in $artifacts" >&2
exit $status
