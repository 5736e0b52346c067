#!/usr/bin/env bash
# Browser tests drive Debian's Chromium (never a downloaded browser). Install it
# when missing and we can (root with apt-get); otherwise say how.
set -u
command -v chromium >/dev/null 2>&1 && exit 0
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "make test: installing Debian's chromium for the browser tests"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium >/tmp/kt-apt-chromium.log 2>&1 \
    || { apt-get update -q >/dev/null 2>&1 && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium >/tmp/kt-apt-chromium.log 2>&1; } \
    || { echo "make test: could not install chromium (see /tmp/kt-apt-chromium.log)" >&2; exit 1; }
else
  echo "make test: chromium not installed; browser tests will be skipped (sudo apt-get install -y chromium)" >&2
fi
