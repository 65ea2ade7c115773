#!/bin/sh
# mkca.sh DIR - throwaway certificates for the relay tests (openssl).
#
#   ca.pem                 a test CA (the tls_trust_file of the tests)
#   server.pem/.key        signed by it: localhost, SAN DNS:localhost and
#                          IP:127.0.0.1
#   wrongname.pem/.key     signed by it, but for mail.example.org only
#   selfsigned.pem/.key    localhost as above, but signed by no CA anyone
#                          trusts
# EC P-256 keys: quick to make.  Valid for two days.
set -eu

dir=${1:?usage: mkca.sh DIR}
mkdir -p "$dir"
cd "$dir"

newkey() {
	openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 \
	    -out "$1" 2>/dev/null
	chmod 600 "$1"
}

# leaf NAME CN SAN: a server certificate signed by the test CA.
leaf() {
	newkey "$1.key"
	openssl req -new -key "$1.key" -subj "/CN=$2" -out "$1.csr"
	cat >"$1.ext" <<EXT
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = $3
EXT
	openssl x509 -req -in "$1.csr" -CA ca.pem -CAkey ca.key \
	    -CAcreateserial -days 2 -sha256 -extfile "$1.ext" \
	    -out "$1.pem" 2>/dev/null
	rm -f "$1.csr" "$1.ext"
}

newkey ca.key
openssl req -x509 -new -key ca.key -sha256 -days 2 \
    -subj "/CN=matchguard test CA" \
    -addext "basicConstraints = critical, CA:TRUE" \
    -addext "keyUsage = critical, keyCertSign, cRLSign" \
    -out ca.pem

leaf server localhost "DNS:localhost, IP:127.0.0.1"
leaf wrongname mail.example.org "DNS:mail.example.org"

newkey selfsigned.key
openssl req -x509 -new -key selfsigned.key -sha256 -days 2 \
    -subj "/CN=localhost" \
    -addext "subjectAltName = DNS:localhost, IP:127.0.0.1" \
    -addext "extendedKeyUsage = serverAuth" \
    -out selfsigned.pem
