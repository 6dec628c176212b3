#!/usr/bin/env bash
# make fuzz: libFuzzer targets for the CSV reader, the validators, the template renderer, the MIME
# builder, the reader of inbound email, the HTTP request parser, the webhook signatures, the readers of what servers answer (SMS gateways, SMTP replies, IMAP), the desk's forms and its sign-in, each run for a bounded time (FUZZ_SECONDS,
# default 60). Corpora grow in fuzz/corpus/;
# a crash is saved in fuzz/crashes/ and should become a regression test. Every input, seeds included,
# has FUZZ_TIMEOUT seconds (default 2): a reader that takes longer is a finding, like a crash (a
# reader of outside input is linear in its input; the slow inputs once found are seeds).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${FUZZ_SECONDS:-60}
timeout=${FUZZ_TIMEOUT:-2}
out=fuzz/out
mkdir -p "$out" fuzz/crashes
# The module sources a target needs (one module per target).
. scripts/module-sources.sh
status=0
for target in ${FUZZ_TARGETS:-csv validators template mime gateway reply http webhook imap multipart form desklogin}; do
    build="$out/$target-src"
    rm -rf "$build" && mkdir -p "$build" "fuzz/corpus/$target"
    copy_module_sources "$target" "$build"
    cp "fuzz/targets/$target.swift" "$build/zz_target.swift"
    # A target that no longer builds is a failure, never a run of the binary left from last time.
    rm -f "$out/$target"
    # A target on libcrypto imports it through its module map and links it.
    extra=()
    if [ "$target" = webhook ]; then extra=(-I Sources/CCrypto -lcrypto); fi
    if ! swiftc -sanitize=fuzzer,address -parse-as-library -module-name Fuzz$target -package-name fuzz "${extra[@]}" "$build"/*.swift \
        -o "$out/$target" > "$out/$target.build.log" 2>&1; then
        grep -v "Cannot export local symbol" "$out/$target.build.log" | head -40
        echo "fuzz $target: BUILD FAILED (the sources() list may miss a file the target now needs)"
        status=1
        continue
    fi
    if [ "${FUZZ_CHECK:-0}" = 1 ]; then
        # make test: the target builds, and every seed (each an earlier finding) runs clean, once.
        mkdir -p "fuzz/seeds/$target"
        if ! "$out/$target" -runs=0 -timeout="$timeout" -artifact_prefix="$out/$target-" fuzz/seeds/"$target" > "$out/$target.log" 2>&1; then
            echo "fuzz $target: a seed fails or takes over ${timeout}s, see $out/$target.log"
            status=1
        else
            echo "fuzz $target: builds, $(ls fuzz/seeds/"$target" | wc -l) seeds run clean"
        fi
        continue
    fi
    echo "== fuzz $target for ${seconds}s"
    if ! "$out/$target" -max_total_time="$seconds" -timeout="$timeout" -print_final_stats=1 -artifact_prefix="fuzz/crashes/$target-" \
        "fuzz/corpus/$target" fuzz/seeds/"$target" > "$out/$target.log" 2>&1; then
        echo "fuzz $target: CRASH or SLOW INPUT (over ${timeout}s), see $out/$target.log and fuzz/crashes/"
        status=1
    fi
    grep -E "^Done|stat::number_of_executed_units|stat::peak_rss" "$out/$target.log" | tr '\n' ' '
    echo
    grep -E "cov: [0-9]+" "$out/$target.log" | tail -1 | sed -E 's/.*(cov: [0-9]+ ft: [0-9]+ corp: [^ ]+).*/  coverage: \1/'
done
exit $status
