#!/usr/bin/env bash
# Builds SplitterFFI.xcframework beside Package.swift, then (with --test) runs `swift test`.
# macOS only: it needs Xcode (xcodebuild, lipo) and rustup. Never run on this project's Linux
# machines, where no Swift toolchain exists.
#
#   bindings/uniffi/swift/build-xcframework.sh [--test]
#
# Slices: iOS devices (arm64), the iOS simulator (arm64 + x86_64) and macOS (arm64 + x86_64),
# each the static library libsplitter_uniffi.a with SplitterFFI/include as its headers.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../../.." && pwd)
TARGET=${CARGO_TARGET_DIR:-$ROOT/target}
LIB=libsplitter_uniffi.a
if [ "$(uname -s)" != Darwin ]; then
  echo "build-xcframework.sh needs macOS with Xcode (xcodebuild, lipo)" >&2
  exit 1
fi
TRIPLES=(aarch64-apple-ios aarch64-apple-ios-sim x86_64-apple-ios aarch64-apple-darwin x86_64-apple-darwin)
rustup target add "${TRIPLES[@]}"
cd "$ROOT"
for t in "${TRIPLES[@]}"; do
  cargo build --release -p splitter-uniffi --lib --target "$t"
done

# The sources must match the library: regenerate them from the macOS build (no change expected;
# `git diff bindings/uniffi/swift` shows any).
"$HERE/generate.sh" "$TARGET/aarch64-apple-darwin/release/$LIB" "$HERE"

FAT="$TARGET/xcframework"
rm -rf "$FAT"
mkdir -p "$FAT/ios-simulator" "$FAT/macos"
lipo -create "$TARGET/aarch64-apple-ios-sim/release/$LIB" "$TARGET/x86_64-apple-ios/release/$LIB" \
  -output "$FAT/ios-simulator/$LIB"
lipo -create "$TARGET/aarch64-apple-darwin/release/$LIB" "$TARGET/x86_64-apple-darwin/release/$LIB" \
  -output "$FAT/macos/$LIB"
rm -rf "$HERE/SplitterFFI.xcframework"
xcodebuild -create-xcframework \
  -library "$TARGET/aarch64-apple-ios/release/$LIB" -headers "$HERE/SplitterFFI/include" \
  -library "$FAT/ios-simulator/$LIB" -headers "$HERE/SplitterFFI/include" \
  -library "$FAT/macos/$LIB" -headers "$HERE/SplitterFFI/include" \
  -output "$HERE/SplitterFFI.xcframework"
echo "built $HERE/SplitterFFI.xcframework"

if [ "${1:-}" = "--test" ]; then
  cd "$HERE" && swift test
fi
