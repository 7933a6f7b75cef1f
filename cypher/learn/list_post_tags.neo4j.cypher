// Export: the tags of the next $limit posts after $after.
MATCH (p:Post)
WHERE p.id > $after
WITH p
ORDER BY p.id
LIMIT $limit
OPTIONAL MATCH (p)-[:TAGGED]->(t:Tag)
WITH p, collect(t.name) AS targets
RETURN collect(p.id) AS src, collect(targets) AS dst, max(p.id) AS last
