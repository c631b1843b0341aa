#!/usr/bin/env bash
# A development PKI and an RFC 3161 time-stamping authority (TSA) to develop and test PAdES B-T,
# B-LT and B-LTA against, made with the openssl command line and served by python3's standard
# library. For development and tests only: docs/development-pki.md says what each file is and what
# a production deployment sets instead.
#
#   scripts/dev-tsa.sh init  DIR [PORT]   make the PKI in DIR once (keys are never remade); PORT (default
#                                         5081) goes into the CRL distribution point and authority
#                                         information access URLs and is kept in DIR/port: a later
#                                         init with another PORT keeps the first one
#   scripts/dev-tsa.sh serve DIR PORT     serve the TSA, the CRL and the CA certificate on 127.0.0.1:PORT
#                                         in the foreground (init first)
#   scripts/dev-tsa.sh start DIR PORT     init, then serve in the background (DIR/tsa.pid, DIR/tsa.log);
#                                         nothing to do when it already runs there; prints the TSA's URL
#   scripts/dev-tsa.sh stop  DIR          stop what start started (its process group); nothing to do when stopped
#   scripts/dev-tsa.sh revoke DIR CERT.pem   revoke a certificate the CA issued and publish a new CRL
#   scripts/dev-tsa.sh crl DIR            publish a new CRL now
#
# With DEV_TSA_USER and DEV_TSA_PASSWORD set for serve or start, POST /tsa needs those HTTP Basic
# credentials (401 otherwise).
set -euo pipefail

SCRIPTS="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=scripts/lib/common.sh
. "$SCRIPTS/lib/common.sh"

DEFAULT_PORT=5081
# The TSA's policy: a UUID-based object identifier (ITU-T X.667, arc 2.25), which anyone may mint
# without registering anything; it names this development TSA's policy and nothing else.
TSA_POLICY=2.25.181809674639885679430766233195787187777
CA_SUBJECT="/O=Consent (development only)/CN=Consent Development CA"
SIGNING_SUBJECT="/O=Consent (development only)/CN=Consent clinic records (development)"
TSA_SUBJECT="/O=Consent (development only)/CN=Consent Development TSA"

usage() {
  sed -n '7,19p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
  exit 2
}

# utc OFFSET: the time OFFSET (a GNU date phrase such as "2 years ago") in openssl ca's format.
utc() { date -u -d "$1" +%Y%m%d%H%M%SZ; }

new_key() { (umask 077; openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null); chmod 600 "$1"; }

# write_ca_config DIR PORT: the CA's openssl configuration (its database, the extensions of what it
# issues), written anew on every init so that a moved DIR still works.
write_ca_config() {
  local dir="$1" port="$2"
  cat > "$dir/ca.cnf" <<CNF
# Development CA of Consent (scripts/dev-tsa.sh); not for production.
[ ca ]
default_ca = dev_ca

[ dev_ca ]
dir              = $dir/ca
database         = \$dir/index.txt
new_certs_dir    = \$dir/newcerts
serial           = \$dir/serial
crlnumber        = \$dir/crlnumber
certificate      = $dir/ca.pem
private_key      = $dir/ca.key
default_md       = sha256
default_crl_days = 7
policy           = policy_any
unique_subject   = no
copy_extensions  = none
preserve         = yes
email_in_dn      = no
crl_extensions   = crl_ext

[ policy_any ]
organizationName = optional
commonName       = supplied

[ req ]
distinguished_name = req_dn
prompt             = no

[ req_dn ]
CN = unused

[ v3_ca ]
basicConstraints     = critical, CA:true
keyUsage             = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash

[ v3_signing ]
basicConstraints       = critical, CA:false
keyUsage               = critical, digitalSignature, nonRepudiation
subjectKeyIdentifier   = hash
authorityKeyIdentifier = keyid:always
crlDistributionPoints  = URI:http://127.0.0.1:$port/crl/ca.crl
authorityInfoAccess    = caIssuers;URI:http://127.0.0.1:$port/ca.crt

[ v3_tsa ]
basicConstraints       = critical, CA:false
keyUsage               = critical, digitalSignature, nonRepudiation
extendedKeyUsage       = critical, timeStamping
subjectKeyIdentifier   = hash
authorityKeyIdentifier = keyid:always
crlDistributionPoints  = URI:http://127.0.0.1:$port/crl/ca.crl
authorityInfoAccess    = caIssuers;URI:http://127.0.0.1:$port/ca.crt

[ crl_ext ]
authorityKeyIdentifier = keyid:always
CNF
}

# write_tsa_config DIR: openssl ts's configuration (RFC 3161 with RFC 5816's ESSCertIDv2).
write_tsa_config() {
  local dir="$1"
  cat > "$dir/tsa.cnf" <<CNF
# Development TSA of Consent (scripts/dev-tsa.sh); not for production.
# Policy $TSA_POLICY: development only, a UUID-based OID (arc 2.25) naming nothing else.
[ tsa ]
default_tsa = dev_tsa

[ dev_tsa ]
dir                    = $dir
serial                 = \$dir/tsa-serial
crypto_device          = builtin
signer_cert            = \$dir/tsa.pem
certs                  = \$dir/ca.pem
signer_key             = \$dir/tsa.key
signer_digest          = sha256
default_policy         = $TSA_POLICY
digests                = sha256, sha384, sha512
accuracy               = secs:1
ordering               = no
tsa_name               = yes
ess_cert_id_chain      = no
ess_cert_id_alg        = sha256
CNF
}

