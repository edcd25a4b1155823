"""The raw bound for the client list: a bare WSGI app, no Django, no DRF.

    DATABASE_URL=postgres://… JWT_SIGNING_KEY=… FIELD_ENCRYPTION_KEYS=… \
        gunicorn -c api/gunicorn.conf.py tests.benchmarks.raw_bound:application

It answers `GET /api/v1/clients/?page_size=N` for a clinician with the same rows and the same
JSON fields as Rootwise's client list (care team, presenting roots with their notes decrypted,
completed sessions, last session, open risk flags), under the same access rule (primary
clinician or care team) and order, with the same JWT check simplejwt makes (HS256 with
JWT_SIGNING_KEY, exp, jti, token_type "access", then the user looked up and required active).
Queries go through psycopg, JSON through orjson. What it leaves out, on purpose, is all that
makes a product: the admin's and supervisor's views (it always answers as for a
clinician), filters, a real cursor, problem documents,
the audit event, middleware (request ids, security headers). Not product code.
"""

import os
from urllib.parse import parse_qs

import jwt
import orjson
import psycopg
from cryptography.fernet import Fernet, MultiFernet

SIGNING_KEY = os.environ["JWT_SIGNING_KEY"]
KEYS = MultiFernet(
    [Fernet(key.strip()) for key in os.environ["FIELD_ENCRYPTION_KEYS"].split(",") if key.strip()]
)
DATABASE_URL = os.environ["DATABASE_URL"]
PLANNER_OPTIONS = "-c jit=off -c random_page_cost=1.1"  # as api/settings.py's

USER_SQL = "SELECT role, is_active FROM accounts_user WHERE id = %s"
CLIENTS_SQL = """
SELECT c.id, c.given_name, c.family_name, c.preferred_name, c.date_of_birth, c.email, c.phone,
       c.status, c.intake_date, c.discharged_on, c.primary_clinician_id,
       ARRAY(SELECT t.user_id FROM clients_client_care_team t WHERE t.client_id = c.id
             ORDER BY t.id) AS care_team,
       c.external_id,
       (SELECT count(*) FROM therapy_sessions_session s
         WHERE s.client_id = c.id AND s.status = 'completed') AS sessions_count,
       (SELECT max(s.starts_at) FROM therapy_sessions_session s
         WHERE s.client_id = c.id AND s.status = 'completed') AS last_session_at,
       (SELECT count(*) FROM assessments_riskflag f
         WHERE f.client_id = c.id AND f.acknowledged_at IS NULL) AS open_risk_flags,
       c.created_at, c.updated_at
  FROM clients_client c
 WHERE c.primary_clinician_id = %(user)s
    OR EXISTS (SELECT 1 FROM clients_client_care_team t
                WHERE t.client_id = c.id AND t.user_id = %(user)s)
 ORDER BY c.family_name, c.given_name, c.id
 LIMIT %(limit)s
"""
ROOTS_SQL = """
SELECT client_id, root, severity, is_primary, note FROM clients_presentingroot
 WHERE client_id = ANY(%s) ORDER BY id
"""
COLUMNS = [
    "id",
    "given_name",
    "family_name",
    "preferred_name",
    "date_of_birth",
    "email",
    "phone",
    "status",
    "intake_date",
    "discharged_on",
    "primary_clinician",
    "care_team",
    "external_id",
    "sessions_count",
    "last_session_at",
    "open_risk_flags",
    "created_at",
    "updated_at",
]

_connection = None


def connection() -> psycopg.Connection:
    """One connection per worker process, kept open (as DB_CONN_MAX_AGE does)."""
    global _connection
    if _connection is None or _connection.closed:
        # The same planner settings as the app's own connections.
        _connection = psycopg.connect(DATABASE_URL, autocommit=True, options=PLANNER_OPTIONS)
    return _connection


def respond(start_response, status: str, body: dict) -> list[bytes]:
    payload = orjson.dumps(body)
    start_response(
        status, [("Content-Type", "application/json"), ("Content-Length", str(len(payload)))]
    )
    return [payload]


def authenticated_user(environ, cursor) -> str | None:
    header = environ.get("HTTP_AUTHORIZATION", "")
    if not header.startswith("Bearer "):
        return None
    try:
        claims = jwt.decode(header[7:], SIGNING_KEY, algorithms=["HS256"])
    except jwt.InvalidTokenError:
        return None
    if claims.get("token_type") != "access" or "jti" not in claims or "user_id" not in claims:
        return None
    row = cursor.execute(USER_SQL, (claims["user_id"],)).fetchone()
    return claims["user_id"] if row is not None and row[1] else None


def application(environ, start_response):
    if environ.get("PATH_INFO") != "/api/v1/clients/" or environ["REQUEST_METHOD"] != "GET":
        return respond(start_response, "404 Not Found", {"detail": "Not found."})
    query = parse_qs(environ.get("QUERY_STRING", ""))
    page_size = min(int(query.get("page_size", ["50"])[0]), 200)
    with connection().cursor() as cursor:
        user = authenticated_user(environ, cursor)
        if user is None:
            return respond(start_response, "401 Unauthorized", {"detail": "Not authenticated."})
        rows = cursor.execute(CLIENTS_SQL, {"user": user, "limit": page_size + 1}).fetchall()
        has_next, rows = len(rows) > page_size, rows[:page_size]
        results = [dict(zip(COLUMNS, row, strict=True)) for row in rows]
        by_id = {}
        for result in results:
            result["presenting_roots"] = []
            by_id[result["id"]] = result
        for client_id, root, severity, is_primary, note in cursor.execute(
            ROOTS_SQL, (list(by_id),)
        ):
            by_id[client_id]["presenting_roots"].append(
                {
                    "root": root,
                    "severity": severity,
                    "is_primary": is_primary,
                    "note": KEYS.decrypt(note.encode()).decode() if note else "",
                }
            )
    next_link = f"/api/v1/clients/?cursor={rows[-1][0]}" if has_next else None
    return respond(
        start_response, "200 OK", {"next": next_link, "previous": None, "results": results}
    )
