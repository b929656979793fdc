#!/usr/bin/env bash
# Signs Windows files (exe, dll, msi) in place with osslsigncode (Authenticode, SHA-256),
# when a certificate is configured; otherwise says plainly that they stay unsigned.
#   packaging/sign.sh FILE...
#
# Configure one of (packaging/README.md, "Signing"):
#   KLANTAPP_SIGN_PKCS12=cert.pfx [KLANTAPP_SIGN_PASSWORD_FILE=file]   a key in a file
#   KLANTAPP_SIGN_PKCS11_MODULE=/usr/lib/.../module.so                  a key in an HSM
#     KLANTAPP_SIGN_KEY='pkcs11:token=...;object=...' KLANTAPP_SIGN_CERT=chain.pem
#   KLANTAPP_SIGN_KEY=key.pem KLANTAPP_SIGN_CERT=chain.pem               PEM files (tests)
# and KLANTAPP_SIGN_TIMESTAMP_URL (an RFC 3161 time-stamping service: without it a
# signature stops being valid when the certificate expires). KLANTAPP_SIGN_CAFILE lets
# the check after signing trust a private CA.
set -euo pipefail

args=()
if [ -n "${KLANTAPP_SIGN_PKCS12:-}" ]; then
  args=(-pkcs12 "$KLANTAPP_SIGN_PKCS12")
  [ -z "${KLANTAPP_SIGN_PASSWORD_FILE:-}" ] || args+=(-readpass "$KLANTAPP_SIGN_PASSWORD_FILE")
elif [ -n "${KLANTAPP_SIGN_PKCS11_MODULE:-}" ]; then
  args=(-pkcs11module "$KLANTAPP_SIGN_PKCS11_MODULE" -key "$KLANTAPP_SIGN_KEY"
    -certs "$KLANTAPP_SIGN_CERT")
elif [ -n "${KLANTAPP_SIGN_KEY:-}" ]; then
  args=(-key "$KLANTAPP_SIGN_KEY" -certs "$KLANTAPP_SIGN_CERT")
else
  for f in "$@"; do echo "UNSIGNED (no certificate configured): $f" >&2; done
  exit 0
fi
if [ -n "${KLANTAPP_SIGN_TIMESTAMP_URL:-}" ]; then
  args+=(-ts "$KLANTAPP_SIGN_TIMESTAMP_URL")
else
  echo "sign: no KLANTAPP_SIGN_TIMESTAMP_URL: the signatures end when the certificate does" >&2
fi

for f in "$@"; do
  osslsigncode sign -h sha256 -n "Klantapp" "${args[@]}" -in "$f" -out "$f.signed" >/dev/null
  mv "$f.signed" "$f"
  osslsigncode verify ${KLANTAPP_SIGN_CAFILE:+-CAfile "$KLANTAPP_SIGN_CAFILE"} -in "$f" >/dev/null \
    || { echo "sign: the signature on $f does not verify" >&2; exit 1; }
  echo "signed: $f" >&2
done
