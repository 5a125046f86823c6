package llm

// OnWait has f called each time a request of c has to wait for a slot, so
// that a test knows when the calls it started are all queued.
func OnWait(c *Client, f func()) { c.waiting = f }
