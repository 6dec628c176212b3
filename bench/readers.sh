#!/usr/bin/env bash
# Readers benchmark: every reader of outside input given each of its worst inputs (the tests' own,
# Tests/TestSupport/WorstInputs.swift) at 64 KiB and 256 KiB, and the ratio of the two times: near 4
# when the reader is linear, 16 when it is quadratic. Each group of readers is compiled with its
# module's sources (as scripts/fuzz.sh does), optimised.
# READER_SIZES (KiB, default "64 256"), READER_GROUPS (reply http csv gateway), READER_ONLY (a part of a
# reader's name).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/module-sources.sh
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
for group in ${READER_GROUPS:-reply http csv gateway}; do
    mkdir -p "$out/$group"
    copy_module_sources "$group" "$out/$group"
    cp Tests/TestSupport/WorstInputs.swift "$out/$group/zz_worst.swift"
    cp bench/readers/measure.swift "$out/$group/zz_measure.swift"
    cp "bench/readers/$group.swift" "$out/$group/zz_readers.swift"
    if ! swiftc -O -parse-as-library -module-name Readers$group -package-name readers "$out/$group"/*.swift \
        -o "$out/$group/bench" > "$out/$group.log" 2>&1; then
        cat "$out/$group.log" >&2
        echo "readers: $group does not build" >&2
        exit 1
    fi
    "$out/$group/bench"
done
