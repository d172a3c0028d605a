#!/bin/sh
# Runs a command inside a private D-Bus session with its own HOME and an unlocked
# gnome-keyring (Secret Service), so nothing touches the developer's own keyring.
# Usage: scripts/with-keyring.sh COMMAND [ARGS...]
set -eu
if [ -z "${CHORAGEN_IN_KEYRING:-}" ]; then
    home=$(mktemp -d "${TMPDIR:-/tmp}/choragen-keyring.XXXXXX")
    trap 'rm -rf "$home"' EXIT INT TERM
    mkdir -p "$home/.local/share/keyrings" "$home/runtime"
    chmod 700 "$home/runtime"
    status=0
    CHORAGEN_IN_KEYRING=1 HOME="$home" XDG_RUNTIME_DIR="$home/runtime" \
        XDG_DATA_HOME="$home/.local/share" XDG_CONFIG_HOME="$home/.config" \
        XDG_CACHE_HOME="$home/.cache" \
        dbus-run-session -- "$0" "$@" || status=$?
    exit "$status"
fi
# Inside the session: start the keyring with a throwaway password, which also unlocks it.
eval "$(printf 'test-keyring-password' | gnome-keyring-daemon --unlock --components=secrets)" \
    >/dev/null
export GNOME_KEYRING_CONTROL SSH_AUTH_SOCK 2>/dev/null || true
exec "$@"
