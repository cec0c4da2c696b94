#!/usr/bin/env bash
# The CI of a compliance rules repository: every change must leave the rules valid, lint-clean
# and fully tested. All three steps run even when one fails, so one CI log shows every problem;
# the script exits non-zero if any failed.
#
#   EXROUTE        how to run the exroute CLI (default: the one `npm install` put in node_modules)
#   JUNIT_OUTPUT   also write the suite results as JUnit XML to this file (for CI test reports)
set -uo pipefail
cd "$(dirname "$0")"

read -r -a exroute <<<"${EXROUTE:-npx --no-install exroute}"
status=0

run() {
  echo "::: exroute $*"
  "${exroute[@]}" "$@" || status=1
}

run validate rules/
run lint rules/
if [ -n "${JUNIT_OUTPUT:-}" ]; then
  run test tests/ --min-coverage 100 --reporter junit --output "$JUNIT_OUTPUT"
else
  run test tests/ --min-coverage 100
fi

exit "$status"
