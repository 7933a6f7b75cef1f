// Export: the next $limit User nodes after $after in key order (keyset pagination).
MATCH (u:User)
WHERE u.id > $after
WITH u
ORDER BY u.id
LIMIT $limit
RETURN collect(u.id) AS ids, count(u) AS n