# issue DIR NAME SUBJECT EXTENSIONS: NAME.pem for NAME.key, signed by the CA, valid from two years
# back (records are signed with back-dated clocks by the demo seeder) to five years ahead.
issue() {
  local dir="$1" name="$2" subject="$3" extensions="$4"
  openssl req -new -key "$dir/$name.key" -subj "$subject" -out "$dir/$name.csr" -config "$dir/ca.cnf" 2>/dev/null
  openssl ca -batch -notext -config "$dir/ca.cnf" -extensions "$extensions" -in "$dir/$name.csr" -out "$dir/$name.pem" \
    -startdate "$(utc '2 years ago')" -enddate "$(utc '5 years')" 2>/dev/null
  rm -f "$dir/$name.csr"
}

# publish_crl DIR: a new CRL (crl.pem, and ca.crl in DER for the distribution point), next update in 7 days.
publish_crl() {
  local dir="$1"
  openssl ca -batch -config "$dir/ca.cnf" -gencrl -crldays 7 -out "$dir/crl.pem.new" 2>/dev/null
  openssl crl -in "$dir/crl.pem.new" -outform DER -out "$dir/ca.crl.new"
  mv -f "$dir/ca.crl.new" "$dir/ca.crl"
  mv -f "$dir/crl.pem.new" "$dir/crl.pem"
}

# crl_due DIR: true when there is no CRL or it expires within a day.
crl_due() {
  local dir="$1" next
  [ -s "$dir/crl.pem" ] && [ -s "$dir/ca.crl" ] || return 0
  next="$(openssl crl -in "$dir/crl.pem" -noout -nextupdate 2>/dev/null | sed 's/^nextUpdate=//')" || return 0
  [ -n "$next" ] || return 0
  [ "$(date -u -d "$next" +%s)" -lt "$(date -u -d '1 day' +%s)" ]
}

ensure_tools() { apt_ensure openssl openssl python3 python3 curl curl; }

# Debian's own python3 when there is one: a version manager's python3 shim on PATH can take half a
# second just to start, which every start pays.
python_path() { if [ -x /usr/bin/python3 ]; then echo /usr/bin/python3; else command -v python3; fi; }

