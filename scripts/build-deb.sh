#!/usr/bin/env bash
# make deb: mentor-notify_VERSION_amd64.deb from a staged tree with dpkg-deb (see README, "Install
# on a server", for why not debhelper). The Swift standard library is linked statically, so the
# package needs Debian's own libraries only; dpkg-shlibdeps finds which.
#   scripts/build-deb.sh [VERSION] [BINARY]   (defaults: the version the binary reports; a fresh
#                                               release build of this tree)
set -euo pipefail
cd "$(dirname "$0")/.."
binary=${2:-}
if [ -z "$binary" ]; then
    # The Swift runtime linked in, full RELRO: the release build the benchmarks measure too.
    scripts/release-build.sh >&2
    binary=.build/release/mentor-notify
fi
version=${1:-$("$binary" --version | awk '{print $NF}')}
out=${OUT:-.}
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
root=$stage/root
umask 022

install -D -m 0755 "$binary" "$root/usr/bin/mentor-notify"
strip --strip-unneeded --remove-section=.comment --remove-section=.note "$root/usr/bin/mentor-notify"
for language in da en; do
    install -d "$root/usr/share/mentor-notify/templates/$language"
    install -m 0644 templates/$language/*.txt "$root/usr/share/mentor-notify/templates/$language/"
done
install -d "$root/lib/systemd/system"
for unit in mentor-notify.service mentor-notify-backup.service; do
    sed 's|@BINDIR@|/usr/bin|' "systemd/$unit" > "$root/lib/systemd/system/$unit"
    chmod 0644 "$root/lib/systemd/system/$unit"
done
install -m 0644 systemd/mentor-notify.socket systemd/mentor-notify-backup.timer "$root/lib/systemd/system/"
install -D -m 0644 systemd/mentor-notify.sysusers "$root/usr/lib/sysusers.d/mentor-notify.conf"
install -D -m 0644 systemd/mentor-notify.tmpfiles "$root/usr/lib/tmpfiles.d/mentor-notify.conf"
install -D -m 0640 systemd/mentor-notify.example.json "$root/etc/mentor-notify/mentor-notify.example.json"
for secret in smtp-password sms-token imap-password; do
    install -m 0640 /dev/null "$root/etc/mentor-notify/$secret"
done
chmod 0750 "$root/etc/mentor-notify"
install -d "$root/usr/share/man/man1" "$root/usr/share/man/man5"
gzip -9n < man/mentor-notify.1 > "$root/usr/share/man/man1/mentor-notify.1.gz"
gzip -9n < man/mentor-notify.json.5 > "$root/usr/share/man/man5/mentor-notify.json.5.gz"
install -D -m 0644 packaging/lintian-overrides "$root/usr/share/lintian/overrides/mentor-notify"
install -D -m 0644 packaging/bash-completion/mentor-notify "$root/usr/share/bash-completion/completions/mentor-notify"
doc=$root/usr/share/doc/mentor-notify
install -d "$doc"
gzip -9n < README.md > "$doc/README.md.gz"
gzip -9n < packaging/changelog > "$doc/changelog.gz"
install -m 0644 packaging/copyright "$doc/copyright"
chmod 0644 "$root"/usr/share/man/man*/*.gz "$doc"/*

# Depends: what the binary links, as Debian's packages name it.
mkdir -p "$stage/debian"
printf 'Source: mentor-notify\n\nPackage: mentor-notify\nArchitecture: amd64\n' > "$stage/debian/control"
depends=$(cd "$stage" && dpkg-shlibdeps -O -e root/usr/bin/mentor-notify 2>/dev/null | sed 's/^shlibs:Depends=//')
size=$(du -sk --apparent-size "$root" | cut -f1)
install -d -m 0755 "$root/DEBIAN"
sed -e "s/@VERSION@/$version/" -e "s/@SIZE@/$size/" -e "s/@DEPENDS@/$depends/" packaging/control.in > "$root/DEBIAN/control"
install -m 0644 packaging/conffiles "$root/DEBIAN/conffiles"
install -m 0755 packaging/postinst packaging/prerm packaging/postrm "$root/DEBIAN/"
(cd "$root" && find . -type f ! -path './DEBIAN/*' ! -path './etc/*' -printf '%P\0' | sort -z | xargs -0 md5sum) > "$root/DEBIAN/md5sums"
chmod 0644 "$root/DEBIAN/md5sums"
package=$out/mentor-notify_${version}_amd64.deb
dpkg-deb --root-owner-group -Zxz --build "$root" "$package" >&2
echo "$package"
