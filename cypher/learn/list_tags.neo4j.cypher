// Export: the next $limit Tag nodes after $after in key order (keyset pagination).
MATCH (t:Tag)
WHERE t.name > $after
WITH t
ORDER BY t.name
LIMIT $limit
RETURN collect(t.name) AS ids, count(t) AS n
