#!/usr/bin/env bash
# Build the test class of `mailwire grade` from the real captures of
# captures/ (see captures/README.md). Each student is a folder or a file
# named after them; students.csv gives their addresses. Run from anywhere:
#   bash testdata/class/make.sh
# The output is committed; report/grade's tests grade it.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
CAP=$(cd "$HERE/../../captures" && pwd)

need() {
	local f
	for f in "$@"; do
		[ -f "$CAP/$f" ] || { echo "make.sh: captures/$f is missing (run captures/make.sh)" >&2; exit 1; }
	done
}

# Start from a clean class, keeping this script.
find "$HERE" -mindepth 1 -maxdepth 1 ! -name make.sh -exec rm -rf {} +

# alice: the whole lab in one folder, several captures.
ALICE=(smtp-forgery.pcap smtp-starttls-openssl.pcap smtp-starttls-swaks.pcap smtp-starttls-refused.pcap)
need "${ALICE[@]}"
mkdir -p "$HERE/alice"
for f in "${ALICE[@]}"; do cp "$CAP/$f" "$HERE/alice/"; done

# bob: missing steps, one capture with only an authenticated submission.
need smtp-auth-login.pcap
cp "$CAP/smtp-auth-login.pcap" "$HERE/bob.pcap"

# carol: sends the James Bond forgery to someone else (alice), not to
# herself: the legal flag of the lab.
need smtp-forgery.pcap
mkdir -p "$HERE/carol"
cp "$CAP/smtp-forgery.pcap" "$HERE/carol/forgery.pcap"

# dave: a capture cut in the middle of a packet (interrupted copy).
need smtp-forgery-2047.pcap
size=$(stat -c %s "$CAP/smtp-forgery-2047.pcap")
head -c $((size - 100)) "$CAP/smtp-forgery-2047.pcap" >"$HERE/dave.pcap"

# erin: a pcapng as `tcpdump -i any` writes it (Linux cooked v2 link
# layer), made from the STARTTLS capture by swapping each frame's
# Ethernet header for the cooked header the any device puts there.
need smtp-starttls-swaks.pcap
python3 - "$CAP/smtp-starttls-swaks.pcap" "$HERE/erin.tmp.pcap" <<'PY'
import struct, sys
src, dst = sys.argv[1], sys.argv[2]
data = open(src, "rb").read()
magic, vmaj, vmin, tz, sig, snap, link = struct.unpack("<IHHiIII", data[:24])
assert magic == 0xA1B2C3D4 and link == 1, "expected a little-endian Ethernet pcap"
out = [struct.pack("<IHHiIII", magic, vmaj, vmin, tz, sig, snap, 276)]  # LINKTYPE_LINUX_SLL2
off = 24
while off + 16 <= len(data):
    sec, usec, incl, orig = struct.unpack("<IIII", data[off:off + 16])
    frame = data[off + 16:off + 16 + incl]
    off += 16 + incl
    ethertype, payload = frame[12:14], frame[14:]
    # protocol, reserved, ifindex 1 (lo), ARPHRD_LOOPBACK, outgoing, address length 6, address
    sll2 = ethertype + b"\0\0" + struct.pack(">IHBB", 1, 772, 4, 6) + frame[6:12] + b"\0\0"
    out.append(struct.pack("<IIII", sec, usec, incl + 6, orig + 6) + sll2 + payload)
open(dst, "wb").write(b"".join(out))
PY
editcap -F pcapng "$HERE/erin.tmp.pcap" "$HERE/erin.pcapng"
rm "$HERE/erin.tmp.pcap"

# frank: an empty file.
: >"$HERE/frank.pcap"

# grace: a folder whose only file is not a capture at all.
mkdir -p "$HERE/grace"
printf 'This is my lab report, not a capture.\n' >"$HERE/grace/capture.pcap"

# Every capture of captures/ was made as the lab's student alice, so the
# students who replay her captures have her address; carol does not, which
# makes the forgery she "sent" go to someone else.
cat >"$HERE/students.csv" <<'CSV'
id,email
alice,alice@grenoble-inp.example
bob,alice@grenoble-inp.example
carol,carol@grenoble-inp.example
dave,alice@grenoble-inp.example
erin,alice@grenoble-inp.example
frank,frank@grenoble-inp.example
grace,grace@grenoble-inp.example
CSV
echo "class written to $HERE"
