#!/usr/bin/env bash
# Validates SARIF files two ways, since each catches what the other passes:
#  1. Microsoft's SARIF multitool (`validate --rule-kind "Sarif;Gh"`: the SARIF
#     specification's rules and GitHub code scanning's ingestion rules), from
#     the npm package pinned in package-lock.json (scripts/deps.sh test installs it);
#  2. the OASIS SARIF 2.1.0 JSON schema (Draft 4) with Debian's python3-jsonschema.
# Prints every problem and exits 1 if either reports an error or a warning
# (the multitool itself exits 0 even then, so its log is read instead), 2 if a
# tool or the schema is missing.
# Usage: scripts/sarif-validate.sh [--schema-only] FILE.sarif...
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
schema=${KORA_SARIF_SCHEMA:-$root/../shared/sarif/sarif-schema-2.1.0.json}
multitool=$root/node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool
use_multitool=1
if [ "${1:-}" = --schema-only ]; then
  use_multitool=0
  shift
fi
if [ $# -eq 0 ]; then
  echo "usage: $0 [--schema-only] FILE.sarif..." >&2
  exit 2
fi
if [ ! -f "$schema" ]; then
  echo "sarif-validate: no SARIF schema at $schema (set KORA_SARIF_SCHEMA)" >&2
  exit 2
fi

status=0
python3 - "$schema" "$@" <<'EOF' || status=1
import json, sys
import jsonschema
schema = json.load(open(sys.argv[1]))
validator = jsonschema.Draft4Validator(schema)
bad = 0
for path in sys.argv[2:]:
    with open(path, encoding="utf-8") as f:
        log = json.load(f)
    for error in sorted(validator.iter_errors(log), key=lambda e: list(e.absolute_path)):
        where = "/".join(str(p) for p in error.absolute_path)
        print(f"{path}: schema error at /{where}: {error.message[:300]}")
        bad += 1
print(f"sarif-validate: JSON schema: {len(sys.argv) - 2} files, {bad} errors")
sys.exit(1 if bad else 0)
EOF

if [ "$use_multitool" = 1 ]; then
  if [ ! -e "$multitool" ]; then
    echo "sarif-validate: the SARIF multitool is not installed (run scripts/deps.sh test)" >&2
    exit 2
  fi
  # npm may have skipped the package's postinstall, which only sets this bit.
  [ -x "$multitool" ] || chmod u+x "$multitool"
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
  # The multitool tries to fetch the http(s) URIs it finds (the schema, helpUri).
  # A proxy on a closed loopback port makes those attempts fail at once and keeps
  # the check offline and deterministic. Invariant globalization: no libicu needed.
  if ! HTTPS_PROXY=http://127.0.0.1:9 HTTP_PROXY=http://127.0.0.1:9 NO_PROXY= \
    DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=1 DOTNET_CLI_TELEMETRY_OPTOUT=1 \
    "$multitool" validate "$@" --output "$work/validation.sarif" --rule-kind "Sarif;Gh" --quiet \
    >"$work/console.txt" 2>&1; then
    cat "$work/console.txt" >&2
    echo "sarif-validate: the multitool failed to run" >&2
    exit 2
  fi
  python3 - "$work/validation.sarif" "$#" <<'EOF' || status=1
import json, sys
log = json.load(open(sys.argv[1], encoding="utf-8-sig"))
bad = 0
for run in log.get("runs", []):
    rules = {r["id"]: r for r in run.get("tool", {}).get("driver", {}).get("rules", [])}
    for result in run.get("results", []):
        level = result.get("level", "warning")
        if level not in ("error", "warning"):
            continue
        bad += 1
        rule = rules.get(result.get("ruleId"), {})
        template = rule.get("messageStrings", {}).get(result["message"].get("id", ""), {}).get("text", "")
        text = result["message"].get("text") or template
        for i, arg in enumerate(result["message"].get("arguments", [])):
            text = text.replace("{%d}" % i, str(arg))
        loc = result.get("locations", [{}])[0].get("physicalLocation", {})
        uri = loc.get("artifactLocation", {}).get("uri", "?")
        line = loc.get("region", {}).get("startLine", "?")
        print(f"{uri}:{line}: multitool {level} {result.get('ruleId')}: {text}")
    for inv in run.get("invocations", []):
        for n in inv.get("toolExecutionNotifications", []) + inv.get("toolConfigurationNotifications", []):
            if n.get("level", "warning") in ("error", "warning"):
                bad += 1
                print(f"multitool notification: {n.get('message', {}).get('text')}")
print(f"sarif-validate: multitool: {sys.argv[2]} files, {bad} errors and warnings")
sys.exit(1 if bad else 0)
EOF
fi
exit $status
