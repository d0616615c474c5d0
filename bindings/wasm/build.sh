#!/usr/bin/env bash
# Builds the npm package splitter-wasm and copies it into examples/web/pkg/:
#
#   bash bindings/wasm/build.sh
#
# 1. cargo builds the crate for wasm32-unknown-unknown in the profile `wasm-release`
#    (wasm-release.toml: LTO, one codegen unit, opt-level "s"), with the standard library rebuilt
#    with its `optimize_for_size` feature (see README.md, "Size");
# 2. wasm-bindgen --target web writes the JavaScript glue;
# 3. wasm-opt -Oz --converge --low-memory-unused (npm package binaryen) shrinks the .wasm;
# 4. the package is staged in target/npm/pkg/ (glue, js/ sources, README.md, the licenses) and
#    packed with `npm pack` into target/npm/splitter-wasm-<version>.tgz;
# 5. the staged package is copied into examples/web/pkg/ (git-ignored) for the example page.
#
# Needs: rustup's wasm32-unknown-unknown target and rust-src component, wasm-bindgen on PATH in
# exactly the version of the crate's wasm-bindgen dependency, wasm-opt on PATH, npm.
# scripts/suites/wasm installs all of these and calls this script.
set -euo pipefail

ROOT=${ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
TARGET=${CARGO_TARGET_DIR:-$ROOT/target}
NPM_OUT="$ROOT/target/npm"
STAGE="$NPM_OUT/pkg"
HERE="$ROOT/bindings/wasm"

step() { printf '  [build] %s\n' "$*"; }

# The package's version is the workspace's (Cargo.toml): package.json must say the same.
cargo_version=$(sed -n '/^\[workspace.package\]/,/^\[/s/^version = "\(.*\)"/\1/p' "$ROOT/Cargo.toml")
npm_version=$(sed -n 's/^  "version": "\(.*\)",/\1/p' "$HERE/js/package.json")
if [ "$cargo_version" != "$npm_version" ]; then
  echo "bindings/wasm/js/package.json says version $npm_version, Cargo.toml $cargo_version" >&2
  exit 1
fi

step "cargo build (wasm32-unknown-unknown, profile wasm-release, std built for size)"
# -Zbuild-std needs a nightly flag; RUSTC_BOOTSTRAP allows it on the stable toolchain, as
# scripts/test does for cargo-fuzz. Only this build sees it.
(cd "$ROOT" && RUSTC_BOOTSTRAP=1 cargo build -q \
  --config "$HERE/wasm-release.toml" --profile wasm-release \
  -Zbuild-std=std,panic_abort -Zbuild-std-features=optimize_for_size \
  -p splitter-wasm --target wasm32-unknown-unknown)
WASM="$TARGET/wasm32-unknown-unknown/wasm-release/splitter_wasm.wasm"

rm -rf "$STAGE"
mkdir -p "$STAGE"
step "wasm-bindgen $(wasm-bindgen --version | awk '{print $2}') --target web"
wasm-bindgen --target web --no-typescript --out-dir "$STAGE" "$WASM"

# --converge: passes repeated until nothing shrinks. --low-memory-unused: the lowest 1 KiB of
# memory is never addressed, which lets loads and stores fold constant offsets. True of this
# module: the linker puts the stack in the first MiB, growing down from 1 MiB, and the data
# above it, so that kilobyte is reached only by a stack 1,023 KiB deep (the core bounds nesting at
# 128 levels). 900 bytes gzipped less (README.md, "Size").
step "wasm-opt -Oz --converge --low-memory-unused ($(wasm-opt --version))"
wasm-opt -Oz --converge --low-memory-unused "$STAGE/splitter_wasm_bg.wasm" -o "$STAGE/splitter_wasm_bg.opt.wasm"
mv "$STAGE/splitter_wasm_bg.opt.wasm" "$STAGE/splitter_wasm_bg.wasm"

cp "$HERE/js/package.json" "$HERE/js/index.js" "$HERE/js/node.js" "$HERE/js/api.js" \
  "$HERE/js/index.d.ts" "$HERE/README.md" "$STAGE/"
cp -L "$ROOT/LICENSE-MIT" "$ROOT/LICENSE-APACHE" "$STAGE/"

step "npm pack -> target/npm/"
rm -f "$NPM_OUT"/splitter-wasm-*.tgz
(cd "$NPM_OUT" && npm pack --silent "$STAGE" >/dev/null)

rm -rf "$ROOT/examples/web/pkg"
mkdir -p "$ROOT/examples/web/pkg"
cp "$STAGE"/*.js "$STAGE"/*.d.ts "$STAGE"/*.wasm "$STAGE/package.json" "$ROOT/examples/web/pkg/"

raw=$(wc -c <"$STAGE/splitter_wasm_bg.wasm")
gz=$(gzip -9c "$STAGE/splitter_wasm_bg.wasm" | wc -c)
step "splitter_wasm_bg.wasm: $raw bytes, $gz bytes gzipped (gzip -9)"
ls "$NPM_OUT"/splitter-wasm-*.tgz
