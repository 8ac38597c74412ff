package extract

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// maxName bounds a sanitised filename in bytes, well under the 255 of
// common file systems once the session and frame prefix is added.
const maxName = 120

// maxExt is the longest extension kept when a name is shortened.
const maxExt = 16

// windowsDevices are names Windows opens as devices whatever the folder
// and the extension.
var windowsDevices = map[string]bool{
	"CON": true, "PRN": true, "AUX": true, "NUL": true, "CONIN$": true, "CONOUT$": true,
	"COM1": true, "COM2": true, "COM3": true, "COM4": true, "COM5": true, "COM6": true, "COM7": true, "COM8": true, "COM9": true,
	"LPT1": true, "LPT2": true, "LPT3": true, "LPT4": true, "LPT5": true, "LPT6": true, "LPT7": true, "LPT8": true, "LPT9": true,
}

// SafeName turns a name chosen by whoever wrote the message into one file
// name that is safe on Linux, macOS and Windows: no folder part, no
// control or reserved character, no leading dot, no device name, not
// empty, not too long. It never returns "." or "..".
func SafeName(name string) string {
	name = strings.ToValidUTF8(name, "_")
	if i := strings.LastIndexAny(name, `/\`); i >= 0 {
		name = name[i+1:]
	}
	var b strings.Builder
	for _, r := range name {
		if unicode.IsControl(r) || strings.ContainsRune(`<>:"/\|?*`, r) || r == utf8.RuneError || unicode.Is(unicode.Cf, r) {
			r = '_'
		}
		b.WriteRune(r)
	}
	// Shortened first so that the checks below see the final name; one
	// byte is left for the "_" a device name gets.
	name = strings.Trim(shorten(b.String(), maxName-1), ". ")
	if name == "" {
		return "unnamed"
	}
	base, _, _ := strings.Cut(name, ".")
	if windowsDevices[strings.ToUpper(strings.TrimRight(base, " "))] {
		name = "_" + name
	}
	return name
}

// shorten cuts a name to at most n bytes on a rune boundary, keeping a
// short extension so that the file still opens with the right program.
func shorten(name string, n int) string {
	if len(name) <= n {
		return name
	}
	ext := ""
	if i := strings.LastIndexByte(name, '.'); i > 0 && len(name)-i <= maxExt {
		ext = name[i:]
		name = name[:i]
	}
	keep := n - len(ext)
	for keep > 0 && !utf8.RuneStart(name[keep]) {
		keep--
	}
	return name[:keep] + ext
}
