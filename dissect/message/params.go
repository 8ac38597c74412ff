package message

import (
	"io"
	"mime"
	"sort"
	"strconv"
	"strings"
)

// maxParams bounds the parameters and RFC 2231 sections read per field.
const maxParams = 100

// mediaType returns the lower-case value and the parameters of a
// Content-Type or Content-Disposition field. Go's parser is strict and
// drops RFC 2231 values in charsets other than UTF-8, so a field it
// rejects, or one with extended parameters, goes through a lenient parser
// that keeps whatever can be read.
func mediaType(v string) (string, map[string]string) {
	if v == "" {
		return "", map[string]string{}
	}
	if !strings.Contains(v, "*") {
		if t, p, err := mime.ParseMediaType(v); err == nil {
			for k, val := range p {
				p[k] = decodeText(val)
			}
			return t, p
		}
	}
	return lenientMediaType(v)
}

// section is one RFC 2231 piece of a parameter: name*N or name*N*.
type section struct {
	index   int
	encoded bool
	value   string
}

func lenientMediaType(v string) (string, map[string]string) {
	t, rest, _ := strings.Cut(v, ";")
	t = strings.ToLower(strings.TrimSpace(t))
	params := map[string]string{}
	ext := map[string][]section{}
	for n := 0; rest != "" && n < maxParams; n++ {
		var key, val string
		key, val, rest = nextParam(rest)
		if key == "" {
			continue
		}
		name, sec, ok := parseSectionKey(key)
		if !ok {
			if _, dup := params[key]; !dup {
				params[key] = decodeText(val)
			}
			continue
		}
		sec.value = val
		ext[name] = append(ext[name], sec)
	}
	for name, secs := range ext {
		params[name] = joinSections(secs)
	}
	return t, params
}

// nextParam reads `key=value` or `key="quoted value"` from the start of s.
func nextParam(s string) (key, val, rest string) {
	s = strings.TrimLeft(s, " \t;")
	i := strings.IndexAny(s, "=;")
	if i < 0 {
		return "", "", ""
	}
	key = strings.ToLower(strings.TrimSpace(s[:i]))
	if s[i] == ';' {
		return "", "", s[i+1:]
	}
	s = strings.TrimLeft(s[i+1:], " \t")
	if strings.HasPrefix(s, `"`) {
		var b strings.Builder
		j := 1
		for ; j < len(s) && s[j] != '"'; j++ {
			if s[j] == '\\' && j+1 < len(s) {
				j++
			}
			b.WriteByte(s[j])
		}
		rest = ""
		if j < len(s) {
			rest = s[j+1:]
		}
		if k := strings.IndexByte(rest, ';'); k >= 0 {
			rest = rest[k+1:]
		} else {
			rest = ""
		}
		return key, b.String(), rest
	}
	val, rest, _ = strings.Cut(s, ";")
	return key, strings.TrimSpace(val), rest
}

// parseSectionKey splits "filename*", "filename*0", "filename*1*" into
// the parameter name and its section.
func parseSectionKey(key string) (string, section, bool) {
	name, after, ok := strings.Cut(key, "*")
	if !ok || name == "" {
		return "", section{}, false
	}
	if after == "" {
		return name, section{encoded: true}, true
	}
	enc := strings.HasSuffix(after, "*")
	n, err := strconv.Atoi(strings.TrimSuffix(after, "*"))
	if err != nil || n < 0 || n > maxParams {
		return "", section{}, false
	}
	return name, section{index: n, encoded: enc}, true
}

// joinSections rebuilds an RFC 2231 value: sections in order, the
// percent-encoded ones decoded, the whole converted from the charset named
// by the first section.
func joinSections(secs []section) string {
	sort.SliceStable(secs, func(i, j int) bool { return secs[i].index < secs[j].index })
	var raw []byte
	cs := ""
	for i, s := range secs {
		v := s.value
		if s.encoded && i == 0 {
			parts := strings.SplitN(v, "'", 3)
			if len(parts) == 3 {
				cs, v = strings.ToLower(parts[0]), parts[2]
			}
		}
		if s.encoded {
			raw = append(raw, percentDecode(v)...)
		} else {
			raw = append(raw, v...)
		}
	}
	if cs != "" && cs != "utf-8" && cs != "us-ascii" {
		if r, err := charsetReader(cs, strings.NewReader(string(raw))); err == nil {
			if b, err := io.ReadAll(io.LimitReader(r, 4096)); err == nil {
				return sanitize(string(b))
			}
		}
	}
	return decodeText(string(raw))
}

func percentDecode(s string) []byte {
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		if s[i] == '%' && i+2 < len(s) {
			if n, err := strconv.ParseUint(s[i+1:i+3], 16, 8); err == nil {
				b = append(b, byte(n))
				i += 2
				continue
			}
		}
		b = append(b, s[i])
	}
	return b
}
