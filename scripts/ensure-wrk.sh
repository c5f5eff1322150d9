#!/usr/bin/env bash
# Installs wrk from Debian's packages when it is missing (with sudo when not root).
set -euo pipefail
command -v wrk >/dev/null && exit 0
echo "installing wrk from Debian's packages" >&2
if [ "$(id -u)" = 0 ]; then sudo_cmd=(); else sudo_cmd=(sudo); fi
"${sudo_cmd[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq wrk >/dev/null
