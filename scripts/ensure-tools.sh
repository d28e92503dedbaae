#!/usr/bin/env bash
# Installs, only when missing, the pinned tools a build or test step needs.
# Usage: scripts/ensure-tools.sh [rust] [wasm] [trunk] [browsers] [geckodriver]
# Everything comes from the package registries (crates.io, Debian, npm); nothing
# downloads a prebuilt binary.
set -euo pipefail

WASM_BINDGEN_VERSION=0.2.130   # must match the `=` pin in Cargo.toml
TRUNK_VERSION=0.21.14          # 0.22 needs a newer rustc; only builds with --locked

export PATH="$HOME/.cargo/bin:$PATH"
apt_updated=0

apt_install() {
  if [ "$apt_updated" = 0 ]; then
    apt-get update -qq
    apt_updated=1
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

ensure_rust() {
  for component in rustfmt clippy; do
    rustup component list --installed | grep -q "^$component" || rustup component add "$component"
  done
}

ensure_wasm() {
  if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    echo "installing rust target wasm32-unknown-unknown"
    rustup target add wasm32-unknown-unknown
  fi
  if ! wasm-bindgen --version 2>/dev/null | grep -q " $WASM_BINDGEN_VERSION"; then
    echo "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION (~3 min)"
    cargo install --force wasm-bindgen-cli --version "=$WASM_BINDGEN_VERSION"
  fi
}

ensure_trunk() {
  ensure_wasm
  if ! trunk --version 2>/dev/null | grep -q " $TRUNK_VERSION"; then
    echo "installing trunk $TRUNK_VERSION (~7 min)"
    cargo install --force --locked trunk --version "=$TRUNK_VERSION"
  fi
}

ensure_browsers() {
  local missing=()
  command -v chromium >/dev/null || missing+=(chromium)
  command -v chromedriver >/dev/null || missing+=(chromium-driver)
  command -v firefox-esr >/dev/null || missing+=(firefox-esr)
  if [ "${#missing[@]}" -gt 0 ]; then
    echo "installing ${missing[*]} from Debian"
    apt_install "${missing[@]}"
  fi
}

ensure_geckodriver() {
  if ! command -v geckodriver >/dev/null; then
    echo "installing geckodriver from crates.io"
    cargo install --locked geckodriver
  fi
}

for what in "$@"; do
  case "$what" in
    rust) ensure_rust ;;
    wasm) ensure_wasm ;;
    trunk) ensure_trunk ;;
    browsers) ensure_browsers ;;
    geckodriver) ensure_geckodriver ;;
    *) echo "ensure-tools: unknown tool set '$what'" >&2; exit 2 ;;
  esac
done
