package grade

import (
	"bufio"
	"errors"
	"fmt"
	"html/template"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/mailwire/mailwire/report"
)

// words are the fixed texts of the feedback, by language.
var words = map[string]map[string]string{
	"en": {
		"title":      "Lab feedback",
		"rubric":     "Rubric",
		"student":    "Student",
		"files":      "Captures",
		"total":      "Total",
		"met":        "MET",
		"missed":     "MISSED",
		"proof":      "proof",
		"next":       "next time",
		"warnings":   "Warnings",
		"unreadable": "No capture could be read",
		"legal":      "LEGAL WARNING: a forged mail was sent to someone else than yourself",
		"legal_law":  "Sending a mail under another identity to someone else is an offence (LOPPSI of 14 March 2011); the lab asks you to send it to yourself only. This is reported to your teacher.",
		"legal_row":  "frame %d of %s: From %s (envelope %s) to %s",
		"filter":     "Wireshark filter",
	},
	"fr": {
		"title":      "Retour sur le TP",
		"rubric":     "Barème",
		"student":    "Étudiant",
		"files":      "Captures",
		"total":      "Total",
		"met":        "FAIT",
		"missed":     "MANQUANT",
		"proof":      "preuve",
		"next":       "la prochaine fois",
		"warnings":   "Avertissements",
		"unreadable": "Aucune capture n'a pu être lue",
		"legal":      "AVERTISSEMENT LÉGAL : un courriel usurpant une identité a été envoyé à quelqu'un d'autre que vous",
		"legal_law":  "Envoyer un courriel sous une autre identité à un tiers est un délit (LOPPSI du 14 mars 2011) ; le TP demande de l'envoyer à vous-même uniquement. Ceci est signalé à votre enseignant.",
		"legal_row":  "trame %d de %s : From %s (enveloppe %s) vers %s",
		"filter":     "filtre Wireshark",
	},
}

// feedback is what both feedback formats show, already translated and
// sanitised.
type feedback struct {
	W          map[string]string
	Rubric     string
	ID, Email  string
	Files      string
	Total, Max string
	Unreadable string
	Legal      []string
	Items      []feedbackItem
	Warnings   []string
}

type feedbackItem struct {
	Met      bool
	Question string
	Title    string
	Points   string
	Proof    []string // "file frame N: what (frame.number == N)"
	Hint     string
}

func (c *Class) feedbackOf(s *Result, lang string) *feedback {
	w := words[lang]
	if w == nil {
		w = words["en"]
	}
	clean := func(v string) string { return report.Sanitize(v, 300) }
	fb := &feedback{W: w, Rubric: clean(c.Rubric.Name), ID: clean(s.ID), Email: clean(s.Email),
		Files: clean(strings.Join(s.Files, ", ")), Total: num(s.Total), Max: num(c.Rubric.MaxPoints()),
		Unreadable: clean(s.Unreadable)}
	for _, f := range s.Legal {
		fb.Legal = append(fb.Legal, clean(fmt.Sprintf(w["legal_row"], f.Frame, f.File, f.From, f.EnvelopeFrom, strings.Join(f.Others, ", "))))
	}
	for _, wn := range s.Warnings {
		fb.Warnings = append(fb.Warnings, clean(wn))
	}
	if s.Unreadable != "" {
		return fb
	}
	for _, o := range s.Outcomes {
		cr := o.Criterion
		it := feedbackItem{Met: o.Met, Question: clean(cr.Question), Title: clean(cr.Title.In(lang)),
			Points: num(o.Points) + "/" + num(cr.Points)}
		for _, e := range o.Evidence {
			it.Proof = append(it.Proof, clean(fmt.Sprintf("%s, %s frame.number == %d: %s", e.File, w["filter"], e.Frame, e.What)))
		}
		if !o.Met {
			it.Hint = clean(cr.Hint.In(lang))
		}
		fb.Items = append(fb.Items, it)
	}
	return fb
}

// writeText writes the plain-text feedback.
func (fb *feedback) writeText(w io.Writer) error {
	bw := bufio.NewWriter(w)
	W := fb.W
	fmt.Fprintf(bw, "%s - %s\n%s: %s", W["title"], fb.Rubric, W["student"], fb.ID)
	if fb.Email != "" {
		fmt.Fprintf(bw, " <%s>", fb.Email)
	}
	fmt.Fprintf(bw, "\n%s: %s\n", W["files"], fb.Files)
	if len(fb.Legal) > 0 {
		fmt.Fprintf(bw, "\n!!! %s !!!\n%s\n", W["legal"], W["legal_law"])
		for _, l := range fb.Legal {
			fmt.Fprintf(bw, "  - %s\n", l)
		}
	}
	if fb.Unreadable != "" {
		fmt.Fprintf(bw, "\n%s: %s\n", W["unreadable"], fb.Unreadable)
	} else {
		fmt.Fprintf(bw, "\n%s: %s / %s\n\n", W["total"], fb.Total, fb.Max)
	}
	for _, it := range fb.Items {
		state := W["missed"]
		if it.Met {
			state = W["met"]
		}
		fmt.Fprintf(bw, "[%s] %s %s (%s)\n", state, it.Question, it.Title, it.Points)
		for _, p := range it.Proof {
			fmt.Fprintf(bw, "    %s: %s\n", W["proof"], p)
		}
		if it.Hint != "" {
			fmt.Fprintf(bw, "    %s: %s\n", W["next"], it.Hint)
		}
	}
	if len(fb.Warnings) > 0 {
		fmt.Fprintf(bw, "\n%s:\n", W["warnings"])
		for _, wn := range fb.Warnings {
			fmt.Fprintf(bw, "  - %s\n", wn)
		}
	}
	return bw.Flush()
}

