package smtp

// maxRecipients bounds the recipients kept per transaction.
const maxRecipients = 1000

// transaction is the envelope of the mail transaction in progress.
type transaction struct {
	from   string
	active bool
	rcpts  []string
	// dropped counts the accepted recipients past maxRecipients, from
	// the frame of the first of them.
	dropped      int
	droppedFrame int64
}

func (t *transaction) add(rcpt string, frame int64) {
	if len(t.rcpts) < maxRecipients {
		t.rcpts = append(t.rcpts, rcpt)
		return
	}
	if t.dropped == 0 {
		t.droppedFrame = frame
	}
	t.dropped++
}
