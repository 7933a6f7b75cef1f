// Export: the Tag nodes of one internal-id window, packed as two joined strings (the
// client parses one long string far faster than thousands of rows) - `n` checks the split.
MATCH (t:Tag)
WHERE id(t) >= $lo AND id(t) < $hi
RETURN string.join(collect(toString(id(t))), ' ') AS keys, string.join(collect(t.name), $sep) AS ids,
       count(t) AS n
