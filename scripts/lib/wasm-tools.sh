# What building and testing the npm package needs, installed when missing and kept between runs
# in ${SPLITTER_CACHE:-$ROOT/target}/tools: rustup's wasm32-unknown-unknown target and rust-src,
# wasm-bindgen-cli (exactly the crate's wasm-bindgen version), the npm packages binaryen
# (wasm-opt), playwright-core and typescript, and Debian's chromium (apt-get, as root).
# Source it with ROOT set (scripts/suites/wasm and scripts/suites/packages do), then:
#   install_wasm_tools      # installs what is missing; prints the versions
# It sets TOOLS, puts the tools on PATH and points npm's cache into TOOLS.

TOOLS=${SPLITTER_CACHE:-$ROOT/target}/tools
export PATH="$TOOLS/bin:$TOOLS/node/node_modules/.bin:$HOME/.cargo/bin:$PATH"
export npm_config_cache="$TOOLS/npm-cache" npm_config_update_notifier=false npm_config_fund=false npm_config_audit=false

# Versions of what is installed (the npm registry's; see shared notes on toolchains).
WASM_BINDGEN=$(sed -n 's/^wasm-bindgen = "=\([0-9.]*\)".*/\1/p' "$ROOT/bindings/wasm/Cargo.toml")
declare -A NPM_TOOLS=([binaryen]=132.0.0 [playwright-core]=1.65.1 [typescript]=5.9.3)

install_wasm_tools() (
  set -e
  rustup target list --installed | grep -qx wasm32-unknown-unknown || rustup target add wasm32-unknown-unknown
  rustup component list --installed | grep -q '^rust-src' || rustup component add rust-src
  if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" != "$WASM_BINDGEN" ]; then
    echo "installing wasm-bindgen-cli $WASM_BINDGEN into $TOOLS (a few minutes, once)"
    # Not --locked: that fails on a yanked dependency. Its own temporary target dir.
    env -u CARGO_TARGET_DIR cargo install -q wasm-bindgen-cli --version "$WASM_BINDGEN" --root "$TOOLS" --force
  fi
  mkdir -p "$TOOLS/node"
  local deps="" missing=0 name
  for name in "${!NPM_TOOLS[@]}"; do
    deps+="${deps:+, }\"$name\": \"${NPM_TOOLS[$name]}\""
    [ "$(node -p "require('$TOOLS/node/node_modules/$name/package.json').version" 2>/dev/null)" = "${NPM_TOOLS[$name]}" ] || missing=1
  done
  if [ "$missing" -eq 1 ]; then
    echo "{ \"private\": true, \"dependencies\": { $deps } }" >"$TOOLS/node/package.json"
    (cd "$TOOLS/node" && npm install --no-audit --no-fund)
  fi
  if [ ! -x /usr/bin/chromium ]; then
    apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium
  fi
  echo "node $(node --version), wasm-bindgen $(wasm-bindgen --version), $(wasm-opt --version), tsc $(tsc --version)"
  /usr/bin/chromium --version 2>/dev/null
)
