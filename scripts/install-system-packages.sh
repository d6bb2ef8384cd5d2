#!/usr/bin/env bash
# Install the Debian packages the tests need (e.g. LibreOffice to recalculate workbooks), only when missing.
# Usage: scripts/install-system-packages.sh PACKAGE...   (no arguments: nothing to do)
set -euo pipefail
[ "$#" -gt 0 ] || exit 0
missing=()
for package in "$@"; do
  dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
done
[ "${#missing[@]}" -gt 0 ] || exit 0
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
echo "Installing system packages: ${missing[*]}"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
