package main

import (
	"flag"
	"fmt"
	"io"
	"runtime"

	"github.com/mailwire/mailwire/report"
	"github.com/mailwire/mailwire/report/grade"
)

// cmdGrade grades a class's captures against a rubric and writes grades
// and per-student feedback. Secrets are always masked: there is no
// --reveal-secrets here.
func cmdGrade(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("grade", flag.ContinueOnError)
	fs.SetOutput(stderr)
	rubricPath := fs.String("rubric", "", "rubric file (YAML); default: the built-in TP4 rubric")
	printRubric := fs.Bool("print-rubric", false, "print the built-in rubric, to copy and edit, and exit")
	studentsPath := fs.String("students", "", "CSV of id,email used to check that mail was sent to the student themself")
	lang := fs.String("lang", "", "feedback language: en or fr (default from LANG/LC_ALL)")
	out := fs.String("out", "", "folder for grades.csv, grades.json and feedback/")
	workers := fs.Int("workers", runtime.NumCPU(), "captures analysed at the same time")
	lim := registerLimits(fs)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: mailwire grade [flags] --out DIR DIR_OR_FILES...\n\nGrades each student's captures: one student per capture file, or per sub-folder\n(several captures in a folder are one student). Writes DIR/grades.csv,\nDIR/grades.json and DIR/feedback/<id>.txt and .html.\n\nFlags:")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return exitUsage
	}
	if *printRubric {
		stdout.Write(grade.BuiltinRubric())
		return exitOK
	}
	if *lang == "" {
		*lang = report.LangFromEnv()
	}
	if *lang != "en" && *lang != "fr" {
		fmt.Fprintf(stderr, "mailwire grade: --lang %q: use en or fr\n", *lang)
		return exitUsage
	}
	if *out == "" || fs.NArg() == 0 {
		fmt.Fprintln(stderr, "mailwire grade: give --out DIR and the class's captures or folders; try: mailwire grade --out grades class/")
		return exitUsage
	}
	rubric, err := grade.LoadRubric(*rubricPath)
	if err != nil {
		fmt.Fprintln(stderr, "mailwire grade: rubric:", err)
		return exitUsage
	}
	opt := grade.Options{Rubric: rubric, Workers: *workers, Pipeline: lim.options()}
	if *studentsPath != "" {
		if opt.Emails, err = grade.LoadStudents(*studentsPath); err != nil {
			fmt.Fprintln(stderr, "mailwire grade: students:", err)
			return exitUsage
		}
	}
	students, skipped, err := grade.Collect(fs.Args())
	if err != nil {
		fmt.Fprintln(stderr, "mailwire grade:", report.Sanitize(err.Error(), 500))
		return exitUsage
	}
	// File names come from the students: never print them raw.
	for _, s := range skipped {
		fmt.Fprintf(stderr, "mailwire grade: skipped %s (not a capture file)\n", report.Sanitize(s, 300))
	}
	class := grade.Grade(students, opt)
	if err := class.WriteDir(*out, *lang); err != nil {
		fmt.Fprintln(stderr, "mailwire grade: writing the grades:", report.Sanitize(err.Error(), 500))
		return exitUsage
	}
	for _, s := range class.Students {
		if len(s.Legal) > 0 {
			fmt.Fprintf(stderr, "mailwire grade: LEGAL WARNING: %s sent a forged mail to someone else (see %s/feedback)\n", report.Sanitize(s.ID, 300), *out)
		}
	}
	fmt.Fprintf(stdout, "graded %d students into %s\n", len(class.Students), *out)
	return exitOK
}
