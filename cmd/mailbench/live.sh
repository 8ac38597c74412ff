#!/usr/bin/env bash
# Live capture under load: tcpreplay replays a synthetic mail capture on the
# loopback of a network namespace of our own, at rising rates, while
# `mailwire live` analyses it; prints, for each capture source and rate, the
# rate reached, the packets sent, analysed and dropped by the kernel, and
# the CPU time mailwire used, and the credentials found against those of the
# capture read from its file, times the loops. Each loop is replayed with
# other addresses (tcpreplay --unique-ip): a loop of the same packets would
# only be retransmissions, which cost the analysis next to nothing.
#
# Run as root: bash cmd/mailbench/live.sh [mailwire binary] [rates in Mbit/s...]
# SOURCES picks the capture sources (--source), AF_PACKET with a number of
# sockets in a fanout group (--shares), default "pcap afpacket:1
# afpacket:CORES"; SOURCES= (empty) runs the binary's default, for builds
# without --source.
# LOOPS (default 4) is how many times the capture is replayed per rate.
set -euo pipefail
bin=$(realpath "${1:-bin/mailwire}")
shift || true
rates=("${@:-250 500 1000 1500 2000}")
sources=${SOURCES-pcap afpacket:1 afpacket:$(nproc)}
loops=${LOOPS:-4}
command -v tcpreplay >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq tcpreplay >/dev/null
capture=/tmp/mailwire-bench-64MB.pcap
[ -f "$capture" ] || go run ./cmd/mailgen -o "$capture" -sessions 142 -attachment 300000 >/dev/null
ns=mailwire-bench-$$
ip netns add "$ns"
out=$(mktemp -d)
trap 'ip netns delete "$ns"; rm -rf "$out"' EXIT
ip -n "$ns" link set lo up

# cpu prints the user+system CPU seconds a process has used so far.
cpu() {
	awk -v hz="$(getconf CLK_TCK)" '{ printf "%.2f\n", ($14 + $15) / hz }' "/proc/$1/stat" 2>/dev/null || echo 0
}

# settle waits until the process stops using CPU: it has analysed what the
# kernel buffer held (20 s at most).
settle() {
	local before after
	before=$(cpu "$1")
	for _ in $(seq 20); do
		sleep 1
		after=$(cpu "$1")
		awk -v a="$after" -v b="$before" 'BEGIN { exit !(a - b < 0.03) }' && return
		before=$after
	done
}

creds=$("$bin" read --json --progress never "$capture" | grep -c '"kind":"credential"' || true)
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg); $(nproc) cores; capture $(basename "$capture") replayed $loops times per rate"
echo
echo "| source | asked Mbit/s | reached Mbit/s | packets sent | analysed | received by the socket | kernel drops | lost | credentials found | mailwire CPU s |"
echo "|---|---|---|---|---|---|---|---|---|---|"
for source in ${sources:-default}; do
	flag=()
	case $source in
	default) ;;
	*:*) flag=(--source "${source%%:*}" --shares "${source#*:}") ;;
	*) flag=(--source "$source" --shares 1) ;;
	esac
	for rate in ${rates[@]}; do
		ip netns exec "$ns" "$bin" live -i lo --json "${flag[@]}" >"$out/live.json" 2>"$out/live.err" &
		pid=$!
		sleep 1.5
		ip netns exec "$ns" tcpreplay -q --preload-pcap --unique-ip -i lo --loop="$loops" --mbps="$rate" "$capture" >"$out/replay.txt" 2>&1
		settle "$pid"
		used=$(cpu "$pid")
		kill -INT "$pid"
		wait "$pid" || { echo "mailwire live failed:"; cat "$out/live.err"; exit 1; }
		reached=$(sed -n 's/.*Rated: .*, \([0-9.]*\) Mbps.*/\1/p' "$out/replay.txt")
		sent=$(sed -n 's/.*Actual: \([0-9]*\) packets.*/\1/p' "$out/replay.txt")
		analysed=$(grep '"kind":"capture"' "$out/live.json" | sed -n 's/.*"packets":\([0-9]*\).*/\1/p')
		stats=$(grep -o 'capture statistics[^"]*' "$out/live.json" | head -1)
		received=$(sed -n 's/.*: \([0-9]*\) packets received.*/\1/p' <<<"$stats")
		drops=$(sed -n 's/.*received, \([0-9]*\) dropped by the kernel.*/\1/p' <<<"$stats")
		found=$(grep -c '"kind":"credential"' "$out/live.json" || true)
		lost=$(awk -v s="$sent" -v a="$analysed" 'BEGIN { printf "%.1f%%", s ? 100 * (s - a) / s : 0 }')
		echo "| $source | $rate | $reached | $sent | $analysed | $received | $drops | $lost | $found / $((creds * loops)) | $used |"
	done
done
echo
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "lost: packets tcpreplay sent that mailwire did not analyse. libpcap's"
echo "socket also receives the outgoing copy of each packet on loopback (and"
echo "discards it in user space), so its received and drop counts are of twice"
echo "the packets; AF_PACKET's filter refuses that copy in the kernel."
