// Export: who posted what, for the next $limit users after $after.
MATCH (u:User)
WHERE u.id > $after
WITH u
ORDER BY u.id
LIMIT $limit
OPTIONAL MATCH (u)-[:POSTED]->(p:Post)
WITH u, collect(p.id) AS targets
RETURN collect(u.id) AS src, collect(targets) AS dst, max(u.id) AS last
