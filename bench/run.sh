#!/usr/bin/env bash
# make bench: every benchmark, each next to its baseline measured in the same run.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/release-build.sh >/dev/null
out=$(mktemp)
trap 'rm -f "$out"' EXIT
echo "== import (issue 2)"; bench/import.sh
echo "== scheduler (issue 3)"; bench/plan.sh | tee -a "$out"
echo "== delivery (issue 4)"; bench/delivery.sh | tee -a "$out"
echo "== replies (issue 12)"; bench/replies.sh
echo "== webhooks (issue 13)"; bench/webhooks.sh
echo "== http request reader (issue 20)"; bench/http.sh
echo "== readers of outside input (issue 20)"; bench/readers.sh
# Issue 26: each figure beside its baseline, measured above in this run (the `summary:` lines).
echo "== issue 26: each figure beside its baseline"
grep '^summary: CPU per' "$out" | sed 's/^summary: /  /'
grep '^summary: email wall' "$out" | sed 's/^summary: /  /'
grep '^summary: plan' "$out" | sed 's/^summary: /  /'
grep '^summary: idle tick' "$out" | sed 's/^summary: /  /'
grep '^summary: peak' "$out" | sed 's/^summary: /  /'
