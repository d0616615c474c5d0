#!/usr/bin/env bash
# Builds the Kotlin package money.splitter:splitter-kotlin:<version> and installs it into the
# local Maven repository target/maven/ (Maven's layout: a program depends on it by coordinates):
#
#   KOTLINC=<path to kotlinc> bash bindings/uniffi/kotlin/build.sh
#
# 1. cargo builds the library twice: release (what the jar ships: no symbols, no debug info) and
#    debug, for the generator, which reads the API's metadata from the symbol table;
# 2. the workspace's uniffi-bindgen writes the Kotlin source into target/kotlin/generated/;
# 3. kotlinc compiles it; the jar holds the classes, the release library as the JNA resource
#    linux-x86-64/libsplitter_uniffi.so (JNA loads it from the classpath, so no
#    -Djna.library.path), the licenses, and the POM under META-INF/maven/;
# 4. the POM is pom.xml.in with the versions filled in: the package's is Cargo's (Cargo.toml),
#    JNA's and the Kotlin standard library's are those of the jars it was compiled against;
# 5. jar and POM go into target/maven/money/splitter/splitter-kotlin/<version>/ with their SHA-1
#    and SHA-256 sums and maven-metadata.xml; the jar is also target/kotlin/splitter.jar.
#
# Needs: kotlinc (KOTLINC; scripts/suites/kotlin installs the npm package kotlin-compiler), JNA
# (JNA, default Debian's /usr/share/java/jna.jar), a JDK's `jar`, cargo. Prints the jar's path.
set -euo pipefail

ROOT=${ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)}
HERE="$ROOT/bindings/uniffi/kotlin"
TARGET=${CARGO_TARGET_DIR:-$ROOT/target}
KOTLINC=${KOTLINC:?KOTLINC must name kotlinc}
JNA=${JNA:-/usr/share/java/jna.jar}
OUT="$ROOT/target/kotlin"
REPO="$ROOT/target/maven"
GROUP=money.splitter
ARTIFACT=splitter-kotlin

step() { printf '  [build] %s\n' "$*" >&2; }

# A jar's Implementation-Version (the JNA and Kotlin standard library jars both carry one).
jar_version() { unzip -p "$1" META-INF/MANIFEST.MF | sed -n 's/^Implementation-Version: *\([^ \r]*\).*/\1/p' | head -1; }

VERSION=$(sed -n '/^\[workspace.package\]/,/^\[/s/^version = "\(.*\)"/\1/p' "$ROOT/Cargo.toml")
STDLIB="$(dirname "$(readlink -f "$KOTLINC")")/../lib/kotlin-stdlib.jar"
JNA_VERSION=$(jar_version "$JNA")
KOTLIN_VERSION=$(jar_version "$STDLIB")
[ -n "$VERSION" ] && [ -n "$JNA_VERSION" ] && [ -n "$KOTLIN_VERSION" ] || {
  echo "versions not found: package '$VERSION', JNA '$JNA_VERSION', kotlin-stdlib '$KOTLIN_VERSION'" >&2
  exit 1
}

step "cargo build: splitter-uniffi (release, and debug for the generator), uniffi-bindgen"
(cd "$ROOT" && cargo build -q --release -p splitter-uniffi --lib &&
  cargo build -q -p splitter-uniffi --lib --features bindgen --bins)
LIB="$TARGET/release/libsplitter_uniffi.so"

rm -rf "$OUT"
mkdir -p "$OUT/classes/linux-x86-64" "$OUT/classes/META-INF/maven/$GROUP/$ARTIFACT"
step "uniffi-bindgen generate --language kotlin"
(cd "$ROOT" && "$TARGET/debug/uniffi-bindgen" generate --no-format \
  --library "$TARGET/debug/libsplitter_uniffi.so" --language kotlin --out-dir "$OUT/generated" >&2)

step "kotlinc $KOTLIN_VERSION (JNA $JNA_VERSION)"
"$KOTLINC" "$OUT/generated/splitter/splitter.kt" -cp "$JNA" -d "$OUT/classes" 2>&1 |
  { grep -v '^warning:' || true; } >&2

sed -e "s/@GROUP@/$GROUP/" -e "s/@ARTIFACT@/$ARTIFACT/" -e "s/@VERSION@/$VERSION/" \
  -e "s/@JNA_VERSION@/$JNA_VERSION/" -e "s/@KOTLIN_VERSION@/$KOTLIN_VERSION/" \
  "$HERE/pom.xml.in" >"$OUT/$ARTIFACT-$VERSION.pom"
cp "$OUT/$ARTIFACT-$VERSION.pom" "$OUT/classes/META-INF/maven/$GROUP/$ARTIFACT/pom.xml"
printf 'groupId=%s\nartifactId=%s\nversion=%s\n' "$GROUP" "$ARTIFACT" "$VERSION" \
  >"$OUT/classes/META-INF/maven/$GROUP/$ARTIFACT/pom.properties"
cp "$LIB" "$OUT/classes/linux-x86-64/"
cp -L "$ROOT/LICENSE-MIT" "$ROOT/LICENSE-APACHE" "$OUT/classes/META-INF/"
step "jar $ARTIFACT-$VERSION.jar"
# Entries dated by the last commit, in a fixed order: the same sources give the same jar.
stamp=$(git -C "$ROOT" log -1 --format=%cI 2>/dev/null || date -u +%Y-%m-%dT%H:%M:%SZ)
jar --create --date="$stamp" --file "$OUT/$ARTIFACT-$VERSION.jar" -C "$OUT/classes" .
cp "$OUT/$ARTIFACT-$VERSION.jar" "$OUT/splitter.jar"

# The local Maven repository: one version directory, checksums, the artifact's metadata.
dir="$REPO/${GROUP//.//}/$ARTIFACT"
rm -rf "$dir/$VERSION"
mkdir -p "$dir/$VERSION"
cp "$OUT/$ARTIFACT-$VERSION.jar" "$OUT/$ARTIFACT-$VERSION.pom" "$dir/$VERSION/"
for f in "$dir/$VERSION/$ARTIFACT-$VERSION".{jar,pom}; do
  sha1sum "$f" | cut -d' ' -f1 >"$f.sha1"
  sha256sum "$f" | cut -d' ' -f1 >"$f.sha256"
done
versions=$(find "$dir" -mindepth 1 -maxdepth 1 -type d -printf '%f\n' | sort -V | sed 's|.*|      <version>&</version>|')
cat >"$dir/maven-metadata.xml" <<EOF
<?xml version="1.0" encoding="UTF-8"?>
<metadata>
  <groupId>$GROUP</groupId>
  <artifactId>$ARTIFACT</artifactId>
  <versioning>
    <latest>$VERSION</latest>
    <release>$VERSION</release>
    <versions>
$versions
    </versions>
    <lastUpdated>$(date -u +%Y%m%d%H%M%S)</lastUpdated>
  </versioning>
</metadata>
EOF
sha1sum "$dir/maven-metadata.xml" | cut -d' ' -f1 >"$dir/maven-metadata.xml.sha1"
step "installed $GROUP:$ARTIFACT:$VERSION into target/maven ($(wc -c <"$OUT/$ARTIFACT-$VERSION.jar") bytes)"
echo "$dir/$VERSION/$ARTIFACT-$VERSION.jar"
