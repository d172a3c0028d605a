#!/bin/sh
# Runs TestUnlock (the settings window's Unlock… button) against a real, locked gnome-keyring
# under a real X server: its own Xvfb display, its own D-Bus session, its own HOME, and a login
# keyring with a password, so the real unlock prompt (gcr-prompter) appears and can be answered.
# Usage: check-unlock.sh TEST_BINARY [TEST FUNCTIONS…]   (run by CTest)
set -eu
if [ -z "${CHORAGEN_UNDER_XVFB:-}" ]; then
    CHORAGEN_UNDER_XVFB=1 exec xvfb-run -a -s "-screen 0 1280x1024x24" sh "$0" "$@"
fi
if [ -z "${CHORAGEN_UNLOCK_SESSION:-}" ]; then
    unset DBUS_SESSION_BUS_ADDRESS
    CHORAGEN_UNLOCK_SESSION=1 exec dbus-run-session -- sh "$0" "$@"
fi
work=$(mktemp -d "${TMPDIR:-/tmp}/choragen-unlock.XXXXXX")
trap 'rm -rf "$work"' EXIT
export HOME="$work/home"
export XDG_RUNTIME_DIR="$work/run" XDG_DATA_HOME="$HOME/.local/share"
export XDG_CONFIG_HOME="$HOME/.config" XDG_CACHE_HOME="$HOME/.cache"
mkdir -p "$XDG_RUNTIME_DIR" "$XDG_DATA_HOME/keyrings" "$XDG_CONFIG_HOME"
chmod 700 "$XDG_RUNTIME_DIR"
unset QT_QPA_PLATFORM CHORAGEN_KEYCHAIN_TIMEOUT_MS

# The bus starts the prompter (gcr-prompter) on demand: it must know the display.
dbus-update-activation-environment DISPLAY
# A login keyring with a password, unlocked now; the test locks it through the Secret Service.
export CHORAGEN_TEST_KEYRING_PASSWORD=choragen-test-keyring-password
printf '%s' "$CHORAGEN_TEST_KEYRING_PASSWORD" \
    | gnome-keyring-daemon --unlock --components=secrets >/dev/null
"$@"
