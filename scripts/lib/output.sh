# Messages to the user.
# Sourced by scripts/lib.sh; not run on its own.

say() { printf 'trainwatch: %s\n' "$*" >&2; }

die() { say "$*"; exit 1; }