cmd_init() {
  [ $# -ge 1 ] || usage
  local dir="$1" port="${2:-}"
  ensure_tools
  mkdir -p "$dir"
  dir="$(cd "$dir" && pwd)"
  # The URLs in the certificates name the first port; changing it would mean new certificates.
  if [ -s "$dir/port" ]; then
    local recorded
    recorded="$(cat "$dir/port")"
    if [ -n "$port" ] && [ "$port" != "$recorded" ]; then
      log "dev-tsa: $dir was made for port $recorded; its certificates' URLs keep naming that port."
    fi
    port="$recorded"
  else
    port="${port:-$DEFAULT_PORT}"
    printf '%s\n' "$port" > "$dir/port"
  fi

  mkdir -p "$dir/ca/newcerts"
  [ -f "$dir/ca/index.txt" ] || : > "$dir/ca/index.txt"
  # Random 128-bit serial numbers to begin with (RFC 5280 allows up to 20 octets); 01 keeps them positive.
  [ -s "$dir/ca/serial" ] || printf '01%s\n' "$(openssl rand -hex 15)" > "$dir/ca/serial"
  [ -s "$dir/ca/crlnumber" ] || printf '1000\n' > "$dir/ca/crlnumber"
  [ -s "$dir/tsa-serial" ] || printf '01\n' > "$dir/tsa-serial"
  write_ca_config "$dir" "$port"
  write_tsa_config "$dir"

  [ -s "$dir/ca.key" ] || new_key "$dir/ca.key"
  if [ ! -s "$dir/ca.pem" ]; then
    openssl req -new -key "$dir/ca.key" -subj "$CA_SUBJECT" -out "$dir/ca.csr" -config "$dir/ca.cnf" 2>/dev/null
    # Self-signed through the CA database, so its validity too can begin two years back.
    openssl ca -batch -notext -selfsign -config "$dir/ca.cnf" -keyfile "$dir/ca.key" -extensions v3_ca \
      -in "$dir/ca.csr" -out "$dir/ca.pem" -startdate "$(utc '2 years ago')" -enddate "$(utc '20 years')" 2>/dev/null
    rm -f "$dir/ca.csr"
  fi
  [ -s "$dir/ca.der" ] || openssl x509 -in "$dir/ca.pem" -outform DER -out "$dir/ca.der"

  [ -s "$dir/records-signing.key" ] || new_key "$dir/records-signing.key"
  [ -s "$dir/records-signing.pem" ] || issue "$dir" records-signing "$SIGNING_SUBJECT" v3_signing
  if [ ! -s "$dir/records-signing.pfx" ]; then
    # No password (an empty one): the leaf's key, the leaf, then the CA, so a loader gets the chain.
    (umask 077; openssl pkcs12 -export -inkey "$dir/records-signing.key" -in "$dir/records-signing.pem" \
      -certfile "$dir/ca.pem" -name "Consent clinic records (development)" -passout pass: -out "$dir/records-signing.pfx")
  fi
  chmod 600 "$dir/records-signing.pfx"

  [ -s "$dir/tsa.key" ] || new_key "$dir/tsa.key"
  [ -s "$dir/tsa.pem" ] || issue "$dir" tsa "$TSA_SUBJECT" v3_tsa

  if crl_due "$dir"; then publish_crl "$dir"; fi
}

cmd_crl() {
  [ $# -eq 1 ] || usage
  local dir
  dir="$(cd "$1" && pwd)"
  publish_crl "$dir"
}

cmd_revoke() {
  [ $# -eq 2 ] || usage
  local dir
  dir="$(cd "$1" && pwd)"
  openssl ca -batch -config "$dir/ca.cnf" -revoke "$2" -crl_reason keyCompromise 2>/dev/null
  publish_crl "$dir"
  log "dev-tsa: revoked $(openssl x509 -in "$2" -noout -serial); new CRL in $dir/crl.pem"
}

cmd_serve() {
  [ $# -eq 2 ] || usage
  local dir="$1" port="$2"
  cmd_init "$dir" "$port"
  dir="$(cd "$dir" && pwd)"
  exec "$(python_path)" "$SCRIPTS/dev-tsa/server.py" "$dir" "$port" "$SCRIPTS/dev-tsa.sh"
}

# healthy PORT: our server answers /health on 127.0.0.1:PORT.
healthy() {
  curl -fsS --max-time 1 -D - -o /dev/null "http://127.0.0.1:$1/health" 2>/dev/null | grep -qi '^server: consent-dev-tsa'
}

# running DIR: the pid in DIR/tsa.pid, when that process is alive.
running() {
  local pid
  [ -s "$1/tsa.pid" ] || return 1
  pid="$(cat "$1/tsa.pid")"
  kill -0 "$pid" 2>/dev/null || return 1
  printf '%s' "$pid"
}

cmd_start() {
  [ $# -eq 2 ] || usage
  local dir="$1" port="$2" pid
  mkdir -p "$dir"
  dir="$(cd "$dir" && pwd)"
  if pid="$(running "$dir")"; then
    if [ "$(cat "$dir/tsa.serve-port" 2>/dev/null)" = "$port" ] && healthy "$port"; then
      echo "http://127.0.0.1:$port/tsa"
      return 0
    fi
    cmd_stop "$dir"
  fi
  cmd_init "$dir" "$port"
  printf '%s\n' "$port" > "$dir/tsa.serve-port"
  # Its own session (and so process group), detached from this shell's terminal and signals.
  setsid nohup "$(python_path)" "$SCRIPTS/dev-tsa/server.py" "$dir" "$port" "$SCRIPTS/dev-tsa.sh" \
    >> "$dir/tsa.log" 2>&1 < /dev/null &
  pid=$!
  printf '%s\n' "$pid" > "$dir/tsa.pid"
  local tries
  for tries in $(seq 1 100); do
    if ! kill -0 "$pid" 2>/dev/null; then
      log "dev-tsa: the server stopped at once (is port $port taken?); the end of $dir/tsa.log:"
      tail -n 5 "$dir/tsa.log" >&2
      rm -f "$dir/tsa.pid"
      return 1
    fi
    if healthy "$port"; then
      echo "http://127.0.0.1:$port/tsa"
      return 0
    fi
    [ "$tries" -lt 100 ] && sleep 0.1
  done
  log "dev-tsa: no answer on http://127.0.0.1:$port/health within 10 s; see $dir/tsa.log"
  cmd_stop "$dir"
  return 1
}

cmd_stop() {
  [ $# -eq 1 ] || usage
  local dir="$1" pid
  [ -d "$dir" ] || return 0
  if pid="$(running "$dir")"; then
    # setsid made the server the leader of its own process group: end the group (it and any openssl).
    kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
    local tries
    for tries in $(seq 1 50); do
      kill -0 "$pid" 2>/dev/null || break
      [ "$tries" -eq 50 ] && kill -KILL -- "-$pid" 2>/dev/null
      sleep 0.1
    done
  fi
  rm -f "$dir/tsa.pid"
}

[ $# -ge 1 ] || usage
command="$1"
shift
case "$command" in
  init) cmd_init "$@" ;;
  serve) cmd_serve "$@" ;;
  start) cmd_start "$@" ;;
  stop) cmd_stop "$@" ;;
  revoke) cmd_revoke "$@" ;;
  crl) cmd_crl "$@" ;;
  *) usage ;;
esac
