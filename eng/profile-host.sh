#!/usr/bin/env bash
# Profiles the host alone under the benchmark's `host` load (docs/benchmarks.md §5, "The host alone, profiled"): runs
# `host 5000 16 --host-process --attach-wait 10 [ARGS…]`, so the host is a child process of its own, attaches dotnet-trace
# to that child after the warm-up (thread-time samples and GC allocation ticks), stops the trace once every event has been
# delivered (while the host still runs, so method names are recorded), then summarises the trace per event.
#
# usage: bash eng/profile-host.sh <out-folder> [events] [benchmark arguments…]
#   e.g. bash eng/profile-host.sh /tmp/prof-sqlite
#        bash eng/profile-host.sh /tmp/prof-pg 5000 --store postgres
# Needs dotnet-trace on PATH (dotnet tool install -g dotnet-trace --version 10.0.750501) and a Release build of the benchmarks.
set -euo pipefail
set -m # background jobs keep SIGINT, which stops dotnet-trace cleanly
out=$1
events=${2:-5000}
shift $(( $# > 1 ? 2 : 1 ))
mkdir -p "$out"
root=$(cd "$(dirname "$0")/.." && pwd)
bench=(dotnet "$root/tests/WalletCrew.Plugins.Benchmarks/bin/Release/net10.0/WalletCrew.Plugins.Benchmarks.dll")

"${bench[@]}" host "$events" 16 --host-process --attach-wait 10 "$@" >"$out/run.txt" 2>&1 &
run=$!
wait_for() {
  until grep -q "$1" "$out/run.txt"; do
    kill -0 "$run" 2>/dev/null || { cat "$out/run.txt"; echo "the benchmark stopped before '$1'" >&2; exit 1; }
    sleep 0.5
  done
}

wait_for "warmed up; measuring"
pid=$(grep -m1 "warmed up; measuring" "$out/run.txt" | awk '{print $4}')
dotnet-trace collect -p "$pid" --profile dotnet-sampled-thread-time --providers Microsoft-Windows-DotNETRuntime:0x14C14FCCBD:5 -o "$out/host.nettrace" >"$out/trace.txt" 2>&1 </dev/null &
tracer=$!
wait_for "measured; stopping"
kill -INT "$tracer"
wait "$tracer" || true
wait "$run"
cat "$out/run.txt"
"${bench[@]}" trace-summary "$out/host.nettrace" "$out/run.txt" | tee "$out/summary.md"
