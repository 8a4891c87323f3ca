#!/usr/bin/env bash
# Helps keep docs/rules/<rule-id>.md in step with the registry and with kora's output.
#
#   scripts/gen-rule-doc.sh new <rule-id>      print a page skeleton: the exact header, the help and the
#                                              fix, read from the registry through `kora explain`
#   scripts/gen-rule-doc.sh example <rule-id>  run kora on the page's ```yaml example (saved as example.yaml)
#                                              and print the ```text block that must follow it
#   scripts/gen-rule-doc.sh update <rule-id>   the same, written into the page in place of its old output
#
# tests/docs_test.cc checks both against the registry and the real output. KORA names the binary
# (default: build/kora).
set -euo pipefail
cd "$(dirname "$0")/.."
KORA=${KORA:-build/kora}
KORA=$(realpath "$KORA")

usage() {
  sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'
  exit 2
}

[[ $# -eq 2 ]] || usage
command=$1
id=$2

explain=$("$KORA" explain "$id")
title=$(sed -n '1s/^[^:]*: //p' <<<"$explain")
meta=$(sed -n '3p' <<<"$explain")
severity=$(sed -E 's/^severity: ([a-z]+) .*/\1/' <<<"$meta")
category=$(sed -E 's/.*category: ([^ ]+) .*/\1/' <<<"$meta")
profiles=$(sed -E 's/.*profiles: (.*)$/\1/' <<<"$meta")
# The text between the metadata line and "Fix:" is the help; after it, up to "Docs:", the fix.
help=$(awk 'NR > 4 && /^Fix:$/ { exit } NR > 4' <<<"$explain" | sed '${/^$/d}')
fix=$(awk '/^Fix:$/ { on = 1; next } /^Docs: / { exit } on' <<<"$explain" | sed '${/^$/d}')

case $command in
  new)
    cat <<EOF
# $id

$title

| severity | category | profiles |
|---|---|---|
| $severity | $category | $profiles |

## Why it matters

$help

## What kora checks

TODO: what fires, what does not, the field the finding points at.

## Example

\`\`\`yaml
TODO: a minimal example.yaml that fires
\`\`\`

TODO: run \`scripts/gen-rule-doc.sh example $id\` and paste its output here.

## Fix

\`kora explain $id\` prints:

\`\`\`text
$fix
\`\`\`

## Options

Disable the rule for a run with \`--disable $id\`, or for one object with the annotation
\`kora.dev/ignore: "$id"\`.
EOF
    ;;
  example)
    page=docs/rules/$id.md
    [[ -f $page ]] || { echo "no $page" >&2; exit 2; }
    dir=$(mktemp -d)
    trap 'rm -rf "$dir"' EXIT
    # The first ```yaml block under "## Example".
    awk '/^## Example$/ { sec = 1; next } /^## / { sec = 0 }
         sec && /^```yaml$/ && !done { on = 1; next }
         on && /^```$/ { on = 0; done = 1; next }
         on' "$page" >"$dir/example.yaml"
    [[ -s $dir/example.yaml ]] || { echo "$page has no \`\`\`yaml block under ## Example" >&2; exit 2; }
    args=(analyze example.yaml)
    [[ $profiles == default,* ]] || args+=(--enable "$id")
    echo '```text'
    echo "\$ kora ${args[*]}"
    (cd "$dir" && "$KORA" "${args[@]}" --color never) || true
    echo '```'
    ;;
  update)
    page=docs/rules/$id.md
    new=$("$0" example "$id")
    # Replace the first ```text block after the example's ```yaml block.
    NEW="$new" python3 - "$page" <<'PY'
import os, sys
path = sys.argv[1]
text = open(path).read()
start = text.index("## Example")
yaml = text.index("```yaml", start)
block = text.index("```text", text.index("\n```\n", yaml))
end = text.index("\n```\n", block) + 5
open(path, "w").write(text[:block] + os.environ["NEW"] + "\n" + text[end:])
PY
    ;;
  *)
    usage
    ;;
esac
