#!/usr/bin/env bash
# Build the TP4 test class of report/grade from the real captures of
# captures/ (see captures/README.md): twelve students who did the lab in
# the ways students really do it. expected.csv holds the grades each one
# deserves by the lab sheet (/work/shared/lab/tp4-messagerie.txt), written
# by hand from what each capture holds, not from mailwire's output.
# Run from anywhere: bash report/grade/testdata/tp4class/make.sh
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
CAP=$(cd "$HERE/../../../../captures" && pwd)
CLASS=$HERE/class

rm -rf "$CLASS"
mkdir -p "$CLASS"

# student FILE... : copy the captures into the student's folder.
student() {
	local id=$1 f
	shift
	mkdir -p "$CLASS/$id"
	for f in "$@"; do
		[ -f "$CAP/$f" ] || { echo "make.sh: captures/$f is missing (run captures/make.sh)" >&2; exit 1; }
		cp "$CAP/$f" "$CLASS/$id/"
	done
}

# Léa Moreau: the IMAP part, the MX look-up, the forgery typed by hand
# (envelope = header = James Bond) sent to herself and read back, STARTTLS
# on 25, STARTTLS refused by the second domain's server, the GIF.
student moreaul imap-lab.pcap dns-mx.pcap lab-forgery-self.pcap smtp-starttls-openssl.pcap \
	lab-starttls-second.pcap gif-attachment.pcap
# Jules Petit: reads a signed mail (never sends one), captures the
# encrypted mail of his partner being submitted and reads it.
student petitj lab-smime-read-only.pcap smime-encrypted.pcap
# Marc Dupont: the forgery typed by hand, sent to bob (another student).
student dupontm lab-forgery-other.pcap
# Claire Bernard: the forgery (envelope 007@...) sent to alice (another student).
student bernardc smtp-forgery.pcap
# Thomas Garcia: IMAP over 993 only, without the key log.
student garciat imaps-993.pcap
# Hugo Lefebvre: the MX look-up only.
student lefebvreh dns-mx.pcap
# Paul Fournier: only a mail client's authenticated submissions on 587.
student fournierp lab-submission-587.pcap smtp-auth-login.pcap
# Nina Girard: a capture with no packet at all (started on the wrong interface).
mkdir -p "$CLASS/girardn"
head -c 24 "$CAP/dns-mx.pcap" >"$CLASS/girardn/capture.pcap"
# Quentin Mercier: the whole lab in one capture (not in the roster).
student mercierq lab-session.pcap
# Élise Rousse: STARTTLS on 25, and refused by the second domain's server.
student roussele smtp-starttls-openssl.pcap lab-starttls-second.pcap
# Sophie Blanc: STARTTLS on 25, and 454 (TLS not available) from the
# second domain's server.
student blancs smtp-starttls-openssl.pcap lab-starttls-454.pcap
# Kévin Dubois: the GIF sent on 25 and read back over IMAP (not in the roster).
student duboisk gif-attachment.pcap

cat >"$HERE/students.csv" <<'CSV'
id,email
moreaul,alice@grenoble-inp.example
petitj,bob@grenoble-inp.example
dupontm,marc.dupont@grenoble-inp.example
bernardc,claire.bernard@grenoble-inp.example
garciat,thomas.garcia@grenoble-inp.example
lefebvreh,hugo.lefebvre@grenoble-inp.example
fournierp,paul.fournier@grenoble-inp.example
girardn,nina.girard@grenoble-inp.example
roussele,elise.rousse@grenoble-inp.example
blancs,sophie.blanc@grenoble-inp.example
CSV