var pageTmpl = template.Must(template.New("page").Parse(`<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>{{.W.title}} - {{.ID}}</title>
<style>
body{font-family:sans-serif;max-width:60em;margin:2em auto;padding:0 1em;color:#222}
.legal{border:3px solid #b00;background:#fee;padding:1em;font-weight:bold}
.met{color:#070}.missed{color:#b00}
li{margin:.4em 0}code{background:#eee;padding:0 .2em}
</style></head><body>
<h1>{{.W.title}} — {{.Rubric}}</h1>
<p>{{.W.student}}: <b>{{.ID}}</b>{{if .Email}} &lt;{{.Email}}&gt;{{end}}<br>{{.W.files}}: {{.Files}}</p>
{{if .Legal}}<div class="legal"><p>{{.W.legal}}</p><p>{{.W.legal_law}}</p><ul>{{range .Legal}}<li>{{.}}</li>{{end}}</ul></div>{{end}}
{{if .Unreadable}}<p class="missed">{{.W.unreadable}}: {{.Unreadable}}</p>{{else}}<h2>{{.W.total}}: {{.Total}} / {{.Max}}</h2>{{end}}
<ul>{{range .Items}}<li>{{if .Met}}<span class="met">{{$.W.met}}</span>{{else}}<span class="missed">{{$.W.missed}}</span>{{end}}
{{.Question}} {{.Title}} ({{.Points}}){{if .Proof}}<ul>{{range .Proof}}<li>{{$.W.proof}}: <code>{{.}}</code></li>{{end}}</ul>{{end}}
{{if .Hint}}<br><i>{{$.W.next}}: {{.Hint}}</i>{{end}}</li>
{{end}}</ul>
{{if .Warnings}}<h2>{{.W.warnings}}</h2><ul>{{range .Warnings}}<li>{{.}}</li>{{end}}</ul>{{end}}
</body></html>
`))

// writeHTML writes the feedback as one self-contained page.
func (fb *feedback) writeHTML(w io.Writer) error { return pageTmpl.Execute(w, fb) }

// WriteDir writes grades.csv, grades.json and feedback/<id>.txt and .html
// into dir, in lang ("en" or "fr").
func (c *Class) WriteDir(dir, lang string) error {
	if err := os.MkdirAll(filepath.Join(dir, "feedback"), 0o755); err != nil {
		return err
	}
	if err := writeFile(filepath.Join(dir, "grades.csv"), c.WriteCSV); err != nil {
		return err
	}
	if err := writeFile(filepath.Join(dir, "grades.json"), c.WriteJSON); err != nil {
		return err
	}
	// Feedback files are written a few at a time: creating a file costs
	// more waiting than work on many file systems.
	errs := make([]error, len(c.Students))
	sem := make(chan struct{}, 8)
	var wg sync.WaitGroup
	for i, s := range c.Students {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			errs[i] = c.writeFeedback(dir, s, lang)
		}()
	}
	wg.Wait()
	return errors.Join(errs...)
}

func (c *Class) writeFeedback(dir string, s *Result, lang string) error {
	fb := c.feedbackOf(s, lang)
	base := filepath.Join(dir, "feedback", fileName(s.ID))
	if err := writeFile(base+".txt", fb.writeText); err != nil {
		return err
	}
	return writeFile(base+".html", fb.writeHTML)
}

// writeFile writes path through a buffer: templates write in many
// small pieces.
func writeFile(path string, write func(io.Writer) error) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	bw := bufio.NewWriterSize(f, 64<<10)
	if err := write(bw); err != nil {
		f.Close()
		return err
	}
	if err := bw.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// fileName makes a student id safe as a file name.
func fileName(id string) string {
	b := []byte(id)
	for i, c := range b {
		ok := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("._-@+", c) >= 0
		if !ok {
			b[i] = '_'
		}
	}
	if len(b) == 0 || b[0] == '.' {
		b = append([]byte{'_'}, b...)
	}
	return string(b)
}
