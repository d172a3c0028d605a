#!/bin/sh
# Builds the Debian package from BUILD_DIR's install rules, unpacks it into a temporary root
# and checks what a user would get: dependencies, desktop files, icon, man pages, and that the
# installed executables (choragen, and choragen-settings with the window) run.
# Usage: check-deb.sh BUILD_DIR WITH_KEYCHAIN(0|1) WITH_UI(0|1)
set -eu
build=$1
with_keychain=$2
with_ui=$3
work=$(mktemp -d "${TMPDIR:-/tmp}/choragen-deb.XXXXXX")
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

(cd "$build" && cpack -G DEB -B "$work/out" >"$work/cpack.log" 2>&1) || { cat "$work/cpack.log" >&2; fail "cpack failed"; }
deb=$(ls "$work"/out/*.deb)
echo "built $(basename "$deb")"

depends=$(dpkg-deb -f "$deb" Depends)
echo "Depends: $depends"
libs="libqt6core6 qt6-qpa-plugins"
[ "$with_ui" = 1 ] && libs="$libs libqt6widgets6"
for lib in $libs; do
    echo "$depends" | grep -q "$lib" || fail "Depends lacks $lib"
done
if [ "$with_keychain" = 1 ]; then
    # Linux talks to the Secret Service through libsecret; QtKeychain is for macOS and Windows.
    echo "$depends" | grep -q "libqt6keychain1" && fail "Depends has libqt6keychain1, which Linux does not use"
    echo "$depends" | grep -q "libsecret-1-0" || fail "Depends lacks libsecret-1-0"
    dpkg-deb -f "$deb" Recommends | grep -q "gnome-keyring | keepassxc" || fail "Recommends lacks a Secret Service"
else
    echo "$depends" | grep -q "keychain" && fail "a build without keychain must not depend on QtKeychain"
fi

root="$work/root"
dpkg-deb -x "$deb" "$root"
app=dev.choragen.Choragen
for file in usr/bin/choragen usr/share/applications/$app.desktop usr/share/metainfo/$app.metainfo.xml \
    usr/share/icons/hicolor/scalable/apps/$app.svg usr/share/icons/hicolor/48x48/apps/$app.png \
    usr/share/icons/hicolor/256x256/apps/$app.png usr/share/man/man1/choragen.1; do
    [ -f "$root/$file" ] || fail "the package lacks /$file"
done
desktop-file-validate "$root/usr/share/applications/$app.desktop" || fail "desktop file invalid"
appstreamcli validate --no-net "$root/usr/share/metainfo/$app.metainfo.xml" >/dev/null || fail "metainfo invalid"
grep -q "config:status" "$root/usr/share/man/man1/choragen.1" || fail "man page lacks the commands"

# No library search path of its own: the loader never looks in the folder choragen runs from.
for binary in "$root"/usr/bin/choragen*; do
    if readelf -d "$binary" | grep -qE "\((RUNPATH|RPATH)\)"; then
        fail "$binary has a library search path; every library comes from the system"
    fi
done
# The command line links neither QtWidgets nor QtGui, so config:* commands start without them.
readelf -d "$root/usr/bin/choragen" | grep -E "NEEDED.*libQt6(Widgets|Gui)" \
    && fail "/usr/bin/choragen links QtWidgets or QtGui; the window belongs in choragen-settings"
if [ "$with_ui" = 1 ]; then
    # The window is an executable of its own, beside the command line, which starts it.
    for file in usr/bin/choragen-settings usr/share/man/man1/choragen-settings.1; do
        [ -f "$root/$file" ] || fail "the package lacks /$file"
    done
    readelf -d "$root/usr/bin/choragen-settings" | grep -q "NEEDED.*libQt6Widgets" \
        || fail "/usr/bin/choragen-settings does not link QtWidgets"
    grep -q "^Exec=choragen-settings" "$root/usr/share/applications/$app.desktop" \
        || fail "the desktop file does not start choragen-settings"
    "$root/usr/bin/choragen-settings" --version | grep -q "^choragen-settings [0-9]" \
        || fail "installed choragen-settings --version"
    # `choragen` with no command becomes the installed window (offscreen, no keychain session),
    # which stays up until stopped.
    status=0
    env QT_QPA_PLATFORM=offscreen DBUS_SESSION_BUS_ADDRESS=unix:path=/nonexistent \
        QT_LOGGING_RULES="choragen.ui.debug=true" \
        timeout 5 "$root/usr/bin/choragen" --project "$work" >"$work/window.log" 2>&1 || status=$?
    [ "$status" = 124 ] || { cat "$work/window.log" >&2; fail "the installed window exited $status"; }
    grep -q "showing the settings window" "$work/window.log" \
        || { cat "$work/window.log" >&2; fail "the installed window did not show"; }
else
    [ -e "$root/usr/bin/choragen-settings" ] && fail "a build without the window ships choragen-settings"
fi

"$root/usr/bin/choragen" --version | grep -q "^choragen [0-9]" || fail "installed --version"
project="$work/project"
mkdir -p "$project"
env -u DISPLAY -u WAYLAND_DISPLAY "$root/usr/bin/choragen" --project "$project" config:status >"$work/status" \
    || fail "installed config:status exited $?"
grep -q "^Config file: $project/.choragen/config.json" "$work/status" || fail "installed config:status output"
echo "ok: package installs, runs and validates"
