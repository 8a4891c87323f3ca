#!/usr/bin/env bash
# Measures `kora analyze` on generated cluster dumps: wall time, MB/s,
# objects/s and peak RSS, for YAML and JSON, at 20,000 and 100,000 objects;
# --jobs 1 against the default; one dump split over several files; and
# scaling series that show whether time per object (objects in one file) and
# per file (one small object per file) stays flat.
#
# Usage: scripts/bench.sh [--quick] [--micro]
#   --quick  small sizes (2,000 and 10,000 objects, 1 run each): a smoke test
#   --micro  also run the Google Benchmark microbenchmarks (build-bench/bench/load_bench)
# Environment: KORA_BENCH_RUNS (runs per case, default 3), KORA_BENCH_DIR (where
# dumps go; default a temporary directory, removed at the end), KORA_BENCH_OUT
# (also write the tables there).
#
# Each case runs under /usr/bin/time -v; the table shows the best (smallest)
# wall and CPU (user + sys) time of the runs, since on a shared machine other
# work only ever adds time, and the largest peak RSS. Every run's report is checked: it must
# count exactly the generated objects and carry no load finding.
set -euo pipefail
cd "$(dirname "$0")/.."

quick=0
micro=0
for arg in "$@"; do
  case "$arg" in
    --quick) quick=1 ;;
    --micro) micro=1 ;;
    *) echo "usage: scripts/bench.sh [--quick] [--micro]" >&2; exit 2 ;;
  esac
done
runs=${KORA_BENCH_RUNS:-3}
if [ "$quick" = 1 ]; then
  sizes=(2000 10000)
  scaling=(2500 5000 10000 20000)
  file_scaling=(2500 5000 10000 20000)
  runs=${KORA_BENCH_RUNS:-1}
else
  sizes=(20000 100000)
  scaling=(10000 20000 40000 80000)
  file_scaling=(10000 20000 40000 80000)
fi
split_files=8

# GNU time, for peak RSS (the shell keyword `time` cannot report it).
if [ ! -x /usr/bin/time ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "bench.sh: /usr/bin/time is missing (apt-get install time, as root)" >&2
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends time
fi
scripts/deps.sh build

cmake -S . -B build-bench -DCMAKE_BUILD_TYPE=Release -DKORA_BENCH=ON -DKORA_TESTS=OFF >/dev/null
cmake --build build-bench -j2 --target kora gen_dump load_bench
kora=build-bench/kora
gen=build-bench/bench/gen_dump

if [ -n "${KORA_BENCH_DIR:-}" ]; then
  dir=$KORA_BENCH_DIR
  mkdir -p "$dir"
else
  dir=$(mktemp -d)
  trap 'rm -rf "$dir"' EXIT
fi
out=$dir/tables.md
: >"$out"

say() { printf '%s\n' "$*" | tee -a "$out"; }

# dump FORMAT N: generates (once) and prints the path.
dump() {
  local format=$1 n=$2 ext
  ext=$([ "$format" = json ] && echo json || echo yaml)
  local path=$dir/dump-$n-$format.$ext
  [ -s "$path" ] || "$gen" --objects "$n" --format "$format" >"$path" 2>/dev/null
  echo "$path"
}

# split_dump FORMAT N PARTS: the same dump as PARTS files in one directory.
split_dump() {
  local format=$1 n=$2 parts=$3 ext i
  ext=$([ "$format" = json ] && echo json || echo yaml)
  local path=$dir/split-$n-$format
  if [ ! -d "$path" ]; then
    mkdir -p "$path"
    for ((i = 0; i < parts; i++)); do
      "$gen" --objects "$n" --format "$format" --part "$i/$parts" >"$path/part-$i.$ext" 2>/dev/null
    done
  fi
  echo "$path"
}

# small_files N: a directory of N one-object files (small ConfigMaps), so
# that the time goes to handling files rather than to parsing.
small_files() {
  local n=$1
  local path=$dir/files-$n
  if [ ! -d "$path" ]; then
    mkdir -p "$path"
    awk -v n="$n" -v d="$path" 'BEGIN {
      for (i = 0; i < n; i++) {
        f = sprintf("%s/cm-%06d.yaml", d, i)
        printf "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-%d\n  namespace: ns-%d\ndata:\n  key: value\n", i, i % 50 > f
        close(f)
      } }'
  fi
  echo "$path"
}

# Seconds from GNU time's "Elapsed (wall clock) time (h:mm:ss or m:ss): 1:02.03".
wall_seconds() {
  awk -F': ' '/Elapsed \(wall clock\)/ {
    n = split($2, p, ":"); s = 0
    for (i = 1; i <= n; i++) s = s * 60 + p[i]
    printf "%.3f\n", s }' "$1"
}
cpu_seconds() { awk -F': ' '/User time|System time/ {s += $2} END {printf "%.3f\n", s}' "$1"; }
rss_kb() { awk -F': ' '/Maximum resident set size/ {print $2}' "$1"; }
# Bytes of a file, or of all files under a directory.
bytes_of() { find "$1" -type f -printf '%s\n' | awk '{s += $1} END {print s}'; }

