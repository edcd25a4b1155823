"""A clinician's private calendar feed: an iCalendar address of their appointments that a
calendar app (Google, Outlook, Apple) subscribes to. This package keeps the feed itself (its
token, its settings) and its endpoints; the `.ics` it serves is built by `sessions.calendar`,
which reads the sessions."""
