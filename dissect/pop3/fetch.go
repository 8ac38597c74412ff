package pop3

// fetched will report the message of a RETR or TOP response through
// dissect/message once that package is in; until then the response is
// read, bounded and dropped.
func (h *handler) fetched(r *response, end int64) {}
