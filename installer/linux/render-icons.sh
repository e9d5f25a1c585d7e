#!/usr/bin/env bash
# Renders assets/icons/ringdesk.svg into the PNG sizes the .deb installs
# (hicolor 16…512) and the .ico the Windows build and installer use.
# Run after changing the SVG; commit what it writes.
# Needs librsvg2-bin (rsvg-convert) and imagemagick (convert).
set -euo pipefail
cd "$(dirname "$0")/../../assets/icons"
for size in 16 24 32 48 64 128 256 512; do
  rsvg-convert -w "$size" -h "$size" ringdesk.svg -o "ringdesk-$size.png"
done
convert ringdesk-16.png ringdesk-24.png ringdesk-32.png ringdesk-48.png ringdesk-64.png \
  ringdesk-256.png ringdesk.ico
