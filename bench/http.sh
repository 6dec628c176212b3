#!/usr/bin/env bash
# HTTP request reader benchmark: a 16 KiB head (the cap) delivered a byte per read beside all at
# once, and a pipelined stream at 64 KiB and 256 KiB, read a byte per read. Built from the
# HTTPServer sources with -O, as the daemon is; prints the times and the ratios.
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp Sources/HTTPServer/HTTPMessage.swift Sources/HTTPServer/RequestParser.swift "$work/"
cp bench/http_head.swift "$work/main.swift"
swiftc -O -module-name HTTPBench "$work"/*.swift -o "$work/http-bench"
"$work/http-bench"
