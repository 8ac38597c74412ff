# mailwire: build, test, install, benchmark and fuzz. `make help` lists the targets.
#
# Works as root (no sudo needed) and as a user with sudo, on Debian 12 and
# Ubuntu 22.04/24.04, from a clone or a source tarball (no git needed).

SUDO      := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
BIN       := bin/mailwire
DEMO      ?= captures/lab-session.pcap
# Fuzzing: a few seconds per target in `make test`, longer in `make fuzz`.
TEST_FUZZTIME ?= 3s
FUZZTIME  ?= 1m
BENCHTIME ?= 1x
PREFIX    ?= /usr/local
DESTDIR   ?=
STATICCHECK_VERSION := v0.8.2

# Debian packages: to build (a C compiler and libpcap headers for live
# capture), and what the tests drive or compare against (tshark for the
# cross-check; real mail servers and clients for the live-capture test).
BUILD_PKGS := gcc libc6-dev libpcap-dev
TEST_PKGS  := $(BUILD_PKGS) tshark tcpdump postfix dovecot-imapd dovecot-pop3d dovecot-lmtpd dnsmasq-base swaks openssl python3 curl iproute2 microsocks tinyproxy proxychains4 python3-dkim

# Go: the go.mod's version or later. A go on PATH or in /usr/local/go is
# used when it is recent enough; otherwise that exact toolchain is fetched
# from the Go module proxy into .toolchain/ and checked against the Go
# checksum database (see fetch_go below). Debian's golang-go is never used
# for this: Debian 12 ships Go 1.19.
GO_VERSION := $(shell sed -n 's/^go \([0-9][0-9.]*\).*/\1/p' go.mod)
TOOLCHAIN  := $(CURDIR)/.toolchain/go$(GO_VERSION)
go_version  = GOTOOLCHAIN=local $(1) version 2>/dev/null | sed -n 's/^go version go\([0-9][0-9.]*\).*/\1/p'
GO ?= $(shell for g in $$(command -v go) /usr/local/go/bin/go $(TOOLCHAIN)/bin/go; do \
	v=$$($(call go_version,$$g)); \
	[ -n "$$v" ] && [ "$$(printf '%s\n' $(GO_VERSION) $$v | sort -V | head -n1)" = "$(GO_VERSION)" ] && { echo $$g; exit; }; \
	done; echo $(TOOLCHAIN)/bin/go)
GO_DEP := $(filter $(TOOLCHAIN)/bin/go,$(GO))
# The chosen go runs as it is (it never switches itself to another
# toolchain), is the one tests find on PATH, and stamps no VCS
# information when git is absent (a source tarball, a bare container).
export GOTOOLCHAIN := local
export PATH := $(if $(findstring /,$(GO)),$(patsubst %/,%,$(dir $(GO))):)$(PATH)
ifeq ($(shell command -v git),)
export GOFLAGS += -buildvcs=false
endif

.PHONY: help deps-build deps-test toolchain build demo test unit lint fuzz bench bench-live captures man completions install uninstall clean

help:
	@echo "make demo      build mailwire and analyse a bundled capture"
	@echo "make test      install what the tests need, then lint, unit and integration tests, $(TEST_FUZZTIME) of fuzzing per target"
	@echo "make build     build $(BIN) (with live capture when libpcap headers are there)"
	@echo "make install   install mailwire, its manual pages and shell completions under PREFIX ($(PREFIX))"
	@echo "make man       write the manual pages to bin/man/"
	@echo "make lint      gofmt, go vet, go mod tidy -diff and staticcheck $(STATICCHECK_VERSION)"
	@echo "make fuzz      run every fuzz target for FUZZTIME each (default $(FUZZTIME))"
	@echo "make bench     benchmarks of every stage, then end to end on a BENCH_MB (1024) MB capture vs the floor and tshark, and 200,000 short sessions under 256 MiB"
	@echo "make bench-live  live capture under tcpreplay at rising rates (root)"
	@echo "make captures  regenerate captures/ with real servers on loopback (root)"
	@echo "make toolchain fetch Go $(GO_VERSION) into .toolchain/ if no recent enough go is installed"
	@echo "make golden    rewrite every golden file from the current output (then review git diff)"

# apt-get only runs when a package is missing, so these are quick once
# done. Services the packages bring (postfix, dovecot) are neither
# started nor enabled: the tests start their own servers, in a network
# namespace of their own. A policy-rc.d that says "no" does that during
# the installation; only one we wrote ourselves is removed afterwards.
define apt_install
	@missing=""; for p in $(1); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
		echo "installing:$$missing"; \
		policy=/usr/sbin/policy-rc.d; ours=""; \
		if [ ! -e $$policy ]; then printf '#!/bin/sh\nexit 101\n' | $(SUDO) tee $$policy >/dev/null && $(SUDO) chmod 755 $$policy && ours=1; fi; \
		$(SUDO) apt-get update -qq && \
		$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; rc=$$?; \
		[ -z "$$ours" ] || $(SUDO) rm -f $$policy; \
		for s in postfix dovecot; do case " $$missing " in *" $$s"*) \
			command -v systemctl >/dev/null && $(SUDO) systemctl disable -q $$s 2>/dev/null || true;; esac; done; \
		exit $$rc; \
	fi
