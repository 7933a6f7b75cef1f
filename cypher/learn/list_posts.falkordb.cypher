// Export: the Post nodes of one internal-id window, packed as two joined strings (the
// client parses one long string far faster than thousands of rows) - `n` checks the split.
MATCH (p:Post)
WHERE id(p) >= $lo AND id(p) < $hi
RETURN string.join(collect(toString(id(p))), ' ') AS keys, string.join(collect(p.id), $sep) AS ids,
       count(p) AS n
