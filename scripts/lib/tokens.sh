# The development key pair and tokens signed with it (docs/protocol.md, "Tokens").
# Sourced by scripts/lib.sh; not run on its own.

# A development RSA key pair, made once. Production keys come from a secret store instead (infra/README.md).
ensure_keys() {
  [ -f "$TRAINWATCH_JWT_PRIVATE_KEY" ] && [ -f "$TRAINWATCH_JWT_PUBLIC_KEY" ] && return 0
  command -v openssl >/dev/null || apt_install openssl
  say "making a development key pair for tokens in $KEYS"
  mkdir -p "$KEYS"
  (umask 077 && openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$TRAINWATCH_JWT_PRIVATE_KEY" 2>/dev/null)
  openssl pkey -in "$TRAINWATCH_JWT_PRIVATE_KEY" -pubout -out "$TRAINWATCH_JWT_PUBLIC_KEY"
}

# Prints a token signed with the development key: mint_token SCOPE SECONDS [CLAIM JSON-VALUE]...
mint_token() {
  command -v openssl >/dev/null || apt_install openssl
  python3 - "$TRAINWATCH_JWT_PRIVATE_KEY" "${TRAINWATCH_JWT_ISSUER:-trainwatch}" "$@" <<'PY'
import base64, json, subprocess, sys, time, uuid
key, issuer, scope, seconds, *claims = sys.argv[1:]
now = int(time.time())
payload = {"iss": issuer, "sub": "trainwatch-cli", "iat": now, "exp": now + int(seconds), "scope": scope,
           "jti": str(uuid.uuid4())}
payload.update({name: json.loads(value) for name, value in zip(claims[::2], claims[1::2])})
b64 = lambda data: base64.urlsafe_b64encode(data).rstrip(b"=").decode()
signed = b64(b'{"alg":"RS256","typ":"JWT"}') + "." + b64(json.dumps(payload).encode())
signature = subprocess.run(["openssl", "dgst", "-sha256", "-sign", key], input=signed.encode(),
                           capture_output=True, check=True).stdout
print(signed + "." + b64(signature))
PY
}

# An API token for every project, valid 7 days: what ./trainwatch up prints, the demo submits with and the tests
# call the API with.
api_token() {
  ensure_keys
  mint_token api 604800 projects '["*"]'
}
