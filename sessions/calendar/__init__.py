"""A clinician's calendar feed as calendar apps read it: `/calendar/<token>.ics`, an iCalendar
(RFC 5545) document of their appointments. The feed itself (its token, its settings) is
`api.auth.calendar`'s."""
