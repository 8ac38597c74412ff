// Command mailgen writes a synthetic mail capture (interleaved SMTP, IMAP
// and POP3 sessions with logins, messages and attachments), deterministic
// from a seed, and next to it the JSON list of what it holds.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"

	"github.com/mailwire/mailwire/reassembly/testkit/pcapgen/mailgen"
)

func main() {
	var opt mailgen.Options
	out := flag.String("o", "synthetic.pcap", "capture to write; the expected facts go to the same name with .expected.json")
	flag.Int64Var(&opt.Seed, "seed", 1, "random seed: the same seed gives the same capture")
	flag.IntVar(&opt.Sessions, "sessions", 300, "number of sessions (SMTP, IMAP and POP3 in turn)")
	flag.IntVar(&opt.Concurrent, "concurrent", 16, "sessions interleaved at once")
	flag.IntVar(&opt.Attachment, "attachment", 100_000, "attachment size in bytes (0: no attachment)")
	flag.BoolVar(&opt.IPv6, "ipv6", false, "IPv6 addresses")
	v := flag.Uint("vlan", 0, "802.1Q VLAN id (0: untagged)")
	flag.BoolVar(&opt.Reorder, "reorder", false, "swap the first two segments of long sends")
	flag.BoolVar(&opt.Duplicate, "retransmit", false, "retransmit the first segment of each send")
	flag.IntVar(&opt.STARTTLS, "starttls", 10, "one SMTP session in N upgrades with STARTTLS (0: none)")
	flag.Parse()
	opt.VLAN = uint16(*v)
	if err := write(*out, opt); err != nil {
		fmt.Fprintln(os.Stderr, "mailgen:", err)
		os.Exit(1)
	}
}

func write(path string, opt mailgen.Options) error {
	exp, err := mailgen.WriteFile(path, opt)
	if err != nil {
		return err
	}
	b, err := json.MarshalIndent(exp, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path+".expected.json", b, 0o644)
}
