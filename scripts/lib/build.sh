# Building the apps and the web UI when they are missing or stale.
# Sourced by scripts/lib.sh; not run on its own.

# Rebuilds when a jar is missing or any source or build file is newer than it.
build_if_needed() {
  local stale=
  for module in functions ws-relay migrations; do
    local jar="$ROOT/$module/target/quarkus-app/quarkus-run.jar"
    [ "$module" = migrations ] && jar="$MIGRATIONS_JAR"
    if [ ! -f "$jar" ] || [ -n "$(find "$ROOT/$module/src" "$ROOT/$module/pom.xml" "$ROOT/http-guard/src" "$ROOT/pom.xml" -newer "$jar" -print -quit)" ]; then stale=1; fi
  done
  [ -z "$stale" ] && return 0
  say "building (./mvnw package)"
  (cd "$ROOT" && ./mvnw -B -q package -DskipTests -pl functions,ws-relay,migrations -am)
}

# Installs the UI's packages from its lock file and builds web/dist when either is missing or stale.
build_web_if_needed() {
  [ -f "$ROOT/web/package.json" ] || return 0
  need_node
  if [ ! -d "$ROOT/web/node_modules" ] || [ "$ROOT/web/package-lock.json" -nt "$ROOT/web/node_modules" ]; then
    say "installing the web UI's packages (npm ci)"
    (cd "$ROOT/web" && npm ci --no-audit --no-fund --loglevel=error)
  fi
  if [ ! -f "$ROOT/web/dist/index.html" ] || [ -n "$(find "$ROOT/web/src" "$ROOT/web/index.html" "$ROOT/web/package.json" -newer "$ROOT/web/dist/index.html" -print -quit 2>/dev/null)" ]; then
    say "building the web UI (npm run build)"
    (cd "$ROOT/web" && npm run build --silent)
  fi
}
