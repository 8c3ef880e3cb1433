"""Runs one SQL query read-only against an SQLite database, inside the sandbox.

Reads a JSON request on stdin: {"db": path, "query": sql, "time_ms": n,
"max_rows": n}. Writes one JSON reply on stdout:
  {"columns": [...], "rows": [[value, ...], ...]}   the result set, or
  {"error": "...", "phase": "prepare"|"run"}          the query failed, or
  {"timeout": true}                                   it ran past time_ms, or
  {"too_many_rows": n}                                more than max_rows rows.
Values are null, ["i", "42"], ["r", "1.5"], ["t", "text"] or ["b", "hex"].

The database is opened read-only and immutable, PRAGMA query_only is on, and an
authorizer allows nothing but reading: no writes, no ATTACH, no PRAGMA, no
transactions, no load_extension().
"""

import json
import sqlite3
import sys
import time

READ_ACTIONS = {sqlite3.SQLITE_SELECT, sqlite3.SQLITE_READ, sqlite3.SQLITE_FUNCTION}
if hasattr(sqlite3, "SQLITE_RECURSIVE"):
    READ_ACTIONS.add(sqlite3.SQLITE_RECURSIVE)
else:  # the constant is missing from some Python builds; its value is fixed
    READ_ACTIONS.add(33)
DENIED_FUNCTIONS = {"load_extension", "readfile", "writefile", "edit", "fts3_tokenizer"}
ACTION_NAMES = {
    getattr(sqlite3, n): n[len("SQLITE_"):]
    for n in dir(sqlite3)
    if n.startswith("SQLITE_") and n[len("SQLITE_"):] in {
        "ALTER_TABLE", "ANALYZE", "ATTACH", "CREATE_INDEX", "CREATE_TABLE", "CREATE_TEMP_INDEX",
        "CREATE_TEMP_TABLE", "CREATE_TEMP_TRIGGER", "CREATE_TEMP_VIEW", "CREATE_TRIGGER",
        "CREATE_VIEW", "CREATE_VTABLE", "DELETE", "DETACH", "DROP_INDEX", "DROP_TABLE",
        "DROP_TEMP_INDEX", "DROP_TEMP_TABLE", "DROP_TEMP_TRIGGER", "DROP_TEMP_VIEW",
        "DROP_TRIGGER", "DROP_VIEW", "DROP_VTABLE", "INSERT", "PRAGMA", "REINDEX", "SAVEPOINT",
        "TRANSACTION", "UPDATE",
    }
}


def reply(obj):
    sys.stdout.write(json.dumps(obj, ensure_ascii=False, separators=(",", ":")))
    sys.stdout.write("\n")
    sys.stdout.flush()


def encode(v):
    if v is None:
        return None
    if isinstance(v, bool):
        return ["i", str(int(v))]
    if isinstance(v, int):
        return ["i", str(v)]
    if isinstance(v, float):
        return ["r", repr(v)]
    if isinstance(v, str):
        return ["t", v]
    if isinstance(v, (bytes, bytearray, memoryview)):
        return ["b", bytes(v).hex()]
    return ["t", str(v)]


def main():
    req = json.load(sys.stdin)
    denied = []

    def authorize(action, arg1, arg2, dbname, source):
        if action == sqlite3.SQLITE_FUNCTION:
            if (arg2 or "").lower() in DENIED_FUNCTIONS:
                denied.append("the function %s()" % arg2)
                return sqlite3.SQLITE_DENY
            return sqlite3.SQLITE_OK
        if action in READ_ACTIONS:
            return sqlite3.SQLITE_OK
        name = ACTION_NAMES.get(action, "action %d" % action)
        if name in ("INSERT", "UPDATE", "DELETE") and (arg1 or "").startswith("sqlite_"):
            denied.append("changing the schema")
        else:
            denied.append(" ".join(x for x in (name.replace("_", " "), arg1) if x))
        return sqlite3.SQLITE_DENY

    conn = sqlite3.connect("file:%s?mode=ro&immutable=1" % req["db"], uri=True,
                           isolation_level=None)
    conn.text_factory = lambda b: b.decode("utf-8", "replace")
    if hasattr(conn, "setlimit"):
        conn.setlimit(sqlite3.SQLITE_LIMIT_ATTACHED, 0)
        # No single value may exceed 1 MB: a zeroblob(1e9) fails at once
        # rather than filling the sandbox's memory.
        conn.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, 1_000_000)
    conn.execute("PRAGMA query_only = ON")
    conn.execute("PRAGMA temp_store = MEMORY")
    conn.set_authorizer(authorize)

    deadline = time.monotonic() + req.get("time_ms", 2000) / 1000.0
    timed_out = []

    def progress():
        if time.monotonic() > deadline:
            timed_out.append(True)
            return 1
        return 0

    conn.set_progress_handler(progress, 2000)
    max_rows = req.get("max_rows", 10000)
    try:
        # Compiling alone reads no row: its errors are about the query's
        # text, and may be shown whatever the database.
        conn.execute("EXPLAIN " + req["query"]).close()
    except (sqlite3.Error, sqlite3.Warning) as e:
        msg = str(e)
        if denied:
            msg = "not allowed (queries run read-only): " + denied[0]
        reply({"error": msg, "phase": "prepare"})
        return
    try:
        cur = conn.execute(req["query"])
        if cur.description is None:
            reply({"error": "the statement returns no result set: only a query "
                            "(SELECT, WITH ... SELECT, VALUES) can answer a question"})
            return
        columns = [d[0] for d in cur.description]
        rows = []
        for row in cur:
            if len(rows) >= max_rows:
                reply({"too_many_rows": max_rows})
                return
            rows.append([encode(v) for v in row])
    except sqlite3.Warning as e:
        reply({"error": str(e), "phase": "prepare"})
        return
    except sqlite3.Error as e:
        if timed_out:
            reply({"timeout": True})
            return
        msg = str(e)
        if denied:
            msg = "not allowed (queries run read-only): " + denied[0]
        reply({"error": msg, "phase": "run"})
        return
    reply({"columns": columns, "rows": rows})


if __name__ == "__main__":
    main()
