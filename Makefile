# mailwire: build, test, benchmark and fuzz. `make help` lists the targets.

GO        ?= go
SUDO      := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
BIN       := bin/mailwire
DEMO      ?= captures/lab-session.pcap
FUZZTIME  ?= 10s
BENCHTIME ?= 1x

# Debian packages: to build (libpcap headers for live capture), and what the
# tests drive or compare against (tshark for the cross-check; real mail
# servers and clients for the live-capture test).
BUILD_PKGS := gcc libpcap-dev
TEST_PKGS  := $(BUILD_PKGS) tshark tcpdump postfix dovecot-imapd dovecot-pop3d dovecot-lmtpd dnsmasq-base swaks openssl python3 curl iproute2

.PHONY: help deps-build deps-test build demo test unit lint fuzz bench bench-live captures clean

help:
	@echo "make demo      build mailwire and analyse a bundled capture"
	@echo "make test      install what the tests need, then lint, unit, integration and short fuzz runs"
	@echo "make build     build $(BIN) (with live capture when libpcap headers are there)"
	@echo "make bench     benchmarks of every stage, then end to end on a BENCH_MB (1024) MB capture vs the floor and tshark, and 200,000 short sessions under 256 MiB"
	@echo "make bench-live  live capture under tcpreplay at rising rates (root)"
	@echo "make fuzz      run every fuzz target for FUZZTIME each (default $(FUZZTIME))"
	@echo "make captures  regenerate captures/ with real servers on loopback (root)"
	@echo "make lint      gofmt and go vet"

# apt-get only runs when a package is missing, so these are quick once done.
define apt_install
	@missing=""; for p in $(1); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
		echo "installing:$$missing"; \
		$(SUDO) apt-get update -qq && \
		$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	fi
endef

deps-build:
	$(call apt_install,$(BUILD_PKGS))
	@command -v $(GO) >/dev/null || { echo "installing Go from Debian (it fetches the toolchain go.mod asks for)"; \
		$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq golang-go >/dev/null; }

# postfix is told not to configure (nor start) a system instance: the tests
# start their own, on loopback or in a namespace of their own.
deps-test: deps-build
	@dpkg -s postfix >/dev/null 2>&1 || echo "postfix postfix/main_mailer_type select No configuration" | $(SUDO) debconf-set-selections
	$(call apt_install,$(TEST_PKGS))

build: deps-build
	$(GO) build -o $(BIN) ./cmd/mailwire

demo: build
	./$(BIN) read $(DEMO)

lint:
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) vet ./... ./testdata/pcapgen ./testdata/pcapgen/mailgen

unit:
	$(GO) test ./...

test: deps-test lint unit
	@$(MAKE) --no-print-directory fuzz FUZZTIME=$(FUZZTIME)

# Every FuzzXxx target of every package, one after the other. A run that
# fails without writing a failing input is the fuzzing engine's own time-out
# on a busy machine ("context deadline exceeded"): it is run once more.
fuzz:
	@set -e; log=$$(mktemp); for f in $$(grep -rl --include='*_test.go' '^func Fuzz' . | sort); do \
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
	rm -rf bin
