#!/usr/bin/env bash
# The routing impact of a pull request as a Markdown comment: what changes between the branch it
# goes into and HEAD, and which events (the suites' cases) gain or lose which recipients.
# Extra arguments go to exroute diff (e.g. -o diff.md, --fail-on loss, --events corpus.jsonl).
#
#   EXROUTE   how to run the exroute CLI (default: the one `npm install` put in node_modules)
#   BASE      the revision to compare with (default origin/main)
set -euo pipefail
cd "$(dirname "$0")"

read -r -a exroute <<<"${EXROUTE:-npx --no-install exroute}"
exec "${exroute[@]}" diff --git "${BASE:-origin/main}..HEAD" rules --suites tests --format markdown "$@"
