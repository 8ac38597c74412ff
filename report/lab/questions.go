package lab

// Question is the lab question a finding about a message answers: the
// forged or unverified sender of a sent message is the exercise of
// 1.2.5; a fetched message's header tricks belong to no question.
func Question(findingID, direction string) string {
	switch findingID {
	case "sender-unverified", "spoofed-sender":
		if direction == "sent" {
			return "1.2.5"
		}
	}
	return ""
}
