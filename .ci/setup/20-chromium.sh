#!/usr/bin/env bash
# The browser tests (codevance_api/web/tests/test_browser.py) drive Debian's headless Chromium
# through its matching chromedriver. Install both when either is missing; do nothing otherwise.
set -euo pipefail
if [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ]; then
  echo "chromium: already installed ($(/usr/bin/chromium --version 2>/dev/null || true))"
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q --no-install-recommends chromium chromium-driver
echo "chromium: installed ($(/usr/bin/chromium --version 2>/dev/null || true))"
