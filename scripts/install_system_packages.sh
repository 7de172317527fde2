#!/usr/bin/env bash
# Install the Debian packages listed in requirements-system.txt that are missing (a database server,
# a browser, a JVM for the cross-warehouse and report tests). Needs root, as on CI.
set -euo pipefail
cd "$(dirname "$0")/.."

[ -f requirements-system.txt ] || exit 0
missing=()
while read -r package _; do
    case "$package" in ""|\#*) continue ;; esac
    dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
done < requirements-system.txt
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
    echo "missing Debian packages: ${missing[*]}; install them as root (apt-get install ${missing[*]})" >&2
    exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
