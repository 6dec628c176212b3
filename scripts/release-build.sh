#!/usr/bin/env bash
# The release build of mentor-notify, one for everything that ships or measures it: `make release`,
# the benchmarks (bench/*.sh) and the .deb (scripts/build-deb.sh), so the figures are the shipped
# binary's. The Swift runtime and Foundation are linked in: the package needs Debian's own libraries
# only, and a `tick`, a process of its own, does not resolve ~19,000 symbols of twenty shared Swift
# libraries at each start (~20 million instructions, bench/profile.sh). Full RELRO (bind now), as
# Debian's hardening flags ask of a daemon. Extra arguments go to `swift build`.
set -euo pipefail
cd "$(dirname "$0")/.."
exec "${SWIFT:-swift}" build -c release --product mentor-notify --static-swift-stdlib \
    -Xlinker -z -Xlinker relro -Xlinker -z -Xlinker now "$@"
