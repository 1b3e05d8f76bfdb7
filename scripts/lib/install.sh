# Installing what a fresh machine lacks (Debian: apt-get, once per run).
# Sourced by scripts/lib.sh; not run on its own.
APT_UPDATED=
apt_install() {
  command -v apt-get >/dev/null || die "cannot install $* here: install it yourself, then run this again"
  [ "$(id -u)" = 0 ] || die "installing $* needs root: run 'sudo apt-get install -y $*', then this again"
  if [ -z "$APT_UPDATED" ]; then say "apt-get update"; apt-get update -qq >/dev/null; APT_UPDATED=1; fi
  say "installing $*"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

need_java() {
  if ! command -v java >/dev/null || ! java -version 2>&1 | grep -qE 'version "(1[7-9]|2[0-9])'; then
    apt_install openjdk-17-jdk-headless
  fi
}

need_node() {
  if ! command -v npm >/dev/null || ! node -e 'process.exit(+process.versions.node.split(".")[0] >= 20 ? 0 : 1)' 2>/dev/null; then
    apt_install nodejs npm
    node -e 'process.exit(+process.versions.node.split(".")[0] >= 20 ? 0 : 1)' ||
      die "the web UI needs Node.js 20 or newer; install it, then run this again"
  fi
}

need_chromium() { [ -x /usr/bin/chromium ] || apt_install chromium; }
