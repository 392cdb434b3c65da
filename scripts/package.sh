#!/usr/bin/env bash
# Builds the release package a server installs: dist/giaoban-<version>-linux-x86_64.tar.gz with
# the binary (Swift standard library and Foundation linked in statically: no toolchain needed on
# the server), Resources/, Public/, deploy/ (systemd units and timer, nginx site, example
# environment) and VERSION.
#   scripts/package.sh                 # version from `git describe`
#   GIAOBAN_VERSION=1.2.0 scripts/package.sh
# The release build goes to .build-release (kept between runs; benchmarks reuse the binary:
# .build-release/release/giaoban).
set -euo pipefail
cd "$(dirname "$0")/.."
SCRATCH="${SCRATCH_PATH:-.build-release}"
VERSION="${GIAOBAN_VERSION:-$(git describe --tags --always --dirty 2>/dev/null || echo 0.0.0)}"
ARCH="$(uname -m)"
NAME="giaoban-$VERSION-linux-$ARCH"

echo "== release build (static Swift stdlib) into $SCRATCH"
swift build -c release --static-swift-stdlib --scratch-path "$SCRATCH" --product giaoban
BIN="$(swift build -c release --static-swift-stdlib --scratch-path "$SCRATCH" --show-bin-path)/giaoban"

STAGE="$(mktemp -d /tmp/giaoban-package.XXXXXX)"
trap 'rm -rf "$STAGE"' EXIT
mkdir -p "$STAGE/$NAME/deploy"
cp "$BIN" "$STAGE/$NAME/giaoban"
strip "$STAGE/$NAME/giaoban" 2>/dev/null || true
cp -R Resources Public "$STAGE/$NAME/"
cp deploy/giaoban.service deploy/giaoban-backup.service deploy/giaoban-backup.timer \
   deploy/giaoban.env.example deploy/nginx-giaoban.conf "$STAGE/$NAME/deploy/"
echo "$VERSION" > "$STAGE/$NAME/VERSION"
mkdir -p dist
tar -C "$STAGE" --owner=0 --group=0 -czf "dist/$NAME.tar.gz" "$NAME"
echo "== wrote dist/$NAME.tar.gz ($(du -h "dist/$NAME.tar.gz" | cut -f1))"
