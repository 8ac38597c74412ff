package message

import (
	"path"
	"strings"

	"github.com/mailwire/mailwire/dissect/record"
)

// magicTypes are the types whose content starts with a signature that
// sniffing recognises for sure; only these are checked, so a text file
// named .txt is never a mismatch.
var magicTypes = map[string]bool{
	"image/gif": true, "image/png": true, "image/jpeg": true, "image/bmp": true, "image/webp": true,
	"application/pdf": true, "application/zip": true, "application/x-gzip": true,
	"application/x-rar-compressed": true, "application/x-msdownload": true, "application/x-elf": true,
}

// typeAliases map declared spellings to the sniffed name.
var typeAliases = map[string]string{
	"image/jpg": "image/jpeg", "image/pjpeg": "image/jpeg", "image/x-png": "image/png",
	"application/x-zip-compressed": "application/zip", "application/gzip": "application/x-gzip",
	"application/x-pdf": "application/pdf", "application/x-msdos-program": "application/x-msdownload",
	"application/vnd.microsoft.portable-executable": "application/x-msdownload",
}

// extTypes are the file extensions whose content is checked.
var extTypes = map[string]string{
	".gif": "image/gif", ".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg",
	".bmp": "image/bmp", ".webp": "image/webp", ".pdf": "application/pdf", ".zip": "application/zip",
	".docx": "application/zip", ".xlsx": "application/zip", ".pptx": "application/zip", ".odt": "application/zip",
	".gz": "application/x-gzip", ".rar": "application/x-rar-compressed", ".exe": "application/x-msdownload",
	".dll": "application/x-msdownload",
}

// executables are sniffed types that run when opened.
var executables = map[string]bool{"application/x-msdownload": true, "application/x-elf": true}

// TypeFindings returns an attachment-type-mismatch finding for every
// attachment whose content is not what its name or declared type says: a
// ".gif" that is not a GIF, a PDF that is an executable. Filters that trust
// the name or the type let such files through.
func TypeFindings(m *record.Message) []*record.Finding {
	var out []*record.Finding
	for _, a := range m.Attachments {
		if a.SniffedType == "" {
			continue
		}
		claimed := claimedTypes(a)
		var wrong []string
		for _, c := range claimed {
			if c != a.SniffedType {
				wrong = append(wrong, c)
			}
		}
		exe := executables[a.SniffedType] && len(wrong) == len(claimed)
		if len(wrong) == 0 && !exe {
			continue
		}
		sev := record.SeverityMedium
		if exe {
			sev = record.SeverityHigh
		}
		out = append(out, &record.Finding{
			ID: record.FindingAttachmentTypeMismatch, Severity: sev,
			Session: m.Session, Packet: m.Packet, Frames: frames(m),
			Args: map[string]string{"variant": "mime", "filename": a.Filename, "content_type": a.ContentType, "sniffed_type": a.SniffedType, "sha256": a.SHA256},
		})
	}
	return out
}

// claimedTypes are the checkable types an attachment claims by its
// Content-Type and by its file extension.
func claimedTypes(a record.Attachment) []string {
	var out []string
	ct := strings.ToLower(a.ContentType)
	if alias, ok := typeAliases[ct]; ok {
		ct = alias
	}
	if magicTypes[ct] {
		out = append(out, ct)
	}
	if t, ok := extTypes[strings.ToLower(path.Ext(a.Filename))]; ok && t != ct {
		out = append(out, t)
	}
	return out
}

// Findings returns what a message shows on its own: attachments whose
// content is not what they claim. Who sent it is a question for the
// whole capture (report/lab), not for the message alone.
func Findings(m *record.Message) []*record.Finding {
	return TypeFindings(m)
}

// frames are the evidence frames of a message record.
func frames(m *record.Message) []int64 {
	var f []int64
	if m.Packet > 0 {
		f = append(f, m.Packet)
	}
	if m.EndPacket > 0 && m.EndPacket != m.Packet {
		f = append(f, m.EndPacket)
	}
	return f
}
