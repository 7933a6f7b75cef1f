// Candidate source "popular" (cold start): posts created since $since (at most $scan of
// them, through the created_at index), by how many people engaged with them (the counter
// ingestion keeps, :PostCounts; counted live where a post has none).
MATCH (p:Post)
WHERE p.created_at >= $since AND p.created_at <= $as_of AND p.removed_at IS NULL
WITH p
LIMIT $scan
OPTIONAL MATCH (p)-[:HAS_COUNTS]->(n:PostCounts)
OPTIONAL MATCH (p)<-[:ENGAGED]-(x:User)
WHERE n IS NULL
WITH p, n, count(DISTINCT x) AS live
WITH p, coalesce(n.engagers, live) AS engagers
RETURN p.id AS id, engagers
ORDER BY engagers DESC, p.created_at DESC, id
LIMIT $limit
