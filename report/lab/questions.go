package lab

import "github.com/mailwire/mailwire/dissect/record"

// Question is the lab question a finding about a message answers: the
// forged or unverified sender of a sent message is the exercise of
// 1.2.5; a fetched message's header tricks belong to no question.
func Question(findingID record.FindingID, direction record.Direction) string {
	switch findingID {
	case record.FindingSenderUnverified, record.FindingSpoofedSender:
		if direction == record.DirectionSent {
			return "1.2.5"
		}
	}
	return ""
}
