#!/usr/bin/env bash
# Installs the machine packages the host and its tests use: bubblewrap (the sandbox of the tenants' workers).
# Idempotent: does nothing when they are there. Needs root (or sudo) for apt-get.
set -euo pipefail
if command -v bwrap >/dev/null 2>&1; then
  exit 0
fi

sudo=""
if [ "$(id -u)" != "0" ]; then sudo="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq bubblewrap >/dev/null
bwrap --version
