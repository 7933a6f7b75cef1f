// Source "popular" (cold start): authors of posts created since $since (at most $scan of
// them, through the created_at index), by how many people engaged with those posts, then
// by how recently they posted.
MATCH (p:Post)
WHERE p.created_at >= $since AND p.created_at <= $now AND p.removed_at IS NULL
WITH p
LIMIT $scan
MATCH (c:User)-[:POSTED]->(p)
WHERE c.id <> $user_id
OPTIONAL MATCH (p)<-[:ENGAGED]-(x:User)
WITH c, p, count(DISTINCT x) AS engagers
WITH c, sum(engagers) AS engagements, max(p.created_at) AS latest
RETURN c.id AS id, engagements, latest
ORDER BY engagements DESC, latest DESC, id
LIMIT $limit