endef

deps-build:
	$(call apt_install,$(BUILD_PKGS))

# postfix is told not to configure a system instance.
deps-test: deps-build
	@dpkg -s postfix >/dev/null 2>&1 || echo "postfix postfix/main_mailer_type select No configuration" | $(SUDO) debconf-set-selections
	$(call apt_install,$(TEST_PKGS))

toolchain: $(GO_DEP)

# fetch_go DEST VERSION: the exact toolchain, as GOTOOLCHAIN would get it.
# A go 1.21 or later fetches it itself (module golang.org/toolchain,
# checked against the checksum database) and .toolchain/ links to it.
# Otherwise (no go, or Debian 12's 1.19) the module's zip comes from the
# first proxy in GOPROXY, its h1: hash (the go.sum hash) is computed and
# compared with the checksum database's, reached through the proxy first.
define fetch_go
set -eu
dest=$1 want=$2
case $(uname -m) in
	x86_64) arch=amd64 ;; aarch64|arm64) arch=arm64 ;; armv6l|armv7l) arch=armv6l ;;
	i?86) arch=386 ;; ppc64le|s390x|riscv64|loong64) arch=$(uname -m) ;;
	*) echo "no Go toolchain is published for $(uname -m)" >&2; exit 1 ;;
esac
mod=golang.org/toolchain ver=v0.0.1-go$want.linux-$arch
mkdir -p "$(dirname "$dest")"
for g in $(command -v go || true) /usr/local/go/bin/go /usr/lib/go/bin/go; do
	v=$(GOTOOLCHAIN=local "$g" version 2>/dev/null | sed -n 's/^go version go\([0-9][0-9.]*\).*/\1/p') || true
	[ -n "$v" ] && [ "$(printf '1.21\n%s\n' "$v" | sort -V | head -n1)" = 1.21 ] || continue
	echo "fetching $mod@$ver with $g (go $v)"
	if root=$(cd / && GOTOOLCHAIN=go$want GOFLAGS= "$g" env GOROOT) && [ -x "$root/bin/go" ]; then
		ln -sfn "$root" "$dest"; exit 0
	fi
done
proxy=$(printf '%s\n' "${GOPROXY:-https://proxy.golang.org}" | tr ',|' '\n\n' | grep -v -x -e direct -e off | head -n1)
proxy=${proxy:-https://proxy.golang.org}
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
echo "fetching $proxy/$mod/@v/$ver.zip"
curl -fsSL --retry 3 -o "$tmp/go.zip" "$proxy/$mod/@v/$ver.zip"
sum=$({ curl -fsSL "$proxy/sumdb/sum.golang.org/lookup/$mod@$ver" || curl -fsSL "https://sum.golang.org/lookup/$mod@$ver"; } |
	awk -v m="$mod" -v v="$ver" '$1 == m && $2 == v { print $3 }')
[ -n "$sum" ] || { echo "no checksum for $mod@$ver in the checksum database" >&2; exit 1; }
unzip -q "$tmp/go.zip" -d "$tmp/x"
got=h1:$(cd "$tmp/x" && find . -type f | sed 's|^\./||' | LC_ALL=C sort | xargs -d '\n' sha256sum |
	sha256sum | cut -c1-64 | tr a-f A-F | basenc --base16 -d | base64)
if [ "$got" != "$sum" ]; then echo "$mod@$ver: checksum $got, the database says $sum: not used" >&2; exit 1; fi
echo "checksum $got matches the Go checksum database"
chmod -R a+rX,u+w "$tmp/x"
chmod a+x "$tmp/x/$mod@$ver"/bin/* "$tmp/x/$mod@$ver"/pkg/tool/*/*
rm -rf "$dest"; mv "$tmp/x/$mod@$ver" "$dest"
endef
export FETCH_GO := $(value fetch_go)

$(TOOLCHAIN)/bin/go:
	@echo "Go $(GO_VERSION) or later is not installed: fetching it into .toolchain/"
	$(call apt_install,curl ca-certificates unzip)
	@sh -c "$$FETCH_GO" fetch_go $(TOOLCHAIN) $(GO_VERSION)
	@$@ version

build: deps-build $(GO_DEP)
	$(GO) build -o $(BIN) ./cmd/mailwire

demo: build
	./$(BIN) read $(DEMO)

# Go files are found with find, not git, so that a source tarball is
# checked too; an empty list is a failure, not a pass. A build without cgo
# must build too: it reads capture files (live capture needs libpcap).
STATICCHECK := $(CURDIR)/bin/staticcheck-$(STATICCHECK_VERSION)
$(STATICCHECK): | $(GO_DEP)
	GOBIN=$(CURDIR)/bin/.staticcheck $(GO) install honnef.co/go/tools/cmd/staticcheck@$(STATICCHECK_VERSION)
	mv bin/.staticcheck/staticcheck $@ && rmdir bin/.staticcheck

lint: $(GO_DEP) $(STATICCHECK)
	@files=$$(find . -name '*.go' -not -path './.toolchain/*' -not -path './bin/*' \
		\( -not -path '*/testdata/*' -o -path './testdata/pcapgen/*' -o -path './testdata/heapwatch/*' \)); \
	[ -n "$$files" ] || { echo "lint: no Go files found"; exit 1; }; \
	out=$$(gofmt -l $$files) || exit 1; \
	if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) vet ./... ./testdata/pcapgen/... ./testdata/heapwatch/...
	CGO_ENABLED=0 $(GO) vet ./...
	$(GO) mod tidy -diff
	$(STATICCHECK) ./... ./testdata/pcapgen/... ./testdata/heapwatch/...

