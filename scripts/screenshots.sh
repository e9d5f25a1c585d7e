#!/usr/bin/env bash
# Starts the real ringdesk window under Xvfb on a store of demo customers and
# saves screenshots of the sign-in window, the main window, the customer list, the customer
# card, the SMS문구 and 발신번호 windows, the SMS composer, the message log,
# the bulk-send windows and their results, 고객 가져오기, a card's 이력 (history)
# tab, and the caller pop-up into
# assets/screenshots/ (the README shows them).
#
#   scripts/screenshots.sh [CUSTOMERS]     # default 20000
#   RINGDESK_BIN=path/to/ringdesk scripts/screenshots.sh   # skip the release build
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

target_dir="${CARGO_TARGET_DIR:-target}"
if [ -n "${RINGDESK_BIN:-}" ]; then
  bin="$RINGDESK_BIN"
else
  cargo build --release --locked
  bin="$target_dir/release/ringdesk"
fi
data="$(mktemp -d)"
display="${SCREENSHOT_DISPLAY:-:97}"
cleanup() {
  [ -n "${app:-}" ] && kill "$app" 2>/dev/null || true
  [ -n "${xvfb:-}" ] && kill "$xvfb" 2>/dev/null || true
  rm -rf "$data"
}
trap cleanup EXIT

"$bin" --data-dir "$data" demo-data --customers "$customers" >/dev/null
# The admin every window below signs in as; the sign-in form remembers the login.
password="screenshot-1"
add_admin() {
  printf '%s\n' "$password" | "$bin" --data-dir "$1" user add --login admin --role admin \
    --display-name 관리자 --extension 1001 --password-stdin >/dev/null
  RINGDESK_USER=admin RINGDESK_PASSWORD="$password" \
    "$bin" --data-dir "$1" config set user.last_login admin >/dev/null
}
add_admin "$data"
# Every command below runs as that admin.
export RINGDESK_USER=admin RINGDESK_PASSWORD="$password"
# Signs in: the login is filled in and the password field has the focus.
sign_in() {
  xdotool type --delay 50 "$password"
  xdotool key Return
  sleep 2
}

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
# The sign-in window, then signed in.
shot sign-in
sign_in
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
xdotool mousemove --window "$window" 150 192 click --repeat 2 --delay 60 1
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
sign_in
# 파일(F) → 발신번호.
xdotool mousemove --window "$window" 30 13 click 1
sleep 1
xdotool mousemove --window "$window" 40 155 click 1
sleep 1.5
shot sender-numbers
# 닫기, then 파일(F) → SMS문구; the first text picked, and a preview for the
# first customer whose name has 김.
xdotool mousemove --window "$window" 42 277 click 1
sleep 1
xdotool mousemove --window "$window" 30 13 click 1
sleep 1
xdotool mousemove --window "$window" 40 132 click 1
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

# The SMS composer and 문자발송결과: ringdesk again, with the sender numbers
# and saved texts above and the advertising details set.
kill "$app" 2>/dev/null || true
wait "$app" 2>/dev/null || true
"$bin" --data-dir "$data" sms template add --title "방문 안내" \
  --body "#{이름}님, 내일 오후 2시 방문 상담이 예정되어 있습니다. 준비물: 신분증" >/dev/null
"$bin" --data-dir "$data" config set sms.sender_name 링데스크 >/dev/null
"$bin" --data-dir "$data" config set sms.optout_number 080-123-4567 >/dev/null
DISPLAY="$display" "$bin" --data-dir "$data" &
app=$!
sleep 6
window="$(xdotool search --name '^ringdesk$' | head -n 1)"
xdotool windowfocus --sync "$window" || true
sleep 1
sign_in
# The first of today's calls, then its customer's first 문자 button.
xdotool mousemove --window "$window" 420 118 click 1
sleep 1.5
xdotool mousemove --window "$window" 431 383 click 1
sleep 1.5
# The saved text, then more words (typed slowly: xdotool drops keys
# otherwise) and two symbols, one of which EUC-KR cannot carry.
xdotool mousemove --window "$window" 183 119 click 1
sleep 1
xdotool mousemove --window "$window" 130 146 click 1
sleep 1
xdotool mousemove --window "$window" 300 240 click 1
xdotool key End
for word in " 주차는" " 건물" " 지하" " 2층을" " 이용해" " 주세요" " ★☺"; do
  xdotool type --delay 400 "$word"
  sleep 0.6
