#!/bin/bash
# Runs a command inside a private session bus whose Secret Service is PROVIDER, not
# gnome-keyring: keepassxc (an unlocked database, UnlockBeforeSearch=false so a locked one
# answers "locked" at once), kwallet (kwalletd5 opened the way pam_kwallet5 does) or
# kwallet-off (kwalletd5 with its Secret Service interface turned off, so no Secret Service
# answers). Nothing can be activated on that bus, so no other provider steps in. Exit 77: the
# provider is not installed. Usage: with-provider.sh keepassxc|kwallet|kwallet-off COMMAND [ARGS...]
set -eu
here=$(cd "$(dirname "$0")" && pwd)
provider=$1
shift
if [ -z "${CHORAGEN_IN_PROVIDER:-}" ]; then
    case $provider in
    keepassxc) need="keepassxc keepassxc-cli Xvfb gdbus" ;;
    kwallet | kwallet-off) need="kwalletd5" ;;
    *) echo "unknown provider $provider" >&2; exit 2 ;;
    esac
    for tool in $need; do
        command -v "$tool" >/dev/null 2>&1 || { echo "$tool is not installed" >&2; exit 77; }
    done
    home=$(mktemp -d "${TMPDIR:-/tmp}/choragen-$provider.XXXXXX")
    # The provider is stopped (and waited for) inside; what it still leaves is no failure.
    trap 'rm -rf "$home" 2>/dev/null || true' EXIT INT TERM
    mkdir -p "$home/.local/share" "$home/.config" "$home/run" "$home/tmp"
    chmod 700 "$home/run"
    status=0
    CHORAGEN_IN_PROVIDER=1 HOME="$home" XDG_RUNTIME_DIR="$home/run" \
        XDG_DATA_HOME="$home/.local/share" XDG_CONFIG_HOME="$home/.config" \
        XDG_CACHE_HOME="$home/.cache" TMPDIR="$home/tmp" \
        dbus-run-session --config-file="$here/session-noactivation.conf" -- \
        "$0" "$provider" "$@" || status=$?
    exit "$status"
fi

case $provider in
keepassxc)
    export KPX_UNLOCK_BEFORE_SEARCH=false
    # The recipe polls with commands that fail until KeePassXC answers.
    set +e
    # shellcheck disable=SC1091
    . "$here/keepassxc-secret-service.sh" "$HOME/kpx" >/dev/null 2>&1
    set -e
    # KeePassXC's single-instance lock lives in TMPDIR, private to this session (above), so a
    # KeePassXC started elsewhere cannot take this one's place. Stopped and waited for at exit,
    # so it writes nothing while its home is removed.
    trap 'kill $KPX_PID $XVFB_PID 2>/dev/null || true; for _ in $(seq 50); do kill -0 $KPX_PID 2>/dev/null || break; sleep 0.1; done; true' EXIT INT TERM
    export CHORAGEN_TEST_PROVIDER=KeePassXC
    # Locks the database and waits until the collection says so (the call returns before).
    export CHORAGEN_TEST_LOCK="gdbus call --session -d org.keepassxc.KeePassXC.MainWindow \
-o /keepassxc -m org.keepassxc.KeePassXC.MainWindow.lockAllDatabases >/dev/null; \
for i in \$(seq 40); do gdbus call --session -d org.freedesktop.secrets -o $KPX_COLLECTION \
-m org.freedesktop.DBus.Properties.Get org.freedesktop.Secret.Collection Locked \
| grep -q true && exit 0; sleep 0.25; done; exit 1"
    ;;
kwallet | kwallet-off)
    api=true
    [ "$provider" = kwallet-off ] && api=false
    cat >"$HOME/.config/kwalletrc" <<RC
[Wallet]
Enabled=true
First Use=false
Prompt on Open=false
Default Wallet=kdewallet

