#!/usr/bin/env bash
# Builds the Linux package (cargo-deb, metadata in Cargo.toml) from the
# debug binary the tests already built — no release build, which CI's two
# cores cannot afford — then checks it as a desk would use it: its contents,
# `dpkg -i`, the installed `ringdesk --version`, the tel:/callto: handler
# registration, and `dpkg -r` leaving the user's data folder alone.
# Called by scripts/test.sh; needs root or sudo for dpkg.
set -euo pipefail
cd "$(dirname "$0")/.."

sudo_cmd=()
[ "$(id -u)" -ne 0 ] && sudo_cmd=(sudo)

# Pinned: packing a dev-profile binary is deprecated in cargo-deb (a
# warning in 3.8, announced to become an error).
cargo_deb_version=3.8.0
if [ "$(cargo deb --version 2>/dev/null)" != "cargo-deb $cargo_deb_version" ]; then
  # About 4 minutes on two cores, once per machine.
  echo "installing cargo-deb $cargo_deb_version"
  cargo install cargo-deb --version "$cargo_deb_version" --locked
fi

target_dir=${CARGO_TARGET_DIR:-target}
if [ ! -x "$target_dir/debug/ringdesk" ]; then
  cargo build --locked
fi

work=$(mktemp -d)
cleanup() {
  if dpkg-query -W -f='${Status}' ringdesk 2>/dev/null | grep -q "install ok installed"; then
    "${sudo_cmd[@]}" dpkg -r ringdesk >/dev/null 2>&1 || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

# --profile dev packs target/debug/ringdesk (cargo-deb warns that it is
# meant for release builds: the release workflow builds those); --fast
# compresses with gzip, --strip drops the line tables from the packed copy.
cargo deb --profile dev --no-build --locked --fast --strip -q -o "$work/" 2>&1 \
  | grep -v -e "dev profile is not supported" -e "To enable debug symbols" || true
deb=$(ls "$work"/ringdesk_*.deb)
echo "built $(basename "$deb") ($(($(stat -c %s "$deb") / 1024 / 1024)) MB)"

fail() { echo "check-deb: $*" >&2; exit 1; }

contents=$(dpkg-deb -c "$deb" | awk '{ print $6 }')
expected=(
  ./usr/bin/ringdesk
  ./usr/share/applications/ringdesk.desktop
  ./usr/share/icons/hicolor/scalable/apps/ringdesk.svg
  ./usr/share/doc/ringdesk/copyright
  ./usr/share/doc/ringdesk/fonts/NotoSansCJKkr-OFL.txt
  ./usr/share/doc/ringdesk/fonts/Ubuntu-UFL.txt
  ./usr/share/doc/ringdesk/fonts/Hack-Regular.txt
  ./usr/share/doc/ringdesk/fonts/NotoEmoji-OFL.txt
  ./usr/share/doc/ringdesk/fonts/emoji-icon-font-mit-license.txt
)
for size in 16 24 32 48 64 128 256 512; do
  expected+=("./usr/share/icons/hicolor/${size}x${size}/apps/ringdesk.png")
done
for path in "${expected[@]}"; do
  grep -qxF "$path" <<<"$contents" || fail "$path is missing from the package"
done
echo "contents: binary, .desktop, $(grep -c '/icons/hicolor/' <<<"$contents" | tr -d ' ') icon paths, font licences"

dpkg-deb -x "$deb" "$work/root"
desktop="$work/root/usr/share/applications/ringdesk.desktop"
grep -qx 'Exec=ringdesk dial %u' "$desktop" || fail ".desktop does not run 'ringdesk dial %u'"
grep -qx 'MimeType=x-scheme-handler/tel;x-scheme-handler/callto;' "$desktop" \
  || fail ".desktop does not claim tel: and callto:"
if command -v desktop-file-validate >/dev/null 2>&1; then
  desktop-file-validate "$desktop"
fi

"${sudo_cmd[@]}" dpkg -i "$deb" >/dev/null
version=$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -n 1)
installed=$(/usr/bin/ringdesk --version)
[ "$installed" = "ringdesk $version" ] || fail "/usr/bin/ringdesk --version said '$installed'"
echo "installed: $installed"
if command -v update-desktop-database >/dev/null 2>&1; then
  # desktop-file-utils' dpkg trigger ran it: links now open ringdesk.
  grep -q '^x-scheme-handler/tel=.*ringdesk.desktop' /usr/share/applications/mimeinfo.cache \
    || fail "tel: links are not registered to ringdesk.desktop"
  grep -q '^x-scheme-handler/callto=.*ringdesk.desktop' /usr/share/applications/mimeinfo.cache \
    || fail "callto: links are not registered to ringdesk.desktop"
  echo "tel: and callto: open ringdesk.desktop"
fi

# A desk's data in the per-user folders, as the installed program keeps it.
home="$work/home"
mkdir -p "$home"
run_installed() {
  env -u RINGDESK_DATA_DIR -u XDG_DATA_HOME -u XDG_CONFIG_HOME HOME="$home" /usr/bin/ringdesk "$@"
}
run_installed customer add --name 홍길동 --phone 010-1234-5678 >/dev/null
database="$home/.local/share/ringdesk/ringdesk.sqlite3"
[ -s "$database" ] || fail "the installed program kept no database at $database"
before=$(sha256sum "$database" "$home/.config/ringdesk/settings.toml")

"${sudo_cmd[@]}" dpkg -r ringdesk >/dev/null
[ ! -e /usr/bin/ringdesk ] || fail "dpkg -r left /usr/bin/ringdesk"
[ ! -e /usr/share/applications/ringdesk.desktop ] || fail "dpkg -r left the .desktop file"
# dpkg -r left nothing to purge (no conffiles); -P must not find more.
"${sudo_cmd[@]}" dpkg -P ringdesk >/dev/null 2>&1
[ "$before" = "$(sha256sum "$database" "$home/.config/ringdesk/settings.toml")" ] \
  || fail "removing the package changed the user's data folder"
echo "removed and purged: the data folder $home/.local/share/ringdesk is untouched"
echo "check-deb: ok"
