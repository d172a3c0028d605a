#!/bin/sh
# Builds keytar 7.9.0 (the library Choragen's change request names) into DIR, once per build
# tree, beside @napi-rs/keyring (prebuilt, from the registry). Its install script downloads a prebuilt binary from a host tests cannot reach, so the
# package comes from the npm registry with scripts disabled and is built from source against
# Node's own headers. Exit 77: the npm registry cannot be reached (the test skips, outside CI).
# Usage: keytar-fixture.sh DIR   (then require("DIR/node_modules/keytar"))
set -eu
dir=$1
if [ -f "$dir/node_modules/keytar/build/Release/keytar.node" ] \
    && [ -d "$dir/node_modules/@napi-rs/keyring" ]; then
    exit 0
fi
for tool in node npm; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        echo "$tool is not installed (scripts/setup-deps.sh installs it)" >&2
        exit 1
    fi
done
if ! npm ping >/dev/null 2>&1; then
    echo "the npm registry cannot be reached" >&2
    exit 77
fi
mkdir -p "$dir"
cd "$dir"
[ -f package.json ] || printf '{"name": "choragen-test-clients", "private": true}\n' >package.json
npm install --no-audit --no-fund --ignore-scripts keytar@7.9.0 >&2
npm install --no-audit --no-fund @napi-rs/keyring@1 >&2
cd node_modules/keytar
# npm's own node-gyp, so nothing else is fetched; Node ships its headers in /usr/include/node.
gyp="$(npm root -g)/npm/node_modules/node-gyp/bin/node-gyp.js"
if [ -f "$gyp" ]; then
    node "$gyp" rebuild --nodedir=/usr >&2
else
    npx --yes node-gyp rebuild --nodedir=/usr >&2
fi
test -f build/Release/keytar.node