[org.freedesktop.secrets]
apiEnabled=$api
RC
    set +e
    # kwalletd5 is a Qt GUI program; no window is needed when the wallet opens at login.
    start_kwallet() {
        QT_QPA_PLATFORM=offscreen /usr/bin/python3 "$here/kwallet-pam-start.py" \
            test-wallet-password "$HOME/kwalletd.log"
    }
    if [ "$provider" = kwallet-off ]; then
        kwallet_pid=$(start_kwallet)
        trap 'kill $kwallet_pid 2>/dev/null || true; for _ in $(seq 50); do kill -0 $kwallet_pid 2>/dev/null || break; sleep 0.1; done; true' EXIT INT TERM
        for _ in $(seq 40); do
            gdbus call --session -d org.freedesktop.DBus -o /org/freedesktop/DBus \
                -m org.freedesktop.DBus.NameHasOwner org.kde.kwalletd5 2>/dev/null \
                | grep -q true && break
            sleep 0.25
        done
        set -e
        export CHORAGEN_TEST_PROVIDER=KWallet CHORAGEN_TEST_SECRET_SERVICE=off
        "$@"
        exit
    fi
    default_alias() {
        gdbus call --session -d org.freedesktop.secrets -o /org/freedesktop/secrets \
            -m org.freedesktop.Secret.Service.ReadAlias default 2>/dev/null \
            | grep -q "objectpath '/org"
    }
    kwallet_pid=$(start_kwallet)
    # The Secret Service API lists the wallets kwalletd5 found when it started: the first start
    # creates the wallet, a second one serves it.
    for _ in $(seq 40); do
        [ -f "$XDG_DATA_HOME/kwalletd/kdewallet.kwl" ] && break
        sleep 0.25
    done
    if ! default_alias; then
        kill "$kwallet_pid"
        while kill -0 "$kwallet_pid" 2>/dev/null; do sleep 0.1; done
        kwallet_pid=$(start_kwallet)
    fi
    trap 'kill $kwallet_pid 2>/dev/null || true; for _ in $(seq 50); do kill -0 $kwallet_pid 2>/dev/null || break; sleep 0.1; done; true' EXIT INT TERM
    for _ in $(seq 60); do
        default_alias && break
        sleep 0.5
    done
    # kwalletd5 opened the wallet at login for its own API, but its Secret Service collection
    # starts locked; asking it to unlock completes at once, without a dialog, because the
    # wallet is already open (what a desktop does on the first request after login).
    collection=$(gdbus call --session -d org.freedesktop.secrets -o /org/freedesktop/secrets \
        -m org.freedesktop.Secret.Service.ReadAlias default | sed -n "s/.*objectpath '\([^']*\)'.*/\1/p")
    prompt=$(gdbus call --session -d org.freedesktop.secrets -o /org/freedesktop/secrets \
        -m org.freedesktop.Secret.Service.Unlock "['$collection']" \
        | sed -n "s/.*objectpath '\(\/org[^']*prompt[^']*\)'.*/\1/p")
    if [ -n "$prompt" ]; then
        gdbus call --session -d org.freedesktop.secrets -o "$prompt" \
            -m org.freedesktop.Secret.Prompt.Prompt "" >/dev/null
    fi
    for _ in $(seq 40); do
        gdbus call --session -d org.freedesktop.secrets -o "$collection" \
            -m org.freedesktop.DBus.Properties.Get org.freedesktop.Secret.Collection Locked \
            2>/dev/null | grep -q false && break
        sleep 0.25
    done
    # Until a store, a lookup and a delete by another client all work, twice in a row, the
    # service is still settling (its collection was just unlocked): the tests start after that.
    settled=0
    for _ in $(seq 80); do
        if printf warm | secret-tool store --label=warm-up service choragen-warm-up account w \
            && [ "$(secret-tool lookup service choragen-warm-up account w)" = warm ] \
            && secret-tool clear service choragen-warm-up account w; then
            settled=$((settled + 1))
            [ "$settled" -ge 2 ] && break
        else
            settled=0
        fi
        sleep 0.25
    done
    set -e
    export CHORAGEN_TEST_PROVIDER=KWallet
    # Closes the wallet, as the KWallet Manager's Close does, and waits until the collection
    # says it is locked.
    export CHORAGEN_TEST_LOCK="gdbus call --session -d org.kde.kwalletd5 -o /modules/kwalletd5 \
-m org.kde.KWallet.close kdewallet true >/dev/null; \
for i in \$(seq 40); do gdbus call --session -d org.freedesktop.secrets -o $collection \
-m org.freedesktop.DBus.Properties.Get org.freedesktop.Secret.Collection Locked \
| grep -q true && exit 0; sleep 0.25; done; exit 1"
    ;;
esac
"$@"
