// Export: the engagements of the next $limit users after $after, as [post id, score] pairs.
MATCH (u:User)
WHERE u.id > $after
WITH u
ORDER BY u.id
LIMIT $limit
OPTIONAL MATCH (u)-[e:ENGAGED]->(p:Post)
WITH u, collect(CASE WHEN p IS NULL THEN null ELSE [p.id, toFloat(coalesce(e.score, 0.0))] END) AS targets
RETURN collect(u.id) AS src, collect(targets) AS dst, max(u.id) AS last
