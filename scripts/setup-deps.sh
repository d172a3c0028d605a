#!/bin/sh
# Installs the system packages the build and the tests need, if any are missing.
# Debian 12 / Ubuntu 23.04 or newer: apt-get (through sudo when not root). macOS: Homebrew.
set -eu

debian_packages="cmake ninja-build g++ pkg-config qt6-base-dev qtkeychain-qt6-dev \
nlohmann-json3-dev libsecret-1-dev libsecret-1-0 gnome-keyring dbus dbus-bin libsecret-tools \
xvfb xauth dpkg-dev desktop-file-utils appstream help2man file python3 qt6-svg-dev qt6-qpa-plugins \
clang libclang-rt-dev gnuplot-nox xdotool libjemalloc2 git python3-keyring \
keepassxc libkf5wallet-bin libqca-qt5-2-plugins libglib2.0-bin gcr"
# keytar, the Node client the keychain tests run, is built from source: Node, npm and Node's
# headers. A Node from elsewhere (e.g. NodeSource, with npm and headers) is used as it is.
if ! command -v npm >/dev/null 2>&1 || [ ! -f /usr/include/node/node_api.h ]; then
    debian_packages="$debian_packages nodejs npm libnode-dev"
fi

if command -v dpkg-query >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1; then
    missing=""
    for package in $debian_packages; do
        if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
            missing="$missing $package"
        fi
    done
    if [ -z "$missing" ]; then
        exit 0
    fi
    echo "Installing missing packages:$missing"
    sudo=""
    if [ "$(id -u)" -ne 0 ]; then
        sudo="sudo"
    fi
    export DEBIAN_FRONTEND=noninteractive
    $sudo apt-get update -qq
    # shellcheck disable=SC2086
    $sudo apt-get install -y -qq --no-install-recommends $missing
    exit 0
fi

if [ "$(uname -s)" = "Darwin" ]; then
    if ! command -v brew >/dev/null 2>&1; then
        echo "Homebrew is needed: see https://brew.sh, then run this again." >&2
        exit 1
    fi
    for formula in cmake ninja qt qtkeychain nlohmann-json; do
        brew list --formula "$formula" >/dev/null 2>&1 || brew install "$formula"
    done
    exit 0
fi

cat >&2 <<'MSG'
This system has neither apt-get nor Homebrew. Install by hand:
  CMake >= 3.22, Ninja, a C++17 compiler, Qt >= 6.4 (Core, DBus, Widgets, Test),
  QtKeychain for Qt 6 (>= 0.13), nlohmann_json >= 3.10.
On Windows see the README ("Building on Windows").
MSG
exit 1
