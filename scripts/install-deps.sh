#!/bin/sh
# Installs einsim's Debian build and test dependencies. Idempotent: installs only what is
# missing. Without root it prints the exact apt-get command and exits 1.
#   install-deps.sh          the build and test dependencies
#   install-deps.sh browser  headless Chromium and Node.js, for the test that opens the
#                            HTML report in a real browser (tests/report/browser.js)
set -eu
PKGS="build-essential pkg-config zlib1g-dev libconfig-dev verilator libsystemc-dev iverilog gtkwave yosys time gnuplot-nox parallel python3 clang libclang-rt-14-dev"
if [ "${1:-}" = browser ]; then
  PKGS="chromium"
  command -v node >/dev/null 2>&1 || PKGS="$PKGS nodejs"
fi
missing=""
for p in $PKGS; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
cmd="apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends$missing"
if [ "$(id -u)" != 0 ]; then
  echo "einsim: missing Debian packages:$missing" >&2
  echo "einsim: run as root:  $cmd" >&2
  exit 1
fi
echo "einsim: installing$missing" >&2
apt-get update -q >&2
DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $missing >&2
