package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/mailwire/mailwire/dissect/message/smimekey"
	"github.com/mailwire/mailwire/report"
	"github.com/mailwire/mailwire/report/certreport"
	"github.com/mailwire/mailwire/report/i18n"
)

// cmdCert describes certificates the way lab 1.3.1 asks: encoding, type,
// usages and validity.
func cmdCert(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("cert", flag.ContinueOnError)
	fs.SetOutput(stderr)
	asJSON := fs.Bool("json", false, "write one JSON object per certificate")
	pass := fs.String("pass", "", "password of .p12/.pfx files (default: $"+smimePassEnv+")")
	lang := fs.String("lang", "", "language: en or fr (default from LANG/LC_ALL)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: mailwire cert [flags] FILE...\n\nDescribes the certificates of PEM or DER files, .p12/.pfx key stores and .p7s/.p7m S/MIME objects: encoding, type, usages and validity.\n\nFlags:")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return exitUsage
	}
	if fs.NArg() == 0 {
		fmt.Fprintln(stderr, "mailwire cert: no file given; try: mailwire cert certificat.crt")
		return exitUsage
	}
	if *lang == "" {
		*lang = report.LangFromEnv()
	}
	if *lang != "en" && *lang != "fr" {
		fmt.Fprintf(stderr, "mailwire cert: --lang %q: use en or fr\n", *lang)
		return exitUsage
	}
	if *pass == "" {
		*pass = os.Getenv(smimePassEnv)
	}
	tr := i18n.New(*lang)
	now := time.Now()
	enc := json.NewEncoder(stdout)
	code := exitOK
	for _, path := range fs.Args() {
		data, err := smimekey.ReadFile(path)
		var certs []*certreport.Cert
		if err == nil {
			certs, err = certreport.Read(path, data, *pass, now)
		}
		if err != nil {
			fmt.Fprintln(stderr, "mailwire cert:", err)
			if errors.Is(err, smimekey.ErrPassword) {
				return exitUsage
			}
			code = exitUsage
			continue
		}
		for _, c := range certs {
			if *asJSON {
				enc.Encode(c)
				continue
			}
			for i, line := range certreport.Text(tr, c, now) {
				if i > 0 {
					line = "  " + line
				}
				fmt.Fprintln(stdout, line)
			}
			fmt.Fprintln(stdout)
		}
	}
	return code
}
