#!/usr/bin/env bash
# make bench: every benchmark, each next to its baseline measured in the same run.
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --product mentor-notify >/dev/null
echo "== import (issue 2)"; bench/import.sh
echo "== scheduler (issue 3)"; bench/plan.sh
echo "== delivery (issue 4)"; bench/delivery.sh
echo "== replies (issue 12)"; bench/replies.sh
echo "== webhooks (issue 13)"; bench/webhooks.sh
echo "== http request reader (issue 20)"; bench/http.sh
echo "== readers of outside input (issue 20)"; bench/readers.sh
