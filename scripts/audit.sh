#!/usr/bin/env bash
# `npm audit` with no high or critical finding in production dependencies. Where the registry offers no audit
# endpoint (this workplace's mirror answers 405), say so instead of failing: an unanswered audit is not a finding.
set -uo pipefail
out=$(npm audit --omit=dev --audit-level=high --json 2>/dev/null)
code=$?
if grep -q '"statusCode": 40[45]' <<<"$out" || grep -q 'audit endpoint returned an error' <<<"$out"; then
  echo "npm audit: the registry has no audit endpoint here; skipped"
  exit 0
fi
if [ "$code" -ne 0 ]; then
  npm audit --omit=dev --audit-level=high
  exit "$code"
fi
echo "npm audit: no high or critical finding in production dependencies"
