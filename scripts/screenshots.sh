#!/usr/bin/env bash
# Starts the real ringdesk window under Xvfb on a store of demo customers and
# saves screenshots of the main window, the customer list, the customer
# card, the SMS문구 and 발신번호 windows and the caller pop-up into
# assets/screenshots/ (the README shows them).
#
#   scripts/screenshots.sh [CUSTOMERS]     # default 20000
#
# Needs: xvfb imagemagick xdotool fonts-noto-cjk (installed when missing).
set -euo pipefail
cd "$(dirname "$0")/.."

customers="${1:-20000}"
out=assets/screenshots
packages=(xvfb imagemagick xdotool fonts-noto-cjk)

missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if [ "${#missing[@]}" -gt 0 ]; then
  sudo_cmd=()
  [ "$(id -u)" -ne 0 ] && sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -q
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -q "${missing[@]}"
fi

cargo build --release --locked
bin=target/release/ringdesk
data="$(mktemp -d)"
display=":97"
cleanup() {
  [ -n "${app:-}" ] && kill "$app" 2>/dev/null || true
  [ -n "${xvfb:-}" ] && kill "$xvfb" 2>/dev/null || true
  rm -rf "$data"
}
trap cleanup EXIT

"$bin" --data-dir "$data" demo-data --customers "$customers" >/dev/null

Xvfb "$display" -screen 0 1280x800x24 -nolisten tcp &
xvfb=$!
sleep 1
DISPLAY="$display" "$bin" --data-dir "$data" &
app=$!

export DISPLAY="$display"
window=""
for _ in $(seq 1 100); do
  window="$(xdotool search --name '^ringdesk$' 2>/dev/null | head -n 1 || true)"
  [ -n "$window" ] && break
  sleep 0.2
done
if [ -z "$window" ]; then
  echo "the ringdesk window did not appear" >&2
  exit 1
fi
# Focus only once the window is mapped (X refuses it before).
sleep 2
xdotool windowfocus --sync "$window" || true
sleep 2

shot() {
  import -window root -crop 1024x700+0+0 +repage "$out/$1.png"
  echo "saved $out/$1.png"
}

mkdir -p "$out"
# The main window (1024×700 at the screen's corner): the first of today's
# calls clicked, so its customer's card shows below.
xdotool mousemove --window "$window" 420 118 click 1
sleep 1.5
shot main-window

# The customer list: 고객관리(C) → 고객목록.
xdotool mousemove --window "$window" 92 13 click 1
sleep 0.7
xdotool mousemove --window "$window" 92 63 click 1
sleep 2.5
shot customer-list

# A customer's card as a form: double-click the second row of the list.
xdotool mousemove --window "$window" 150 170 click --repeat 2 --delay 60 1
sleep 2
shot customer-card

# SMS문구 and 발신번호: ringdesk again, with three sender numbers and four
# saved texts registered from the command line.
kill "$app" 2>/dev/null || true
wait "$app" 2>/dev/null || true
"$bin" --data-dir "$data" sms sender add 02-2299-7123 --label 본사 >/dev/null
"$bin" --data-dir "$data" sms sender add 1588-1234 --label 고객센터 >/dev/null
"$bin" --data-dir "$data" sms sender add 010-2000-3000 --label "영업팀 휴대폰" >/dev/null
"$bin" --data-dir "$data" sms template add --title "방문 안내" --from 1588-1234 \
  --body $'#{이름}님, 내일 오후 2시에 방문드리겠습니다.\n문의: 1588-1234' >/dev/null
"$bin" --data-dir "$data" sms template add --title "결제 완료" --from 02-2299-7123 \
  --body "#{이름}님, 결제가 완료되었습니다. 감사합니다." >/dev/null
"$bin" --data-dir "$data" sms template add --title "부재중 연락" \
  --body "#{회사} #{이름}님, 전화드렸으나 연결되지 않았습니다. 편하실 때 연락 부탁드립니다." >/dev/null
"$bin" --data-dir "$data" sms template add --title "봄 이벤트" --ad --subject "봄맞이 할인" \
  --from 1588-1234 --body $'(광고) 봄맞이 20% 할인 행사를 시작합니다.\n무료거부 080-000-0000' >/dev/null
DISPLAY="$display" "$bin" --data-dir "$data" &
app=$!
window=""
for _ in $(seq 1 100); do
  window="$(xdotool search --name '^ringdesk$' 2>/dev/null | head -n 1 || true)"
  [ -n "$window" ] && break
  sleep 0.2
done
sleep 2
xdotool windowfocus --sync "$window" || true
sleep 1
# 파일(F) → 발신번호.
xdotool mousemove --window "$window" 30 13 click 1
sleep 1
xdotool mousemove --window "$window" 40 109 click 1
sleep 1.5
shot sender-numbers
# 닫기, then 파일(F) → SMS문구; the first text picked, and a preview for the
# first customer whose name has 김.
xdotool mousemove --window "$window" 42 277 click 1
sleep 1
xdotool mousemove --window "$window" 30 13 click 1
sleep 1
xdotool mousemove --window "$window" 40 86 click 1
sleep 1.5
xdotool mousemove --window "$window" 104 91 click 1
sleep 1
xdotool mousemove --window "$window" 170 256 click 1
sleep 0.5
xdotool type --delay 120 "김"
sleep 2
xdotool mousemove --window "$window" 95 280 click 1
sleep 1
xdotool mousemove --window "$window" 700 600
sleep 1
shot sms-templates

# The caller pop-up: ringdesk again, now with a PBX — the recorded Asterisk
# call of examples/ami_replay.rs, from the first demo customer's number.
kill "$app" 2>/dev/null || true
wait "$app" 2>/dev/null || true
cargo build --release --locked --example ami_replay
caller="$("$bin" --data-dir "$data" customer show 1 --json | python3 -c \
  'import json,sys; print(json.load(sys.stdin)["phones"][0]["display"].replace("-", ""))')"
for setting in "pbx.host 127.0.0.1" "pbx.port 15038" "pbx.user crm" "pbx.secret crm-secret" \
  "pbx.extension 1001"; do
  # shellcheck disable=SC2086
  "$bin" --data-dir "$data" config set $setting >/dev/null
done
target/release/examples/ami_replay 15038 "$caller" &
replay=$!
trap 'kill "$replay" 2>/dev/null || true; cleanup' EXIT
sleep 1
DISPLAY="$display" "$bin" --data-dir "$data" &
app=$!
# Rings for three seconds from a second after login, then is answered.
sleep 8
import -window root -crop 1280x700+0+0 +repage "$out/caller-popup.png"
echo "saved $out/caller-popup.png"
