#!/usr/bin/env bash
# Live capture under load: tcpreplay replays a synthetic mail capture on the
# loopback of a network namespace of our own, at rising rates, while
# `mailwire live` analyses it; prints the kernel drops at each rate, with
# libpcap and with AF_PACKET rings (--af-packet).
# Run as root: bash cmd/mailbench/live.sh [mailwire binary] [rates in Mbit/s...]
set -euo pipefail
bin=$(realpath "${1:-bin/mailwire}")
shift || true
rates=("${@:-100 200 300 400 800 1000 2000}")
command -v tcpreplay >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq tcpreplay >/dev/null
capture=/tmp/mailwire-bench-64MB.pcap
[ -f "$capture" ] || go run ./cmd/mailgen -o "$capture" -sessions 142 -attachment 300000 >/dev/null
ns=mailwire-bench-$$
ip netns add "$ns"
trap 'ip netns delete "$ns"' EXIT
ip -n "$ns" link set lo up
out=$(mktemp -d)
for engine in libpcap af-packet; do
flags=()
[ "$engine" = af-packet ] && flags=(--af-packet)
for rate in ${rates[@]}; do
	ip netns exec "$ns" "$bin" live -i lo --json "${flags[@]}" >"$out/live.json" 2>"$out/live.err" &
	pid=$!
	sleep 1.5
	# Four loops: longer than the capture buffer can absorb.
	ip netns exec "$ns" tcpreplay -q -i lo --loop=4 --mbps="$rate" "$capture" >"$out/replay.txt" 2>&1
	sleep 4
	kill -INT "$pid"
	wait "$pid" || true
	echo "$engine $rate Mbit/s: $(grep -o 'capture statistics[^"]*' "$out/live.json" | head -1)"
done
done
rm -rf "$out"
