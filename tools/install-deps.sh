#!/usr/bin/env bash
# Installs the system packages Duet builds against, if any is missing.
# Uses apt-get as root, sudo apt-get otherwise, and says what to do when neither works.
set -euo pipefail
packages=(libncursesw5-dev libopenblas-dev libsqlite3-dev tmux pkg-config libopenmpi-dev openmpi-bin)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ! command -v swift >/dev/null 2>&1; then
  echo "duet: Swift 6.1 or newer is required (https://www.swift.org/install/); 'swift' is not on PATH." >&2
  exit 1
fi
[ ${#missing[@]} -eq 0 ] && exit 0
echo "duet: installing missing system packages: ${missing[*]}"
if [ "$(id -u)" -eq 0 ]; then
  apt=(apt-get)
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  apt=(sudo apt-get)
else
  echo "duet: cannot install ${missing[*]}: not root and no password-less sudo." >&2
  echo "      Run: sudo apt-get update && sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
"${apt[@]}" update -qq
"${apt[@]}" install -y -qq "${missing[@]}"
