#!/usr/bin/env bash
# Install Debian's chromium and a CJK font for the browser tests (Playwright drives /usr/bin/chromium;
# never `playwright install`, which downloads a browser from outside the package registries).
set -euo pipefail
if [[ -x /usr/bin/chromium ]] && fc-list 2>/dev/null | grep -qi "wenquanyi\|wqy"; then
    echo "install-browser: chromium and fonts-wqy-zenhei already present" >&2
    exit 0
fi
[[ $EUID -eq 0 ]] || { echo "install-browser: ERROR: not root; install chromium fonts-wqy-zenhei" >&2; exit 1; }
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >&2
apt-get install -y -qq --no-install-recommends chromium fonts-wqy-zenhei fontconfig >&2
echo "install-browser: installed $(/usr/bin/chromium --version 2>/dev/null || echo chromium)" >&2
