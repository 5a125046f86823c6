package briefs

// QueuedRefines is how many briefs wait in the refiner's queue.
func QueuedRefines(r *Refiner) int { return len(r.queue) }
