#!/usr/bin/env bash
# Rebuild the capture corpus from real mail software on loopback.
#
# Run as root on Debian 12: bash captures/make.sh [scenario ...]
# (bash captures/make.sh --serve starts the servers and leaves them running;
# --stop stops them; both honour MAILWIRE_LAB.)
# It installs what it needs, starts a private postfix, dovecot and dnsmasq
# on 127.0.0.1 (and dovecot also on ::1) from the files in captures/conf,
# drives every scenario of lab.py with real clients under tcpdump, writes
# captures/<name>.pcap and captures/<name>.facts.json, checks them with
# verify.py (tshark), and stops everything it started when it exits.
# Nothing outside LAB and captures/ is changed, apart from installing
# packages.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
LAB=${MAILWIRE_LAB:-/tmp/mailwire-lab}
PKI=$HERE/pki
PY=/usr/bin/python3

PACKAGES=(postfix dovecot-imapd dovecot-pop3d dovecot-lmtpd swaks tcpdump
	openssl curl python3 dnsmasq-base wireshark-common tshark microsocks tinyproxy proxychains4 iproute2)
# Commands that tell whether each package above is already there.
COMMANDS=(/usr/sbin/postfix /usr/sbin/dovecot /usr/lib/dovecot/imap
	/usr/lib/dovecot/pop3 /usr/lib/dovecot/lmtp /usr/bin/swaks /usr/bin/tcpdump
	/usr/bin/openssl /usr/bin/curl /usr/bin/python3 /usr/sbin/dnsmasq
	/usr/bin/editcap /usr/bin/tshark /usr/bin/microsocks /usr/bin/tinyproxy /usr/bin/proxychains4 /usr/bin/ss)

install_packages() {
	local missing=0 c
	for c in "${COMMANDS[@]}"; do
		[ -x "$c" ] || missing=1
	done
	[ "$missing" = 0 ] && return
	export DEBIAN_FRONTEND=noninteractive
	apt-get update
	# postfix asks questions on install; answer them without starting it.
	echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections
	apt-get install -y "${PACKAGES[@]}"
}

