// Export: the next $limit Post nodes after $after in key order (keyset pagination).
MATCH (p:Post)
WHERE p.id > $after
WITH p
ORDER BY p.id
LIMIT $limit
RETURN collect(p.id) AS ids, count(p) AS n
