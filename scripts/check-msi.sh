#!/usr/bin/env bash
# Checks the Windows installer source (installer/windows/main.wxs) as far as
# Linux can: msitools' wixl compiles it into an MSI around a placeholder
# ringdesk.exe (no Windows binary here), and msiinfo reads back the tables
# that matter — the program and font licences, both shortcuts, the icon,
# the version from Cargo.toml, the fixed UpgradeCode, and the tel:/callto:
# registration. wixl has no WixUIExtension, so the dialog lines between the
# wixl-skip markers are left out here; `cargo wix` on Windows (the release
# workflow) builds the whole source. Called by scripts/test.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

fail() { echo "check-msi: $*" >&2; exit 1; }

version=$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -n 1)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir "$work/bin"
printf 'placeholder for the build check, not a program\n' >"$work/bin/ringdesk.exe"
sed '/wixl-skip-begin/,/wixl-skip-end/d' installer/windows/main.wxs >"$work/main.wxs"
# wixl reads sources relative to the .wxs, as candle does from the project root.
ln -s "$root/assets" "$work/assets"
ln -s "$root/README.md" "$work/README.md"
ln -s "$root/installer" "$work/installer"
(
  cd "$work"
  # wixl warns about the attributes it does not know (Platform, Schedule).
  wixl -a x64 -D Version="$version" -D CargoTargetBinDir=bin -o ringdesk.msi main.wxs 2>&1 \
    | grep -v -e 'has no property named' -e '^$' || true
)
msi="$work/ringdesk.msi"
[ -s "$msi" ] || fail "wixl made no MSI"

# msiinfo writes binary columns (the icon) to files in the current folder.
cd "$work"
table() { msiinfo export "$msi" "$1" | tr -d '\r'; }
expect() {
  local name=$1 pattern=$2
  table "$name" | grep -qE "$pattern" || fail "$name table: nothing matches '$pattern'"
}
expect Property "^ProductVersion	$version\$"
expect Property "^UpgradeCode	\{20FC54C9-756E-43C8-AB03-B5F66F2AEF0C\}\$"
expect Property "^ALLUSERS	2\$"
expect Property "^MSIINSTALLPERUSER	1\$"
expect Property "^ARPPRODUCTICON	ringdesk.ico\$"
expect Upgrade "WIX_UPGRADE_DETECTED"
expect Upgrade "WIX_DOWNGRADE_DETECTED"
expect Icon "^ringdesk.ico"
expect File "ringdesk.exe	Binary"
for licence in NotoSansCJKkr-OFL.txt Ubuntu-UFL.txt Hack-Regular.txt NotoEmoji-OFL.txt emoji-icon-font-mit-license.txt; do
  expect File "	FontLicenceFiles	$licence	"
done
expect Shortcut "^StartMenuRingdesk	ProgramMenuFolder	ringdesk	"
expect Shortcut "^DesktopRingdesk	DesktopFolder	ringdesk	"
for scheme in tel callto; do
  expect Registry "Software\\\\Classes\\\\$scheme\\\\	URL Protocol"
  expect Registry "Software\\\\Classes\\\\$scheme\\\\shell\\\\open\\\\command		\"\[APPLICATIONFOLDER\]ringdesk.exe\" dial \"%1\""
  expect Registry "Software\\\\ringdesk\\\\Capabilities\\\\URLAssociations	$scheme	ringdesk.url"
done
expect Registry "Software\\\\RegisteredApplications	ringdesk	Software\\\\ringdesk\\\\Capabilities"
# Nothing the installer removes is the user's: no RemoveFile / RemoveFolder rows.
[ "$(table RemoveFile | wc -l)" -le 3 ] || fail "the MSI removes files it did not install"
echo "check-msi: ok ($(($(stat -c %s "$msi") / 1024)) KB MSI from wixl $(wixl --version))"