done
# 광고, then the fix that adds what the advertising rules ask for.
xdotool mousemove --window "$window" 30 198 click 1
sleep 1
xdotool mousemove --window "$window" 165 198 click 1
sleep 1.5
shot sms-composer

# An ordinary text instead (advertising may not go at night): send it
# (Ctrl+Enter), close the composer and open 고객관리(C) → 문자발송결과 with
# the message selected.
xdotool mousemove --window "$window" 100 300 click 1
xdotool key ctrl+a
for word in "내일" " 오후" " 2시" " 방문" " 예정입니다."; do
  xdotool type --delay 400 "$word"
  sleep 0.6
done
# Now an SMS: no subject row, so 광고 sits higher.
xdotool mousemove --window "$window" 30 172 click 1
sleep 0.5
xdotool mousemove --window "$window" 100 250 click 1
sleep 0.5
xdotool key ctrl+Return
sleep 2
xdotool mousemove --window "$window" 106 120 click 1
sleep 0.7
xdotool mousemove --window "$window" 92 13 click 1
sleep 0.7
xdotool mousemove --window "$window" 105 164 click 1
sleep 2.5
xdotool mousemove --window "$window" 600 252 click 1
sleep 1.5
shot message-log

# 대량문자발송: ringdesk again; every group's customers, a text with
# #{이름}, sent.
kill "$app" 2>/dev/null || true
wait "$app" 2>/dev/null || true
DISPLAY="$display" "$bin" --data-dir "$data" &
app=$!
sleep 6
window="$(xdotool search --name '^ringdesk$' | head -n 1)"
xdotool windowfocus --sync "$window" || true
sleep 1
sign_in
xdotool mousemove --window "$window" 92 13 click 1
sleep 0.7
xdotool mousemove --window "$window" 100 264 click 1
sleep 2
xdotool mousemove --window "$window" 190 70 click 1
sleep 1
xdotool mousemove --window "$window" 73 120 click 1
sleep 2
xdotool mousemove --window "$window" 777 217 click 1
sleep 0.5
for word in "#{이름}님," " 이번" " 주말" " 매장" " 휴무를" " 안내드립니다."; do
  xdotool type --delay 300 "$word"
  sleep 0.5
done
sleep 1.5
shot bulk-sms
xdotool mousemove --window "$window" 602 650 click 1
sleep 1.5
xdotool mousemove --window "$window" 341 423 click 1
sleep 2
# 문자발송결과 while it runs, the send selected.
xdotool key Escape
sleep 0.5
xdotool mousemove --window "$window" 92 13 click 1
sleep 0.7
xdotool mousemove --window "$window" 100 334 click 1
sleep 8
xdotool mousemove --window "$window" 230 167 click 1
sleep 3
shot batch-results

# 임의문자발송: pasted numbers, one not a mobile and one repeated.
xdotool key Escape
sleep 0.5
xdotool mousemove --window "$window" 92 13 click 1
sleep 0.7
xdotool mousemove --window "$window" 100 287 click 1
sleep 2
xdotool mousemove --window "$window" 185 160 click 1
sleep 0.3
for line in "010-2345-6789" "010-3456-7890, 010-4567-8901" "02-555-1234" "010-2345-6789" \
  "01098765432"; do
  xdotool type --delay 80 "$line"
  xdotool key Return
  sleep 0.3
done
sleep 1
xdotool mousemove --window "$window" 630 217 click 1
for word in "내일" " 오전" " 10시" " 설명회에" " 초대합니다."; do
  xdotool type --delay 300 "$word"
  sleep 0.5
