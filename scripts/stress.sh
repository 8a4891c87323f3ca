#!/usr/bin/env bash
# Measures kora on the hostile inputs of docs/hardening.md ("Memory and time
# under stress"): wall time, peak RSS and what kora made of each input.
# Usage: scripts/stress.sh [DIR]   (DIR: where the inputs go, about 1.2 GB;
# default a temporary directory, removed at the end)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
need=()
[ -x /usr/bin/time ] || need+=(time)
command -v python3 >/dev/null || need+=(python3)
if [ ${#need[@]} -gt 0 ]; then
  [ "$(id -u)" -eq 0 ] || { echo "stress.sh: missing ${need[*]} (apt-get install, as root)" >&2; exit 1; }
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq --no-install-recommends "${need[@]}"
fi
scripts/deps.sh build
cmake -S . -B build-bench -DCMAKE_BUILD_TYPE=Release -DKORA_BENCH=ON -DKORA_TESTS=OFF >/dev/null
cmake --build build-bench -j2 --target kora >/dev/null
kora=$root/build-bench/kora
dir=${1:-}
if [ -z "$dir" ]; then
  dir=$(mktemp -d "${TMPDIR:-/tmp}/kora-stress.XXXXXX")
  trap 'rm -rf "$dir"' EXIT
fi
[ -f "$dir/many/d99/cm-99999.yaml" ] || python3 bench/stress_inputs.py "$dir"
cd "$dir"

# One row: input, its size, the load findings kora reported, wall, peak RSS.
row() {
  local label=$1 size=$2
  shift 2
  local t
  t=$(mktemp)
  set +e
  /usr/bin/time -f "%e %U %S %M" -o "$t" "$@" >report.json 2>stderr.txt
  set -e
  # GNU time puts "Command exited with non-zero status N" first when kora fails.
  read -r wall user sys rss < <(tail -n 1 "$t")
  rm -f "$t"
  local what
  what=$(python3 -c '
import json, sys
try:
    d = json.load(open("report.json"))
except Exception:
    err = open("stderr.txt").read().splitlines()
    print("no report; stderr: " + (err[0].replace("|", "/")[:90] if err else "nothing")); sys.exit()
load = [f for f in d["findings"] if f["ruleId"] in ("load-error", "invalid-object", "duplicate-key")]
msg = ""
if load:
    m = load[0]["message"]
    msg = ": " + (m[:70] + "..." if len(m) > 70 else m).replace("|", "/")
print("%d objects, %d load finding(s)%s" % (d["inputs"]["objects"], len(load), msg))')
  printf '| %s | %s | %s | %s s | %.2f s | %.1f MB |\n' "$label" "$size" "$what" "$wall" \
    "$(python3 -c "print($user + $sys)")" "$(python3 -c "print($rss / 1024)")"
}
size() { du -sh --apparent-size "$1" | cut -f1; }
echo "| Input | Size | kora's report | Wall | CPU (user + sys) | Peak RSS |"
echo "| --- | --- | --- | --- | --- | --- |"
k=("$kora" analyze --format json --fail-on never --jobs 1)
row "base: \`kora --version\`" "-" "$kora" --version
row "alias bomb (9 levels of 10 aliases)" "$(size bomb.yaml)" "${k[@]}" bomb.yaml
row "100,000-deep YAML flow sequences" "$(size yflow.yaml)" "${k[@]}" yflow.yaml
row "100,000-deep YAML flow maps" "$(size yflowmap.yaml)" "${k[@]}" yflowmap.yaml
row "100,000 \`- \` on one line (YAML block)" "$(size block.yaml)" "${k[@]}" block.yaml
row "3,000-deep block maps" "$(size blockmaps.yaml)" "${k[@]}" blockmaps.yaml
row "100,000-deep JSON arrays" "$(size deep.json)" "${k[@]}" deep.json
row "2,000,000 unclosed \`[\` (YAML)" "$(size yflow2m.yaml)" "${k[@]}" yflow2m.yaml
row "flow sequence of 700,000 items inside another" "$(size nest2.yaml)" "${k[@]}" nest2.yaml
row "50 MB plain YAML scalar" "$(size bigscalar.yaml)" "${k[@]}" bigscalar.yaml
row "50 MB JSON string" "$(size bigscalar.json)" "${k[@]}" bigscalar.json
row "one 12 MB line: a flow map of 1,000,000 keys" "$(size bigline.yaml)" "${k[@]}" bigline.yaml
row "the first 60 MB of the 1 GB stream below (the last document cut)" "$(size 60m.yaml)" "${k[@]}" 60m.yaml
row "1 GB YAML file (default --max-file-size 256 MiB)" "$(size 1g.yaml)" "${k[@]}" 1g.yaml
row "the same 1 GB on stdin" "$(size 1g.yaml)" sh -c "'$kora' analyze --format json --fail-on never --jobs 1 - < 1g.yaml"
row "100,000 one-ConfigMap files in 100 directories, default --jobs" "$(size many)" "$kora" analyze --format json --fail-on never many
row "the same, --jobs 1" "$(size many)" "${k[@]}" many
