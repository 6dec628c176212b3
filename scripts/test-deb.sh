#!/usr/bin/env bash
# make test-deb: the Debian package as an administrator meets it, under a real systemd. Builds the
# package of this tree (N+1) and of the release before it (N, from git: an older database schema),
# runs lintian and reads the man pages here, then boots a Debian 12 container (systemd-nspawn -b,
# loopback only) in which scripts/test-deb-container.sh installs N, upgrades to N+1, runs the
# service, its reload and stop, the backup service and a restore, and removes and purges; it fails
# on any warning our units write to the journal. Nothing is installed on this machine itself.
#   PREVIOUS=<git commit or tag> selects N (default: the last commit of version 0.1.0).
#   TEST_DEB_KEEP=<folder> keeps a copy of both packages there; TEST_DEB_PACKAGES="<N.deb> <N+1.deb>"
#   uses such packages instead of building them.
#   TEST_DEB_ROOTFS=<folder> keeps the container's base system (default under /var/cache); it is
#   made once with mmdebstrap from this machine's apt sources, and again when the packages differ.
set -euo pipefail
cd "$(dirname "$0")/.."
[ "$(id -u)" = 0 ] || { echo "test-deb: run as root (it boots a container)" >&2; exit 77; }
previous=${PREVIOUS:-e2c723a}
work=$(mktemp -d)
chmod 755 "$work"
cleanup() {
    git worktree remove --force "$work/previous" >/dev/null 2>&1 || true
    rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "test-deb: FAIL: $*" >&2; exit 1; }
step() { echo "test-deb: $*"; }

if [ -n "${TEST_DEB_PACKAGES:-}" ]; then
    # Packages built before (N then N+1), to try a change in the container part again quickly.
    read -r old new <<< "$TEST_DEB_PACKAGES"
    step "using $old (N) and $new (N+1) as built before"
else
    step "building N+1 from this tree"
    new=$(OUT="$work" scripts/build-deb.sh | tail -1)
    step "building N from $previous (with this tree's packaging)"
    git worktree add --detach "$work/previous" "$previous" >/dev/null 2>&1
    cp -r packaging man systemd "$work/previous/"
    cp scripts/build-deb.sh scripts/release-build.sh "$work/previous/scripts/"
    old=$(cd "$work/previous" && OUT="$work" scripts/build-deb.sh 0.1.0 | tail -1)
    if [ -n "${TEST_DEB_KEEP:-}" ]; then cp "$old" "$new" "$TEST_DEB_KEEP/"; fi
fi
ls -l "$old" "$new"

step "lintian on $(basename "$new")"
lintian --info --display-info "$new" > "$work/lintian.txt" 2>&1 || true
cat "$work/lintian.txt"
if grep -q '^E: ' "$work/lintian.txt"; then fail "lintian reports errors"; fi

step "man pages"
dpkg-deb -x "$new" "$work/unpacked"
MANPAGER=cat man -l "$work/unpacked/usr/share/man/man1/mentor-notify.1.gz" 2>/dev/null | grep -q "replies" \
    || fail "man mentor-notify"
MANPAGER=cat man -l "$work/unpacked/usr/share/man/man5/mentor-notify.json.5.gz" 2>/dev/null | grep -q "processedFolder" \
    || fail "man mentor-notify.json"

# The container's base: Debian 12 with systemd and what the package depends on (read from it), so
# that it installs there without a network (man-db: systemd-analyze verify reads the units' man:
# links). Kept between runs, keyed by that list.
depends=$(dpkg-deb -f "$new" Depends | tr ',' '\n' | sed -e 's/[[:space:]]*([^)]*)//' -e 's/^[[:space:]]*//' -e 's/|.*//' \
    | grep -v '^$' | sort -u | paste -sd, -)
include="systemd,systemd-sysv,dbus,python3,man-db,$depends"
key=$(echo "bookworm $include v1" | sha256sum | cut -c1-12)
base=${TEST_DEB_ROOTFS:-/var/cache/mentor-notify/test-deb/bookworm-$key}
if [ ! -f "$base/.complete" ]; then
    step "making the container's base system in $base (once; a few minutes): $include"
    rm -rf "$base.new"
    mkdir -p "$(dirname "$base")"
    mmdebstrap --quiet --variant=minbase --include="$include" \
        --dpkgopt='path-exclude=/usr/share/doc/*' --dpkgopt='path-include=/usr/share/doc/mentor-notify/*' \
        --dpkgopt='path-exclude=/usr/share/locale/*' bookworm "$base.new" >&2
    # No getty on a console that nobody reads; the test's unit powers the container off itself.
    rm -f "$base.new/etc/systemd/system/getty.target.wants/"*
    touch "$base.new/.complete"
    rm -rf "$base"
    mv "$base.new" "$base"
    # A base for another package list is not used again.
    if [ -z "${TEST_DEB_ROOTFS:-}" ]; then
        find "$(dirname "$base")" -mindepth 1 -maxdepth 1 -name 'bookworm-*' ! -path "$base" -exec rm -rf {} +
    fi
fi

step "booting Debian 12 under systemd-nspawn with both packages"
root=$work/root
cp -a --reflink=auto "$base" "$root"
mkdir -p "$work/share"
cp "$old" "$work/share/previous.deb"
cp "$new" "$work/share/current.deb"
cp scripts/test-deb-container.sh "$work/share/"
# Runs the test once the system is up (not oneshot: the boot must finish around it), and hands its
# exit code to nspawn (`systemctl exit`).
cat > "$root/etc/systemd/system/test-deb.service" <<'UNIT'
[Unit]
Description=make test-deb inside the container
After=multi-user.target

[Service]
Type=exec
ExecStart=/bin/sh -c '/bin/bash /test/test-deb-container.sh > /test/log 2>&1; systemctl exit $?'
UNIT
ln -s /etc/systemd/system/test-deb.service "$root/etc/systemd/system/multi-user.target.wants/test-deb.service"
set +e
# --register=no and --keep-unit: no systemd-machined or D-Bus is needed on this machine.
timeout 900 systemd-nspawn --quiet --register=no --keep-unit --private-network --machine=test-deb \
    --directory="$root" --bind="$work/share:/test" --boot > "$work/console.log" 2>&1
code=$?
set -e
cat "$work/share/log" 2>/dev/null || true
if [ "$code" != 0 ]; then
    echo "test-deb: the container's console:" >&2
    tail -40 "$work/console.log" >&2
    fail "the test inside the container exited $code"
fi
dpkg-deb -f "$new" Depends Installed-Size | sed 's/^/test-deb: /'
echo "test-deb: package size $(stat -c %s "$new") bytes"
echo "test-deb: PASS"