# measure LABEL PATH OBJECTS JOBS: runs kora $runs times, prints one table row.
measure() {
  local label=$1 path=$2 objects=$3 jobs=$4
  local bytes walls=() cpus=() rss_max=0 i t r
  bytes=$(bytes_of "$path")
  local job_args=()
  [ "$jobs" = default ] || job_args=(--jobs "$jobs")
  for ((i = 0; i < runs; i++)); do
    /usr/bin/time -v -o "$dir/time.txt" "$kora" analyze --format json --fail-on never -o "$dir/report.json" \
      --max-file-size 4294967296 "${job_args[@]}" "$path"
    if ! grep -q "^    \"objects\": $objects,$" "$dir/report.json" ||
      grep -qE '"ruleId": "(load-error|invalid-object|duplicate-key)"' "$dir/report.json"; then
      echo "bench.sh: the report for $path does not show $objects cleanly loaded objects" >&2
      exit 1
    fi
    t=$(wall_seconds "$dir/time.txt")
    r=$(rss_kb "$dir/time.txt")
    walls+=("$t")
    cpus+=("$(cpu_seconds "$dir/time.txt")")
    [ "$r" -gt "$rss_max" ] && rss_max=$r
  done
  local median cpu  # "median" is the best run: see the header comment
  median=$(printf '%s\n' "${walls[@]}" | sort -n | head -1)
  cpu=$(printf '%s\n' "${cpus[@]}" | sort -n | head -1)
  awk -v label="$label" -v bytes="$bytes" -v n="$objects" -v jobs="$jobs" -v t="$median" -v cpu="$cpu" \
    -v rss="$rss_max" -v runs="$runs" 'BEGIN {
      mb = bytes / 1e6; rmb = rss * 1024 / 1e6
      printf "| %-9s | %7d | %8.1f | %7s | %7.2f | %7.2f | %6.1f | %9.0f | %8.1f | %6.2f | %4d |\n",
        label, n, mb, jobs, t, cpu, mb / t, n / t, rmb, rmb / mb, runs }' | tee -a "$out"
  # For the ratios below.
  echo "$median" >"$dir/wall-$label-$objects-$jobs"
  echo "$cpu" >"$dir/cpu-$label-$objects-$jobs"
}

header() {
  say "| format    | objects | input MB | --jobs  | wall s  | CPU s   | MB/s   | objects/s | peak RSS MB | RSS/input | runs |"
  say "|-----------|--------:|---------:|--------:|--------:|--------:|-------:|----------:|---------:|-------:|-----:|"
}

say "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), $(awk '/MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo)"
say "kora: $(git rev-parse --short HEAD 2>/dev/null || echo unknown), Release build; runs per case: $runs (best wall and CPU time, largest peak RSS)"
say "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
say ""

floor=$(dump yaml 1)
/usr/bin/time -v -o "$dir/time.txt" "$kora" analyze --format json --fail-on never -o "$dir/report.json" "$floor"
say "RSS floor (kora analyze on a 1-object dump): $(awk -v r="$(rss_kb "$dir/time.txt")" 'BEGIN {printf "%.1f MB", r * 1024 / 1e6}')"
say ""

say "### One file, default --jobs and --jobs 1"
say ""
header
for n in "${sizes[@]}"; do
  for format in yaml yaml-list json; do
    path=$(dump "$format" "$n")
    measure "$format" "$path" "$n" default
    measure "$format" "$path" "$n" 1
  done
done
say ""
say "JSON/YAML speed on the same objects (YAML time / JSON time, default --jobs; per object, and in MB/s):"
for n in "${sizes[@]}"; do
  yb=$(bytes_of "$(dump yaml "$n")")
  jb=$(bytes_of "$(dump json "$n")")
  for clock in wall cpu; do
    y=$(cat "$dir/$clock-yaml-$n-default")
    yl=$(cat "$dir/$clock-yaml-list-$n-default")
    j=$(cat "$dir/$clock-json-$n-default")
    say "$(awk -v n="$n" -v c="$clock" -v y="$y" -v yl="$yl" -v j="$j" -v yb="$yb" -v jb="$jb" 'BEGIN {
      printf "- %d objects, %s time: JSON %.1fx faster per object than the YAML stream (%.1fx than the YAML List); %.1fx in MB/s",
        n, c, y / j, yl / j, (jb / j) / (yb / y) }')"
  done
done
say ""

say "### One dump split over $split_files files (--jobs parallelises across files)"
say ""
header
n=${sizes[-1]}
for format in yaml json; do
  path=$(split_dump "$format" "$n" "$split_files")
  measure "$format" "$path" "$n" default
  measure "$format" "$path" "$n" 1
done
say ""

say "### Scaling: time per object as the dump grows (default --jobs)"
say ""
header
for format in yaml json; do
  for n in "${scaling[@]}"; do
    measure "$format" "$(dump "$format" "$n")" "$n" default
  done
done
say ""
say "Microseconds per object, wall / CPU (flat means linear; doubling at each step would mean quadratic):"
for format in yaml json; do
  line="- $format:"
  for n in "${scaling[@]}"; do
    line+=$(awk -v n="$n" -v t="$(cat "$dir/wall-$format-$n-default")" -v c="$(cat "$dir/cpu-$format-$n-default")" \
      'BEGIN {printf " %gk: %.1f / %.1f us;", n / 1000, t / n * 1e6, c / n * 1e6}')
  done
  say "$line"
done

say ""
say "### Scaling over files: one small object per file (--jobs 1)"
say ""
header
for n in "${file_scaling[@]}"; do
  measure files "$(small_files "$n")" "$n" 1
done
say ""
line="Microseconds per file, wall / CPU:"
for n in "${file_scaling[@]}"; do
  line+=$(awk -v n="$n" -v t="$(cat "$dir/wall-files-$n-1")" -v c="$(cat "$dir/cpu-files-$n-1")" \
    'BEGIN {printf " %gk: %.1f / %.1f us;", n / 1000, t / n * 1e6, c / n * 1e6}')
done
say "$line"

say ""
say "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"

if [ "$micro" = 1 ]; then
  say ""
  say "### Microbenchmarks (build-bench/bench/load_bench)"
  build-bench/bench/load_bench --benchmark_counters_tabular=true 2>&1 | tee -a "$out"
fi
if [ -n "${KORA_BENCH_OUT:-}" ]; then cp "$out" "$KORA_BENCH_OUT"; fi
