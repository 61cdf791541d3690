#!/usr/bin/env bash
# Debian packages the tests need, each installed once, only when missing:
# - LibreOffice recalculates the template's native formulas headless (soffice);
# - acl (setfacl) sets the ACLs that recalc --in-place must keep;
# - Chromium renders betaxl report's page headless (tests/browser.py).
set -euo pipefail
missing=()
command -v soffice >/dev/null 2>&1 || missing+=(libreoffice-calc-nogui)
command -v setfacl >/dev/null 2>&1 || missing+=(acl)
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" != 0 ]; then
    echo "system-deps: missing ${missing[*]}; run as root or install them" >&2
    exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
