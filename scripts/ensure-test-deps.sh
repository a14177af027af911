#!/usr/bin/env bash
# Debian packages the test suite uses (runs before `npm test`): installs the missing ones when
# run as root, otherwise fails naming the apt-get line.
set -euo pipefail
need=()
command -v openssl >/dev/null 2>&1 || need+=(openssl)   # mTLS webhook test makes its own CA and certs
command -v promtool >/dev/null 2>&1 || need+=(prometheus)   # promtool lints /metrics (test/e2e/metrics.test.ts)
[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing test dependencies: ${need[*]}" >&2
  # --no-install-recommends: only promtool is used; the prometheus service is never started by the tests
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >&2
  # on a systemd host the package starts a Prometheus server (:9090): the tests only need promtool
  if [[ " ${need[*]} " == *" prometheus "* ]] && [ -d /run/systemd/system ]; then
    systemctl disable --now prometheus.service >&2 || true
  fi
else
  echo "The tests need: apt-get install -y --no-install-recommends ${need[*]}" >&2
  exit 1
fi
