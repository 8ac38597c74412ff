package grade

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

// BenchmarkGrade200 grades 200 captures: the class's captures copied
// again and again, one student per capture, in a temporary folder.
func BenchmarkGrade200(b *testing.B) {
	var srcs []string
	filepath.WalkDir(classDir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			if _, ok := studentID(d.Name()); ok {
				srcs = append(srcs, p)
			}
		}
		return nil
	})
	if len(srcs) == 0 {
		b.Skip("testdata/class is absent: run testdata/class/make.sh")
	}
	dir := b.TempDir()
	var size int64
	for i := 0; i < 200; i++ {
		src := srcs[i%len(srcs)]
		data, err := os.ReadFile(src)
		if err != nil {
			b.Fatal(err)
		}
		size += int64(len(data))
		name := fmt.Sprintf("s%03d%s", i, filepath.Ext(src))
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			b.Fatal(err)
		}
	}
	r, students := loadClass(b, dir)
	b.Run("grade", func(b *testing.B) {
		b.SetBytes(size)
		for b.Loop() {
			Grade(students, Options{Rubric: r})
		}
	})
	b.Run("grade+write", func(b *testing.B) {
		out := b.TempDir()
		b.SetBytes(size)
		for b.Loop() {
			if err := Grade(students, Options{Rubric: r}).WriteDir(out, "en"); err != nil {
				b.Fatal(err)
			}
		}
	})
}
