#!/usr/bin/env bash
# Install the Debian packages the tests need, when they are missing:
# chromium (browser tests of the workshop app, PDF board reports), a Java runtime (Spark) and
# poppler-utils (pdftotext: the disclosure tests read every page of a report's PDF).
# Needs root (or sudo); on a machine where neither is possible it says what to install.
set -euo pipefail

need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v java >/dev/null 2>&1 || need+=(openjdk-17-jre-headless)
command -v pdftotext >/dev/null 2>&1 || need+=(poppler-utils)
# Fonts so that reports and screenshots render text.
dpkg -s fonts-dejavu-core >/dev/null 2>&1 || need+=(fonts-dejavu-core)

if [ ${#need[@]} -eq 0 ]; then
  echo "system packages: all present"
  exit 0
fi

if [ "$(id -u)" -eq 0 ]; then
  run=()
elif command -v sudo >/dev/null 2>&1; then
  run=(sudo)
else
  echo "system packages missing: ${need[*]}. Install them with your package manager (root needed)." >&2
  exit 1
fi

echo "installing system packages: ${need[*]}"
export DEBIAN_FRONTEND=noninteractive
"${run[@]}" apt-get update -qq
"${run[@]}" apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
echo "system packages: installed ${need[*]}"
