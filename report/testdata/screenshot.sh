#!/bin/sh
# Regenerates the golden HTML reports and their screenshots in a headless
# browser. Run from anywhere: sh report/testdata/screenshot.sh
set -e
here=$(cd "$(dirname "$0")" && pwd)
cd "$here/.."
go test . -run TestGoldenLabSequence -update
profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT
for name in lab.fr lab.en; do
	chromium --headless --no-sandbox --disable-gpu --disable-background-networking \
		--disable-component-update --disable-sync --no-first-run --hide-scrollbars \
		--user-data-dir="$profile" --screenshot="$here/$name.png" --window-size=1200,2000 \
		"file://$here/$name.html"
done
