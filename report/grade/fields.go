package grade

import (
	"reflect"
	"strings"
	"time"

	"github.com/mailwire/mailwire/dissect/record"
)

// kindFields lists, for each record kind, the JSON field paths a rubric
// may test. It is read from the record structs' JSON tags, so the rubric
// language follows the public contract without a list to keep in sync.
var kindFields = buildKindFields()

// secretFields never take part in grading, even when present.
var secretFields = map[string]bool{"password": true, "hash": true, "password_masked": true}

// Fields the grader computes on message records (see README.md).
const (
	fieldFromDiffers        = "from_differs_from_envelope"
	fieldToSelf             = "to_self"
	fieldForged             = "forged"
	fieldSenderVerified     = "sender_verified"
	fieldToOthers           = "to_others"
	fieldRecipientUndecided = "recipient_undecided"
)

// Fields the grader computes on other records.
const (
	fieldServerPort = "server_port"      // message: port of the server of its session
	fieldSecurity   = "session_security" // message: security of its session
	fieldLabDomain  = "lab_domain"       // dns: about a domain of the lab or the student's own
	fieldNotOffered = "not_offered"      // starttls: the server's EHLO reply lacked STARTTLS
)

// computedFields are the fields the grader adds, by record kind.
var computedFields = map[string][]string{
	(&record.Message{}).Kind():  {fieldFromDiffers, fieldToSelf, fieldForged, fieldSenderVerified, fieldToOthers, fieldRecipientUndecided, fieldServerPort, fieldSecurity},
	(&record.DNS{}).Kind():      {fieldLabDomain},
	(&record.StartTLS{}).Kind(): {fieldNotOffered, fieldSecondServer},
}

func buildKindFields() map[string]map[string]bool {
	out := map[string]map[string]bool{}
	for _, r := range record.Kinds() {
		if _, ok := r.(*record.Summary); ok {
			continue // written once per run, never graded
		}
		fs := map[string]bool{"kind": true, "file": true}
		addFields(fs, "", reflect.TypeOf(r).Elem())
		out[r.Kind()] = fs
	}
	for kind, fs := range computedFields {
		for _, f := range fs {
			out[kind][f] = true
		}
	}
	return out
}

var timeType = reflect.TypeOf(time.Time{})

func addFields(fs map[string]bool, prefix string, t reflect.Type) {
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "" || name == "-" {
			continue
		}
		fs[prefix+name] = true
		ft := f.Type
		for ft.Kind() == reflect.Pointer || ft.Kind() == reflect.Slice {
			ft = ft.Elem()
		}
		if ft.Kind() == reflect.Struct && ft != timeType {
			addFields(fs, prefix+name+".", ft)
		}
	}
}
