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
ALICE=(dns-mx.pcap imap-lab.pcap smtp-forgery.pcap smtp-starttls-openssl.pcap smtp-starttls-refused.pcap
	gif-attachment.pcap smime-signed.pcap smime-encrypted.pcap)
need "${ALICE[@]}"
mkdir -p "$HERE/alice"
for f in "${ALICE[@]}"; do cp "$CAP/$f" "$HERE/alice/"; done

# bob: missing steps: an IMAP login and an authenticated submission, in
# a folder, nothing else.
need imap-auth-login.pcap smtp-auth-login.pcap
mkdir -p "$HERE/bob"
cp "$CAP/imap-auth-login.pcap" "$CAP/smtp-auth-login.pcap" "$HERE/bob/"

# carol: sends the James Bond forgery to someone else (alice), not to
# herself: the legal flag of the lab.
need smtp-forgery.pcap
mkdir -p "$HERE/carol"
cp "$CAP/smtp-forgery.pcap" "$HERE/carol/forgery.pcap"

# dave: a capture cut in the middle of a packet (interrupted copy).
need smtp-forgery-2047.pcap
size=$(stat -c %s "$CAP/smtp-forgery-2047.pcap")
head -c $((size - 100)) "$CAP/smtp-forgery-2047.pcap" >"$HERE/dave.pcap"

# erin: a pcapng from `tcpdump -i any` (Linux cooked v2 link layer): the
# IMAP lab sequence captured on the any device, saved as pcapng.
need imap-lab-sll2.pcap
editcap -F pcapng "$CAP/imap-lab-sll2.pcap" "$HERE/erin.pcapng"

# heidi: the whole lab in one pcapng capture.
need lab-session-ng.pcapng
cp "$CAP/lab-session-ng.pcapng" "$HERE/heidi.pcapng"

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
heidi,alice@grenoble-inp.example
CSV
echo "class written to $HERE"
