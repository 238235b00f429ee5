#!/bin/sh
# Generates a throw-away test CA and a server certificate for 127.0.0.1-3 / localhost /
# registrar.test into folder $1 (default: the current folder):
#   ca.pem ca.key server.pem server.key server-combined.pem (key + cert, for clients that want one file)
# Only for loopback tests; the keys are created fresh on every run.
set -eu
D=${1:-.}
mkdir -p "$D"
cd "$D"
umask 077
openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=doorlab test CA" \
  -keyout ca.key -out ca.pem 2>/dev/null
openssl req -newkey rsa:2048 -nodes -subj "/CN=127.0.0.1" -keyout server.key -out server.csr 2>/dev/null
printf 'subjectAltName=IP:127.0.0.1,IP:127.0.0.2,IP:127.0.0.3,DNS:localhost,DNS:registrar.test\nextendedKeyUsage=serverAuth,clientAuth\n' > ext.cnf
openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 3650 \
  -extfile ext.cnf -out server.pem 2>/dev/null
cat server.key server.pem > server-combined.pem
chmod 644 ca.pem server.pem
rm -f server.csr ext.cnf
echo "certs in $(pwd): ca.pem server.pem server.key server-combined.pem"
