#!/usr/bin/env bash
# Installs the machine packages the host and its tests use: bubblewrap (the sandbox of the tenants' workers), libseccomp2
# (the workers' seccomp filter; usually present, apt needs it) and
# chromium (the headless browser of the console's browser tests, driven by Playwright; no browser is downloaded).
# Idempotent: checks each one and installs only what is missing. Needs root (or sudo) for apt-get.
set -euo pipefail
missing=()
if ! command -v bwrap >/dev/null 2>&1; then missing+=(bubblewrap); fi
if ! command -v chromium >/dev/null 2>&1; then missing+=(chromium); fi
if ! ldconfig -p 2>/dev/null | grep -q 'libseccomp\.so\.2'; then missing+=(libseccomp2); fi
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

sudo=""
if [ "$(id -u)" != "0" ]; then sudo="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq "${missing[@]}" >/dev/null
command -v bwrap >/dev/null && bwrap --version
command -v chromium >/dev/null && chromium --version
