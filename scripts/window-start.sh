#!/usr/bin/env bash
# Measures the real window on the benchmark's customer book under Xvfb: the
# time from starting ringdesk to its first frame (five starts), and resident
# memory after opening the customer list and scrolling through it.
#
#   scripts/window-start.sh [CUSTOMERS]     # default 1000000
#
# The book comes from `cargo bench --bench store` (target/bench-data/); run
# that first. Needs: xvfb xdotool (installed when missing).
set -euo pipefail
cd "$(dirname "$0")/.."

customers="${1:-1000000}"
book="target/bench-data/store-$customers.sqlite3"
if [ ! -f "$book" ]; then
  echo "no $book: run RINGDESK_BENCH_CUSTOMERS=$customers cargo bench --bench store first" >&2
  exit 1
fi
for package in xvfb xdotool; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
    sudo_cmd=()
    [ "$(id -u)" -ne 0 ] && sudo_cmd=(sudo)
    DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -q "$package"
  fi
done

cargo build --release --locked
bin=target/release/ringdesk
data=target/window-start
rm -rf "$data"
mkdir -p "$data"
# A hard link: the book is not copied, and ringdesk opens it as its own.
ln "$book" "$data/ringdesk.sqlite3"

display=":96"
Xvfb "$display" -screen 0 1280x800x24 -nolisten tcp &
xvfb=$!
app=""
cleanup() {
  [ -n "$app" ] && kill "$app" 2>/dev/null || true
  kill "$xvfb" 2>/dev/null || true
}
trap cleanup EXIT
sleep 1
export DISPLAY="$display"

# Starts ringdesk and sets $app and $ms (its first frame, from its log file).
first_frame() {
  rm -rf "$data/logs"
  "$bin" --data-dir "$data" >/dev/null 2>&1 &
  app=$!
  ms=""
  for _ in $(seq 1 100); do
    ms="$(grep -ho 'first frame drawn ms=[0-9]*' "$data"/logs/* 2>/dev/null | head -n 1 | cut -d= -f2 || true)"
    [ -n "$ms" ] && return
    sleep 0.1
  done
  echo "no first frame within 10 s" >&2
  exit 1
}

echo "first frame after start, $customers customers (ms):"
for run in 1 2 3 4 5; do
  first_frame
  echo "  run $run: $ms"
  kill "$app"
  wait "$app" 2>/dev/null || true
  app=""
done

first_frame
window="$(xdotool search --name '^ringdesk$' | head -n 1)"
# Focus only once the window is mapped (X refuses it before).
sleep 2
xdotool windowfocus --sync "$window" || true
sleep 1
# 고객관리(C) → 고객목록, then the wheel through the list.
xdotool mousemove --window "$window" 92 13 click 1
sleep 0.7
xdotool mousemove --window "$window" 92 63 click 1
sleep 2
xdotool mousemove --window "$window" 480 350
for _ in $(seq 1 300); do
  xdotool click 5
done
sleep 2
rss_kb="$(awk '/^VmRSS:/ { print $2 }' "/proc/$app/status")"
echo "resident memory after scrolling the list: $((rss_kb / 1024)) MB"
