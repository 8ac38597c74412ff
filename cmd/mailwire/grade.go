package main

import (
	"errors"
	"fmt"
	"io/fs"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/mailwire/mailwire/report"
	"github.com/mailwire/mailwire/report/grade"
)

const gradeLong = `Grades each student's captures against a rubric: one student per capture file
given or found directly in a folder given, and one per sub-folder of a folder
given (every capture under it is that student's). Writes
DIR/grades.csv, DIR/grades.json and DIR/feedback/<id>.txt and .html. Secrets
are always masked. A capture that cannot be read is reported, the rest of
the class is still graded, and the exit status is 2.`

const gradeExample = `  mailwire grade --out grades class/
  mailwire grade class/ --out grades --students students.csv --lang fr
  mailwire grade --print-rubric > rubric.yaml
  mailwire grade --rubric rubric.yaml --out grades class/alice.pcapng class/bob.pcapng`

// newGradeCmd grades a class's captures against a rubric and writes
// grades and per-student feedback. There is no --reveal-secrets here.
func newGradeCmd(a *app) *cobra.Command {
	var rubricPath, studentsPath, lang, out, progress string
	var printRubric bool
	var workers int
	an := newAnalysisFlags(a)
	cmd := &cobra.Command{
		Use:     "grade [flags] --out DIR DIR_OR_FILES...",
		Short:   "Grade a class's captures",
		Long:    gradeLong,
		Example: gradeExample,
		RunE: a.runs(func(cmd *cobra.Command, args []string) int {
			if printRubric {
				a.stdout.Write(grade.BuiltinRubric())
				return exitOK
			}
			if out == "" || len(args) == 0 {
				fmt.Fprintln(a.stderr, "mailwire grade:", a.tr.T("cli.grade.usage"))
				return exitUsage
			}
			rubric, err := grade.LoadRubric(rubricPath)
			if err != nil {
				fmt.Fprintln(a.stderr, "mailwire grade:", a.inputError("cli.grade.rubric", rubricPath, err))
				return exitUsage
			}
			popt, err := an.options()
			if err != nil {
				fmt.Fprintln(a.stderr, "mailwire grade:", err)
				return exitUsage
			}
			opt := grade.Options{Rubric: rubric, Workers: workers, Pipeline: popt}
			if studentsPath != "" {
				if opt.Emails, err = grade.LoadStudents(studentsPath); err != nil {
					fmt.Fprintln(a.stderr, "mailwire grade:", a.inputError("cli.grade.students", studentsPath, err))
					return exitUsage
				}
			}
			return gradeClass(args, opt, a.tr.Lang(), out, progress, a)
		}),
	}
	fs := cmd.Flags()
	fs.StringVar(&rubricPath, "rubric", "", "rubric file (YAML); default: the built-in TP4 rubric")
	fs.BoolVar(&printRubric, "print-rubric", false, "print the built-in rubric, to copy and edit, and exit")
	fs.StringVar(&studentsPath, "students", "", "CSV of id,email used to check that mail was sent to the student themself")
	langFlag(fs, &lang, "feedback")
	fs.StringVar(&out, "out", "", "folder for grades.csv, grades.json and feedback/")
	cmd.MarkFlagDirname("out")
	workersFlag(fs, &workers)
	progressFlag(fs, &progress)
	an.addFlags(fs)
	completeChoices(cmd)
	return cmd
}

func gradeClass(args []string, opt grade.Options, lang, out, progress string, a *app) int {
	tr := a.tr
	students, skipped, err := grade.Collect(args)
	if err != nil {
		fmt.Fprintln(a.stderr, "mailwire grade:", tr.T("cli.grade.collect", "error", report.Sanitize(err.Error(), 500)))
		return exitUsage
	}
	// File names come from the students: never print them raw.
	for _, s := range skipped {
		fmt.Fprintln(a.stderr, "mailwire grade:", tr.T("cli.grade.skipped", "file", report.Sanitize(s, 300)))
	}
	var files []string
	for _, s := range students {
		files = append(files, s.Files...)
	}
	stop := startProgress(a.tr, files, &opt.Pipeline, progress, a.stderr)
	class := grade.Grade(students, opt)
	stop()
	if err := class.WriteDir(out, lang); err != nil {
		fmt.Fprintln(a.stderr, "mailwire grade:", tr.T("cli.grade.write", "out", out, "error", report.Sanitize(detail(err), 500)))
		return exitUsage
	}
	code := exitOK
	for _, s := range class.Students {
		if len(s.Legal) > 0 {
			fmt.Fprintln(a.stderr, "mailwire grade:", tr.T("cli.grade.legal", "student", report.Sanitize(s.ID, 300), "out", out))
		}
		for _, why := range s.ReadErrors {
			fmt.Fprintln(a.stderr, "mailwire grade:", tr.T("cli.grade.unreadable", "student", report.Sanitize(s.ID, 300), "why", report.Sanitize(why, 500)))
			code = exitUsage
		}
	}
	fmt.Fprintln(a.stdout, tr.T("cli.grade.done", "n", strconv.Itoa(len(class.Students)), "out", out))
	return code
}

// inputError says why the rubric or the student list at path cannot be
// used: key's sentence, with the parser's words (file line and reason)
// in parentheses, or what to check when the file cannot be opened.
func (a *app) inputError(key, path string, err error) string {
	if errors.Is(err, fs.ErrNotExist) || errors.Is(err, fs.ErrPermission) {
		return fileError(a.tr, path, err)
	}
	return a.tr.T(key, "file", path, "error", report.Sanitize(strings.TrimPrefix(err.Error(), path+": "), 500))
}
