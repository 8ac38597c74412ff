#!/bin/sh
# Regenerates the golden HTML reports and takes their screenshots in a
# headless browser, to look at them: the lab sequence built from records
# (lab.en, lab.fr), and the real lab session capture when
# captures/lab-session.pcap is present. No test reads the screenshots, so
# they are written outside the repository (to $SHOTS, by default a new
# temporary folder).
# Run from anywhere: sh report/testdata/screenshot.sh
set -e
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
cd "$here/.."
go test . -run TestGoldenLabSequence -update
if [ -f "$root/captures/lab-session.pcap" ]; then
	(cd "$root" && go run ./cmd/mailwire read --format html --lang fr \
		--output "$here/lab-session.fr.html" captures/lab-session.pcap)
fi
profile=$(mktemp -d)
shots=${SHOTS:-$(mktemp -d)}
trap 'rm -rf "$profile"' EXIT
for name in lab.fr lab.en lab-session.fr; do
	[ -f "$here/$name.html" ] || continue
	chromium --headless --no-sandbox --disable-gpu --disable-background-networking \
		--disable-component-update --disable-sync --no-first-run --hide-scrollbars \
		--user-data-dir="$profile" --screenshot="$shots/$name.png" --window-size=1200,2000 \
		"file://$here/$name.html"
done
echo "screenshots in $shots"
