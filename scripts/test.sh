#!/usr/bin/env bash
# Runs every ringdesk test on a fresh Debian/Ubuntu machine: installs the
# system packages the tests need when they are missing, then checks
# formatting, lints, docs, the tests, and a small smoke run of the benchmarks.
set -euo pipefail
cd "$(dirname "$0")/.."

# System packages the tests use: a CJK font for the window tests (egui has no
# Hangul glyphs of its own); Kannel (bearerbox, smsbox) and its fake SMS
# centre (kannel-extras) for the SMS gateway tests; python3 to generate the
# import benchmark's customer file and sqlite3 for its `.import` ceiling;
# desktop-file-utils to check the .deb's desktop entry and register its
# tel:/callto: links, wixl and msitools to build and read the Windows
# installer source.
packages=(fonts-noto-cjk kannel kannel-extras python3 sqlite3 desktop-file-utils wixl msitools)

if ! command -v cargo >/dev/null 2>&1; then
  echo "cargo is missing: install Rust with https://rustup.rs (curl --proto '=https' -sSf https://sh.rustup.rs | sh)" >&2
  exit 1
fi

missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "installing: ${missing[*]}"
  sudo_cmd=()
  [ "$(id -u)" -ne 0 ] && sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -q
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -q "${missing[@]}"
fi

step() { printf '\n== %s\n' "$*"; }

# A one-off build gains nothing from incremental caches, which only take disk.
export CARGO_INCREMENTAL=0
free_kb=$(df -Pk . | awk 'NR == 2 { print $4 }')
if [ "$free_kb" -lt $((6 * 1024 * 1024)) ]; then
  echo "warning: only $((free_kb / 1024)) MB free here; the test builds need about 6 GB" >&2
fi

step "format"
cargo fmt --all -- --check
step "lints"
cargo clippy --all-targets --locked -- -D warnings
step "docs"
RUSTDOCFLAGS="-D warnings" cargo doc --no-deps --locked --quiet
step "layering: nothing below backend/ui uses egui"
if grep -rnE '\b(egui|eframe)::' src/domain src/store src/config src/cli src/demo src/backend src/pbx src/sms; then
  echo "only src/ui may use egui/eframe" >&2
  exit 1
fi
step "benchmark smoke run (small store; full runs: cargo bench --bench store / window / pbx / popup / sms / kannel / batch / import / export)"
RINGDESK_BENCH_CUSTOMERS=5000 RINGDESK_BENCH_REBUILD=1 cargo test --locked --bench store
cargo test --locked --bench phone
cargo test --locked --bench sms
RINGDESK_BENCH_CUSTOMERS=5000 cargo test --locked --bench window
cargo test --locked --bench pbx
RINGDESK_BENCH_CUSTOMERS=5000 RINGDESK_BENCH_CALLS=50 cargo test --locked --bench popup
RINGDESK_BENCH_MESSAGES=500 cargo test --locked --bench kannel
RINGDESK_BENCH_CUSTOMERS=2000 cargo test --locked --bench batch
RINGDESK_BENCH_IMPORT_ROWS=2000 cargo test --locked --bench import
RINGDESK_BENCH_CUSTOMERS=2000 cargo test --locked --bench export
step "tests"
cargo test --locked --lib --test integration -- --skip bulk_kill
# 10,000 messages through Kannel with a kill in the middle: alone, so the
# other tests' load does not stretch it.
cargo test --locked --test integration bulk_kill
step "Linux package: build the .deb from the debug binary, install, run, remove (scripts/check-deb.sh)"
scripts/check-deb.sh
step "Windows installer source: build it with wixl and read its tables (scripts/check-msi.sh)"
scripts/check-msi.sh
