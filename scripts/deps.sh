#!/usr/bin/env bash
# Installs what mentor-notify needs on a Debian machine, only when it is missing.
#   scripts/deps.sh build   the C libraries (libcurl, SQLite, libcrypto's headers) and pkg-config
#   scripts/deps.sh test    also the real servers and clients the tests use (aiosmtpd, Dovecot, Postfix, nginx, curl,
#                           Chromium, openssl, systemd-analyze, html5lib, prometheus-client)
#   scripts/deps.sh deb     the build tools plus what make deb and make test-deb use (dpkg-dev, lintian, man-db,
#                           and the container: systemd-nspawn, mmdebstrap)
#   scripts/deps.sh bench   what test installs, and valgrind (bench/profile.sh counts instructions with callgrind)
set -euo pipefail
want=${1:-build}

if ! command -v swift >/dev/null 2>&1; then
    echo "deps: the Swift 6.3 toolchain is not on PATH; install it (swift.org) or add /opt/swift/usr/bin to PATH" >&2
    exit 69
fi

sudo_cmd=()
if [ "$(id -u)" != 0 ]; then
    if command -v sudo >/dev/null 2>&1; then sudo_cmd=(sudo); fi
fi

packages=()
pkg-config --exists libcurl 2>/dev/null && [ -f /usr/include/x86_64-linux-gnu/curl/curl.h -o -f /usr/include/curl/curl.h ] \
    || packages+=(libcurl4-openssl-dev)
pkg-config --exists sqlite3 2>/dev/null || packages+=(libsqlite3-dev)
# HMAC for webhook signatures comes from libcrypto, which libcurl already loads; its headers:
pkg-config --exists libcrypto 2>/dev/null || packages+=(libssl-dev)
command -v pkg-config >/dev/null 2>&1 || packages+=(pkg-config)
if [ "$want" = bench ]; then
    command -v valgrind >/dev/null 2>&1 || packages+=(valgrind)
    command -v gcc >/dev/null 2>&1 || packages+=(gcc)
    want=test
fi

if [ "$want" = test ]; then
    command -v openssl >/dev/null 2>&1 || packages+=(openssl)
    command -v python3 >/dev/null 2>&1 || packages+=(python3 python3-pip)
    command -v systemd-analyze >/dev/null 2>&1 || packages+=(systemd)
    # A real IMAP server for the replies tests (started on a free port with its own config).
    command -v dovecot >/dev/null 2>&1 || packages+=(dovecot-imapd)
    # A real relay for the delivery tests: a private Postfix instance (Tests/Support/postfix_server.py),
    # never the system's mail service, which is left unconfigured.
    if ! command -v postfix >/dev/null 2>&1 && [ ! -x /usr/sbin/postfix ]; then
        packages+=(postfix)
        echo "postfix postfix/main_mailer_type select No configuration" | "${sudo_cmd[@]}" debconf-set-selections
    fi
    # The reverse proxy in front of the web endpoint, as the README shows it; curl as the client.
    command -v nginx >/dev/null 2>&1 || packages+=(nginx-light)
    command -v curl >/dev/null 2>&1 || packages+=(curl)
    # The unsubscribe page and the leader's desk are opened in a real browser, headless (DeskBrowserTests
    # drives it over the DevTools pipe and takes screenshots).
    command -v chromium >/dev/null 2>&1 || packages+=(chromium)
fi

if [ "$want" = deb ]; then
    # make test-deb: the Debian tools the package is built and judged with.
    command -v dpkg-shlibdeps >/dev/null 2>&1 || packages+=(dpkg-dev)
    command -v lintian >/dev/null 2>&1 || packages+=(lintian)
    command -v man >/dev/null 2>&1 || packages+=(man-db)
    command -v systemd-analyze >/dev/null 2>&1 || packages+=(systemd)
    command -v systemd-nspawn >/dev/null 2>&1 || packages+=(systemd-container)
    command -v mmdebstrap >/dev/null 2>&1 || packages+=(mmdebstrap)
fi

if [ ${#packages[@]} -gt 0 ]; then
    echo "deps: installing ${packages[*]}" >&2
    export DEBIAN_FRONTEND=noninteractive
    "${sudo_cmd[@]}" apt-get update -qq
    "${sudo_cmd[@]}" apt-get install -y -qq "${packages[@]}" >/dev/null
fi

if [ "$want" = test ]; then
    if ! python3 -c 'import prometheus_client' 2>/dev/null; then
        echo "deps: installing prometheus-client (its parser checks /metrics)" >&2
        python3 -m pip install -q prometheus-client 2>/dev/null \
            || python3 -m pip install -q --break-system-packages prometheus-client
    fi
    if ! python3 -c 'import html5lib' 2>/dev/null; then
        echo "deps: installing html5lib (a WHATWG HTML parser checks the unsubscribe page and the desk)" >&2
        python3 -m pip install -q html5lib 2>/dev/null \
            || python3 -m pip install -q --break-system-packages html5lib
    fi
    if ! python3 -c 'import aiosmtpd' 2>/dev/null; then
        echo "deps: installing aiosmtpd (a real SMTP server for the tests)" >&2
        python3 -m pip install -q aiosmtpd 2>/dev/null \
            || python3 -m pip install -q --break-system-packages aiosmtpd
    fi
fi
