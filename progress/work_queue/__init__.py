"""The clinician's work queue: what is waiting for the signed-in member of staff (notes to
sign or co-sign, clients due for reassessment, open risk flags, overdue homework, today's
appointments), and its counts per reason for badges (docs/work-queue.md)."""
