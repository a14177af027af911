#!/usr/bin/env bash
# Debian packages the test suite uses (runs before `npm test`): installs the missing ones when
# run as root, otherwise fails naming the apt-get line.
set -euo pipefail
need=()
command -v openssl >/dev/null 2>&1 || need+=(openssl)   # mTLS webhook test makes its own CA and certs
[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing test dependencies: ${need[*]}" >&2
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >&2
else
  echo "The tests need: apt-get install -y ${need[*]}" >&2
  exit 1
fi
