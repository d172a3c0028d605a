#!/bin/sh
# Under a real X server (Xvfb): `choragen --project DIR` shows the "Secure your API keys" wizard
# for a legacy config with plaintext keys, and only the "Choragen Settings" window otherwise;
# `choragen-settings --migrate` shows the wizard also where the project keeps its keys in the file.
# Usage: check-real-window.sh CHORAGEN_BINARY   (run by CTest inside make test's keyring session)
set -eu
binary=$1
if [ -z "${CHORAGEN_UNDER_XVFB:-}" ]; then
    CHORAGEN_UNDER_XVFB=1 exec xvfb-run -a -s "-screen 0 1280x1024x24" sh "$0" "$@"
fi
work=$(mktemp -d "${TMPDIR:-/tmp}/choragen-x11.XXXXXX")
trap 'kill "$pid" 2>/dev/null || true; rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
unset QT_QPA_PLATFORM

# Waits up to 15 s for a top-level window titled $1; returns 1 if none appears.
wait_for_title() {
    for _ in $(seq 150); do
        xwininfo -root -tree | grep -q "\"$1\"" && return 0
        sleep 0.1
    done
    return 1
}

mkdir -p "$work/legacy/.choragen" "$work/plain" "$work/kept/.choragen"
printf '{"providers": {"openai": {"apiKey": "sk-FAKE-x11-check-not-a-real-key-01"}}}\n' >"$work/legacy/.choragen/config.json"
chmod 600 "$work/legacy/.choragen/config.json"
printf '{"credentialStorage": "file", "providers": {"openai": {"apiKey": "sk-FAKE-x11-check-not-a-real-key-02"}}}\n' >"$work/kept/.choragen/config.json"
chmod 600 "$work/kept/.choragen/config.json"

"$binary" --project "$work/legacy" >"$work/legacy.log" 2>&1 &
pid=$!
wait_for_title "Secure your API keys" || fail "no wizard for a legacy config"
kill "$pid"; wait "$pid" 2>/dev/null || true

"$binary" --project "$work/plain" >"$work/plain.log" 2>&1 &
pid=$!
wait_for_title "Choragen Settings" || fail "no settings window"
sleep 1
xwininfo -root -tree | grep -q '"Secure your API keys"' && fail "a wizard without plaintext keys"
kill "$pid"; wait "$pid" 2>/dev/null || true

"$(dirname "$binary")/choragen-settings" --migrate --project "$work/kept" >"$work/kept.log" 2>&1 &
pid=$!
wait_for_title "Secure your API keys" || fail "no wizard from choragen-settings --migrate"
kill "$pid"; wait "$pid" 2>/dev/null || true
grep -q "not-a-real-key" "$work/legacy.log" "$work/plain.log" "$work/kept.log" && fail "a key was printed"
echo "ok: wizard for a legacy config and on --migrate, settings window otherwise"
