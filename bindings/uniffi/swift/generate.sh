#!/usr/bin/env bash
# Regenerates the Swift face from a built library, with the uniffi-bindgen-swift of this
# workspace (the same uniffi as the library):
#   Sources/Splitter/Splitter.swift           the Swift API
#   SplitterFFI/include/SplitterFFI.h         the C header of the library's functions
#   SplitterFFI/include/module.modulemap      the Clang module SplitterFFI (XCFramework headers)
#
#   bindings/uniffi/swift/generate.sh [LIBRARY [OUT]]
#
# LIBRARY: a build of splitter-uniffi (.so, .dylib or .a) with its symbol table (the generator
# reads the API's metadata from it: not a release .so or .dylib, which are stripped; a static
# library keeps it), by default the host's debug build;
# OUT: where to write, by default this folder. The files are committed; scripts/suites/kotlin
# regenerates them into a temporary folder and fails if they differ.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../../.." && pwd)
TARGET=${CARGO_TARGET_DIR:-$ROOT/target}
LIB=${1:-}
if [ -z "$LIB" ]; then
  for ext in so dylib a; do
    if [ -f "$TARGET/debug/libsplitter_uniffi.$ext" ]; then LIB="$TARGET/debug/libsplitter_uniffi.$ext"; break; fi
  done
fi
[ -n "$LIB" ] && [ -f "$LIB" ] || { echo "no library: cargo build -p splitter-uniffi --lib first" >&2; exit 1; }
LIB=$(cd "$(dirname "$LIB")" && pwd)/$(basename "$LIB")
OUT=${2:-$HERE}
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
# The generator reads uniffi.toml through `cargo metadata`: it runs from inside the workspace.
(cd "$ROOT" && cargo run -q -p splitter-uniffi --features bindgen --bin uniffi-bindgen-swift -- \
  --swift-sources --headers --modulemap --module-name SplitterFFI --modulemap-filename module.modulemap \
  "$LIB" "$TMP")
mkdir -p "$OUT/Sources/Splitter" "$OUT/SplitterFFI/include"
cp "$TMP/Splitter.swift" "$OUT/Sources/Splitter/Splitter.swift"
cp "$TMP/SplitterFFI.h" "$TMP/module.modulemap" "$OUT/SplitterFFI/include/"
