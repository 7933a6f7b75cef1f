// Export: the User nodes of one internal-id window, packed as two joined strings (the
// client parses one long string far faster than thousands of rows) - `n` checks the split.
MATCH (u:User)
WHERE id(u) >= $lo AND id(u) < $hi
RETURN string.join(collect(toString(id(u))), ' ') AS keys, string.join(collect(u.id), $sep) AS ids,
       count(u) AS n