done
sleep 1
xdotool mousemove --window "$window" 60 297 click 1
sleep 1
xdotool mousemove --window "$window" 60 368 click 1
sleep 1
shot free-sms

# 엑셀문자발송 with the test sheet (examples/sheet_window.rs loads it: the
# file dialog cannot be driven here), #{이름} and #{쿠폰코드} from its chips.
kill "$app" 2>/dev/null || true
wait "$app" 2>/dev/null || true
cargo build --release --locked --example sheet_window
"$target_dir/release/examples/sheet_window" excel "$data" tests/data/import/sms_targets.xlsx 1024 700 &
app=$!
sleep 5
window="$(xdotool search --name '^ringdesk$' | head -n 1)"
xdotool windowfocus --sync "$window" || true
sleep 1
xdotool mousemove --window "$window" 92 13 click 1
sleep 0.7
xdotool mousemove --window "$window" 100 310 click 1
sleep 4
xdotool mousemove --window "$window" 730 217 click 1
sleep 0.3
xdotool mousemove --window "$window" 57 409 click 1
sleep 0.8
for word in "님," " 방문" " 감사" " 쿠폰:"; do
  xdotool type --delay 300 "$word"
  sleep 0.4
done
xdotool type --delay 200 " "
xdotool mousemove --window "$window" 290 409 click 1
sleep 2
xdotool mousemove --window "$window" 60 465 click 1
sleep 1.5
shot excel-sms

# 고객 가져오기 with the customer fixture (examples/sheet_window.rs loads
# it), the rejected rows opened.
kill "$app" 2>/dev/null || true
wait "$app" 2>/dev/null || true
cargo build --release --locked --example sheet_window
"$target_dir/release/examples/sheet_window" import "$data" tests/data/import/customers.xlsx 1024 700 &
app=$!
sleep 5
window="$(xdotool search --name '^ringdesk$' | head -n 1)"
xdotool windowfocus --sync "$window" || true
sleep 1
xdotool mousemove --window "$window" 92 13 click 1
sleep 0.7
xdotool mousemove --window "$window" 100 109 click 1
sleep 4
xdotool mousemove --window "$window" 88 383 click 1
sleep 0.5
xdotool mousemove --window "$window" 600 560
sleep 1
shot import

# A card's 이력 tab: a customer with calls, messages, notes and changes by
# two agents (examples/timeline_data.rs), opened from the customer list.
kill "$app" 2>/dev/null || true
wait "$app" 2>/dev/null || true
cargo build --release --locked --example timeline_data
history_data="$(mktemp -d)"
"$target_dir/release/examples/timeline_data" "$history_data" >/dev/null
add_admin "$history_data"
DISPLAY="$display" "$bin" --data-dir "$history_data" &
app=$!
sleep 5
window="$(xdotool search --name '^ringdesk$' | head -n 1)"
xdotool windowfocus --sync "$window" || true
sleep 1
sign_in
xdotool mousemove --window "$window" 92 13 click 1
sleep 0.7
xdotool mousemove --window "$window" 92 63 click 1
sleep 2.5
xdotool mousemove --window "$window" 60 192 click --repeat 2 --delay 60 1
sleep 2
xdotool mousemove --window "$window" 330 192 click 1
sleep 1.5
shot timeline
rm -rf "$history_data"

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
"$target_dir/release/examples/ami_replay" 15038 "$caller" &
replay=$!
trap 'kill "$replay" 2>/dev/null || true; cleanup' EXIT
sleep 1
DISPLAY="$display" "$bin" --data-dir "$data" &
app=$!
sleep 2
window="$(xdotool search --name '^ringdesk$' | head -n 1)"
xdotool windowfocus --sync "$window" || true
sign_in
# Rings for three seconds from a second after the PBX login, then is answered.
sleep 4
import -window root -crop 1280x700+0+0 +repage "$out/caller-popup.png"
echo "saved $out/caller-popup.png"
