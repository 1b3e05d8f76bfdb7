#!/usr/bin/env bash
# ./trainwatch native-check: the native build up to native-image (sources only).
set -euo pipefail
# shellcheck source=/dev/null
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# The native build up to native-image itself (Quarkus's sources-only mode; no GraalVM or Mandrel here):
# reflection, resources and class initialisation are all worked out. What the functions serialise is
# registered by @RegisterForReflection, which NativeRegistrationTest checks; here the Lua resource.
check_native_build() {
  (cd "$ROOT" && ./mvnw -B -q -pl functions,ws-relay -am package -Pnative -Dquarkus.native.sources-only=true \
    -DskipTests) || return 1
  local jar=("$ROOT"/functions/target/native-sources/*-runner.jar)
  if python3 -c 'import sys, zipfile; sys.stdout.write(zipfile.ZipFile(sys.argv[1]).read(
      "META-INF/native-image/resource-config.json").decode())' "${jar[0]}" | grep -q redis; then
    echo "native: the Lua resource is registered"
  else
    echo "native: not registered: resource redis/*.lua" >&2
    return 1
  fi
}

check_native_build
