-- Hostile: turn read-only mode off, write a copy of the database, read a
-- file through a function the sqlite3 shell would have.

-- question: monthly-revenue
PRAGMA query_only = 0;

-- question: top-products
VACUUM INTO '/work/copy.db';

-- question: repeat-rate
SELECT readfile('/proc/self/environ');
