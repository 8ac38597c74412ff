package i18n

// gradeEN holds the English sentences of grade's warnings and of its CSV
// columns; merged into the English catalogue.
var gradeEN = map[string]string{
	"grade.warning.no-traffic":           "no mail or DNS traffic found in the captures",
	"grade.warning.unreadable":           "unreadable: {file}: {why}",
	"grade.warning.unreadable.feedback":  "{file} could not be read: {why}",
	"grade.warning.unreadable.item":      "{file}: {why}",
	"grade.warning.empty":                "unreadable: {file}: empty file (0 bytes)",
	"grade.warning.empty.feedback":       "{file} could not be read: empty file (0 bytes)",
	"grade.warning.empty.item":           "{file}: empty file (0 bytes)",
	"grade.warning.not-capture":          "unreadable: {file}: {why}",
	"grade.warning.not-capture.feedback": "{file} could not be read: {why}",
	"grade.warning.not-capture.item":     "{file}: {why}",
	"grade.no-capture":                   "no capture file",
	"grade.csv.legal":                    "FORGED MAIL SENT TO OTHERS: {file} frame {frame} From {from} to {to}",
}