# The test PKI is kept in captures/pki so that certificates, and therefore
# the S/MIME and TLS certificate bytes, stay the same from one run to the
# next. It is made once, here, when absent.
make_pki() {
	[ -f "$PKI/ca.crt" ] && return
	mkdir -p "$PKI"
	local days=3650
	openssl req -x509 -newkey rsa:2048 -nodes -sha256 -days "$days" \
		-subj "/O=Mailwire Lab/CN=Mailwire Lab CA" \
		-addext "basicConstraints=critical,CA:TRUE" \
		-addext "keyUsage=critical,keyCertSign,cRLSign" \
		-keyout "$PKI/ca.key" -out "$PKI/ca.crt"
	openssl req -newkey rsa:2048 -nodes -subj "/O=Mailwire Lab/CN=mail.lab.example" \
		-keyout "$PKI/server.key" -out "$PKI/server.csr"
	openssl x509 -req -in "$PKI/server.csr" -CA "$PKI/ca.crt" -CAkey "$PKI/ca.key" \
		-set_serial 2 -days "$days" -sha256 -out "$PKI/server.crt" -extfile <(printf '%s\n' \
		"subjectAltName=DNS:mail.lab.example,DNS:localhost,IP:127.0.0.1,IP:::1" \
		"extendedKeyUsage=serverAuth" "keyUsage=critical,digitalSignature,keyEncipherment")
	local user serial=10
	for user in alice bob; do
		openssl req -newkey rsa:2048 -nodes \
			-subj "/O=Mailwire Lab/CN=$user/emailAddress=$user@grenoble-inp.example" \
			-keyout "$PKI/$user.key" -out "$PKI/$user.csr"
		openssl x509 -req -in "$PKI/$user.csr" -CA "$PKI/ca.crt" -CAkey "$PKI/ca.key" \
			-set_serial "$serial" -days "$days" -sha256 -out "$PKI/$user.crt" -extfile <(printf '%s\n' \
			"subjectAltName=email:$user@grenoble-inp.example" \
			"extendedKeyUsage=emailProtection" \
			"keyUsage=critical,digitalSignature,keyEncipherment")
		serial=$((serial + 1))
	done
	rm -f "$PKI"/*.csr
}

# conf_file SRC DST: copy a file of captures/conf with @LAB@ filled in.
conf_file() {
	sed "s#@LAB@#$LAB#g" "$HERE/conf/$1" >"$2"
}

prepare_lab() {
	stop_servers
	rm -rf "$LAB"
	mkdir -p "$LAB"/{postfix,spool,data,log,run,state/dovecot,conf,pki,mail,work}
	chmod 755 "$LAB"
	cp "$PKI"/server.crt "$PKI"/server.key "$LAB/pki/"
	chmod 600 "$LAB/pki/server.key"
	conf_file main.cf "$LAB/postfix/main.cf"
	conf_file master.cf "$LAB/postfix/master.cf"
	conf_file vmailbox "$LAB/postfix/vmailbox"
	conf_file dovecot.conf "$LAB/conf/dovecot.conf"
	conf_file users "$LAB/conf/users"
	conf_file dnsmasq.conf "$LAB/conf/dnsmasq.conf"
	chmod 644 "$LAB/conf/users"
	chown mail:mail "$LAB/mail"
	touch "$LAB/log/postfix.log" "$LAB/log/dovecot.log"
	postfix -c "$LAB/postfix" set-permissions >/dev/null 2>&1 || true
	postfix -c "$LAB/postfix" check </dev/null
}

start_servers() {
	dovecot -c "$LAB/conf/dovecot.conf"
	local i
	for i in $(seq 50); do
		[ -S "$LAB/run/dovecot/auth-postfix" ] && [ -S "$LAB/run/dovecot/lmtp" ] && break
		sleep 0.1
	done
	postfix -c "$LAB/postfix" start
	dnsmasq --conf-file="$LAB/conf/dnsmasq.conf" --pid-file="$LAB/run/dnsmasq.pid" \
		--log-facility="$LAB/log/dnsmasq.log"
	wait_port 25 && wait_port 587 && wait_port 465 && wait_port 2525 && wait_port 2526 &&
		wait_port 143 && wait_port 993 && wait_port 110 && wait_port 995
}

wait_port() {
	local i
	for i in $(seq 100); do
		(exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
		sleep 0.1
	done
	echo "make.sh: nothing listens on 127.0.0.1:$1" >&2
	return 1
}

# Stop only what this script started: the instances bound to LAB.
stop_servers() {
	[ -f "$LAB/postfix/main.cf" ] && postfix -c "$LAB/postfix" stop >/dev/null 2>&1 || true
	[ -f "$LAB/conf/dovecot.conf" ] && doveadm -c "$LAB/conf/dovecot.conf" stop >/dev/null 2>&1 || true
	if [ -f "$LAB/run/dnsmasq.pid" ]; then
		kill "$(cat "$LAB/run/dnsmasq.pid")" 2>/dev/null || true
		rm -f "$LAB/run/dnsmasq.pid"
	fi
}

main() {
	if [ "$(id -u)" != 0 ]; then
		echo "make.sh: run as root (servers bind ports below 1024, tcpdump needs capture rights)" >&2
		exit 1
	fi
	case "${1:-}" in
	--serve)
		# Start the lab servers and leave them running (the live-capture
		# test drives them; run it inside a network namespace of its own
		# to keep the ports free).
		install_packages
		make_pki
		prepare_lab
		start_servers
		return
		;;
	--stop)
		stop_servers
		return
		;;
	esac
	install_packages
	make_pki
	prepare_lab
	# MAILWIRE_KEEP=1 leaves the servers running (to drive lab.py by hand).
	[ "${MAILWIRE_KEEP:-}" = 1 ] || trap stop_servers EXIT
	start_servers
	MAILWIRE_LAB=$LAB "$PY" "$HERE/lab.py" --out "$HERE" "$@"
	# Read every capture back with tshark against its facts.
	"$PY" "$HERE/verify.py" "$HERE" "$@"
}

main "$@"
