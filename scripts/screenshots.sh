#!/bin/sh
# Regenerates the README's screenshots in docs/screenshots/ with real windows under Xvfb, inside a
# private D-Bus session and keyring (scripts/with-keyring.sh), so your own keyring is not touched.
# Usage: scripts/screenshots.sh [BUILD_DIR]   (default: build/dev; builds choragen_screenshots)
# Needs: xvfb-run (package xvfb), gnome-keyring, dbus.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-"$top/build/dev"}
out="$top/docs/screenshots"
cmake --build "$build" --target choragen_screenshots
tool="$build/tests/gui/choragen_screenshots"
mkdir -p "$out"
screen="-screen 0 1280x1024x24 -dpi 96"
# The keychain pictures: the Secret Service of the private session.
"$top/scripts/with-keyring.sh" xvfb-run -a -s "$screen" env QT_QPA_PLATFORM=xcb \
    "$tool" "$out" keychain
# The file fallback: no D-Bus session at all.
xvfb-run -a -s "$screen" env QT_QPA_PLATFORM=xcb DBUS_SESSION_BUS_ADDRESS=unix:path=/nonexistent \
    "$tool" "$out" file-fallback
echo "Screenshots are in $out"
