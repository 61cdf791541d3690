#!/usr/bin/env bash
# Debian packages the tests need: LibreOffice recalculates the template's native formulas
# headless (driven through soffice --convert-to).  Installed once, only when missing.
set -euo pipefail
if command -v soffice >/dev/null 2>&1; then
    exit 0
fi
if [ "$(id -u)" != 0 ]; then
    echo "system-deps: LibreOffice is missing; run as root or install libreoffice-calc-nogui" >&2
    exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends libreoffice-calc-nogui >/dev/null
