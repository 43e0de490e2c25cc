#!/usr/bin/env bash
# Installs everything the test suite needs on a fresh machine, then runs the whole suite.
# Used as-is by .ci/run; the README's second Quickstart command.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v nsd >/dev/null 2>&1 && [ ! -x /usr/sbin/nsd ]; then
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nsd >/dev/null
  elif command -v sudo >/dev/null 2>&1; then
    sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nsd >/dev/null
  else
    echo "test.sh: Debian's nsd is needed for the DNS tests (apt-get install nsd)" >&2
    exit 1
  fi
fi

python3 -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -e '.[test]'
# pytest exits 5 when no test ran: set -e makes that a failure too.
.venv/bin/python -m pytest -q "$@"
