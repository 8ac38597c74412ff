package smtp

// maxRecipients bounds the recipients kept per transaction.
const maxRecipients = 1000

// transaction is the envelope of the mail transaction in progress.
type transaction struct {
	from   string
	active bool
	rcpts  []string
}

func (t *transaction) add(rcpt string) {
	if len(t.rcpts) < maxRecipients {
		t.rcpts = append(t.rcpts, rcpt)
	}
}
