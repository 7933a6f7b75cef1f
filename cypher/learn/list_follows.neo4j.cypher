// Export: the follows of the next $limit users after $after (keyset pagination by user id).
MATCH (a:User)
WHERE a.id > $after
WITH a
ORDER BY a.id
LIMIT $limit
OPTIONAL MATCH (a)-[:FOLLOWS]->(b:User)
WITH a, collect(b.id) AS targets
RETURN collect(a.id) AS src, collect(targets) AS dst, max(a.id) AS last