unit: $(GO_DEP)
	$(GO) test ./...

test: deps-test lint unit
	@$(MAKE) --no-print-directory fuzz FUZZTIME=$(TEST_FUZZTIME)

# Every FuzzXxx target of every package, one after the other. A run that
# fails without writing a failing input is the fuzzing engine's own time-out
# on a busy machine ("context deadline exceeded"): it is run once more.
# Every package whose tests check golden files through recordtest takes the
# one -update flag; one run rewrites them all, at every level.
golden: $(GO_DEP)
	$(GO) test -count=1 $$($(GO) list -f '{{.ImportPath}} {{join .TestImports " "}} {{join .XTestImports " "}}' ./... | \
		awk '/dissect\/record\/recordtest/ && $$1 !~ /recordtest$$/ {print $$1}') -update
	@git status --short -- '*testdata*' 2>/dev/null || true

fuzz: $(GO_DEP)
	@set -e; log=$$(mktemp); for f in $$(grep -rl --include='*_test.go' --exclude-dir=.toolchain --exclude-dir=bin '^func Fuzz' . | sort); do \
		dir=$$(dirname $$f); \
		for t in $$(grep -ho '^func Fuzz[A-Za-z0-9_]*' $$f | cut -d' ' -f2); do \
			echo "fuzz $$dir $$t ($(FUZZTIME))"; \
			$(GO) test $$dir -run '^$$' -fuzz "^$$t\$$" -fuzztime $(FUZZTIME) >$$log 2>&1 && continue; \
			if ! grep -q 'Failing input written' $$log; then \
				echo "  the fuzzing engine timed out without a failing input; once more"; \
				$(GO) test $$dir -run '^$$' -fuzz "^$$t\$$" -fuzztime $(FUZZTIME) >$$log 2>&1 && continue; \
			fi; \
			cat $$log; rm -f $$log; exit 1; \
		done; \
	done; rm -f $$log

# Manual pages and completions come from the command's own definitions.
man: build
	rm -rf bin/man && ./$(BIN) man bin/man

completions: build
	mkdir -p bin/completions
	./$(BIN) completion bash >bin/completions/mailwire
	./$(BIN) completion zsh >bin/completions/_mailwire
	./$(BIN) completion fish >bin/completions/mailwire.fish

install: man completions
	$(SUDO) install -D -m 755 $(BIN) $(DESTDIR)$(PREFIX)/bin/mailwire
	$(SUDO) install -d $(DESTDIR)$(PREFIX)/share/man/man1
	$(SUDO) install -m 644 bin/man/*.1 $(DESTDIR)$(PREFIX)/share/man/man1/
	$(SUDO) install -D -m 644 bin/completions/mailwire $(DESTDIR)$(PREFIX)/share/bash-completion/completions/mailwire
	$(SUDO) install -D -m 644 bin/completions/_mailwire $(DESTDIR)$(PREFIX)/share/zsh/site-functions/_mailwire
	$(SUDO) install -D -m 644 bin/completions/mailwire.fish $(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d/mailwire.fish
	@echo "installed $(DESTDIR)$(PREFIX)/bin/mailwire; live capture as a normal user needs once:"
	@echo "  sudo setcap cap_net_raw,cap_net_admin=eip $(DESTDIR)$(PREFIX)/bin/mailwire"

uninstall:
	$(SUDO) rm -f $(DESTDIR)$(PREFIX)/bin/mailwire $(DESTDIR)$(PREFIX)/share/man/man1/mailwire*.1 \
		$(DESTDIR)$(PREFIX)/share/bash-completion/completions/mailwire \
		$(DESTDIR)$(PREFIX)/share/zsh/site-functions/_mailwire \
		$(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d/mailwire.fish

# Go benchmarks of every stage, then the whole analysis of a synthetic
# capture of BENCH_MB megabytes beside the floor and tshark.
BENCH_MB ?= 1024

bench: build
	MAILWIRE_BENCH_MB=64 $(GO) test -run '^$$' -bench . -benchmem -benchtime $(BENCHTIME) ./...
	$(GO) run ./cmd/mailbench -mb $(BENCH_MB) -mailwire $(BIN)

# Live capture under load (root): kernel drops at rising replay rates.
bench-live: build
	bash cmd/mailbench/live.sh $(BIN)

captures:
	bash captures/make.sh

clean:
	rm -rf bin .toolchain
