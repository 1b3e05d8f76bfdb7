# What every command script of ./trainwatch shares: the settings, then one file per concern in scripts/lib/.
# A command script sources this file and calls its one function.
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SCRIPTS="$ROOT/scripts"
RUN="${TRAINWATCH_RUN:-$ROOT/.run}"  # pid and log files; the test system uses its own
export POSTGRES_HOST="${POSTGRES_HOST:-localhost}" POSTGRES_PORT="${POSTGRES_PORT:-5432}"
export POSTGRES_USER="${POSTGRES_USER:-postgres}" POSTGRES_DB="${POSTGRES_DB:-trainwatch}"
export REDIS_HOST="${REDIS_HOST:-localhost}" REDIS_PORT="${REDIS_PORT:-6379}"
export FUNCTIONS_PORT="${FUNCTIONS_PORT:-8081}" RELAY_PORT="${RELAY_PORT:-8080}"
TEST_DB="${POSTGRES_TEST_DB:-trainwatch_test}"
FUNCTIONS_JAR="$ROOT/functions/target/quarkus-app/quarkus-run.jar"
RELAY_JAR="$ROOT/ws-relay/target/quarkus-app/quarkus-run.jar"
MIGRATIONS_JAR="$ROOT/migrations/target/trainwatch-migrations.jar"  # the schema's migration step
KEYS="${TRAINWATCH_KEYS:-$ROOT/.run/keys}"  # the development key pair that signs and verifies tokens
export TRAINWATCH_JWT_PUBLIC_KEY="${TRAINWATCH_JWT_PUBLIC_KEY:-$KEYS/public.pem}"
export TRAINWATCH_JWT_PRIVATE_KEY="${TRAINWATCH_JWT_PRIVATE_KEY:-$KEYS/private.pem}"

for part in output install services tokens build processes pooler; do
  # shellcheck source=/dev/null
  source "$SCRIPTS/lib/$part.sh"
done
