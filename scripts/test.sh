#!/usr/bin/env bash
# The whole test suite, as the README and CI run it: setup, formatting, lints for the core
# (no features) and the full feature set, then the tests of both. Tests of the full feature set
# run inside a loopback-only network namespace (scripts/netns-run), so nothing they start
# (DDS participants, HTTP servers) can reach a real network.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
step() { printf '\n==> %s\n' "$*" >&2; }

step "setup"
scripts/setup.sh --test-tools
step "fetch crates"
cargo fetch --locked
step "cargo fmt --check"
cargo fmt --all --check
step "clippy (core, no features)"
cargo clippy --locked --all-targets -- -D warnings
step "clippy (full feature set)"
cargo clippy --locked --all-targets --features full -- -D warnings
step "tests (core, no features)"
cargo test --locked --offline
step "tests (full feature set, loopback-only network namespace)"
scripts/netns-run cargo test --locked --offline --features full
