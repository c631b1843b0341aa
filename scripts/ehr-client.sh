#!/usr/bin/env bash
# A stand-in EHR for trying the CDS Hooks service and the FHIR Consent search by hand (README, "Connecting an EHR").
#
#   scripts/ehr-client.sh keys DIR ISSUER        make DIR/ehr-rs384.pem (RSA 2048) and print a trusted-clients file naming its public key
#   scripts/ehr-client.sh token DIR ISSUER AUD   print a JWT signed RS384 for the endpoint URL AUD (exp in 5 minutes, a new jti)
#
# Needs openssl and base64 only. The kid is the key's SHA-256 thumbprint (first 16 hex digits) so it is stable.
set -euo pipefail

b64url() { base64 -w0 | tr '+/' '-_' | tr -d '='; }

kid_of() { openssl rsa -in "$1" -pubout -outform DER 2>/dev/null | openssl dgst -sha256 -r | cut -c1-16; }

case "${1:-}" in
  keys)
    dir=$2 issuer=$3
    mkdir -p "$dir"
    [ -f "$dir/ehr-rs384.pem" ] || openssl genrsa -out "$dir/ehr-rs384.pem" 2048 2>/dev/null
    chmod 600 "$dir/ehr-rs384.pem"
    n=$(openssl rsa -in "$dir/ehr-rs384.pem" -noout -modulus | cut -d= -f2 | xxd -r -p | b64url)
    printf '{"clients":[{"iss":"%s","keys":[{"kty":"RSA","alg":"RS384","use":"sig","kid":"%s","n":"%s","e":"AQAB"}]}]}\n' \
      "$issuer" "$(kid_of "$dir/ehr-rs384.pem")" "$n"
    ;;
  token)
    dir=$2 issuer=$3 audience=$4
    now=$(date +%s)
    header=$(printf '{"alg":"RS384","typ":"JWT","kid":"%s"}' "$(kid_of "$dir/ehr-rs384.pem")" | b64url)
    payload=$(printf '{"iss":"%s","sub":"ehr-client","aud":"%s","iat":%d,"exp":%d,"jti":"%s"}' \
      "$issuer" "$audience" "$now" $((now + 300)) "$(openssl rand -hex 16)" | b64url)
    signature=$(printf '%s.%s' "$header" "$payload" | openssl dgst -sha384 -sign "$dir/ehr-rs384.pem" | b64url)
    printf '%s.%s.%s\n' "$header" "$payload" "$signature"
    ;;
  *)
    sed -n '2,7p' "$0" >&2
    exit 2
    ;;
esac
