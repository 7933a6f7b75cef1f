// Candidate source "popular" (cold start): posts created since $since (at most $scan of
// them, through the created_at index), by how many people engaged with them.
MATCH (p:Post)
WHERE p.created_at >= $since AND p.created_at <= $as_of AND p.removed_at IS NULL
WITH p
LIMIT $scan
OPTIONAL MATCH (p)<-[:ENGAGED]-(x:User)
WITH p, count(DISTINCT x) AS engagers
RETURN p.id AS id, engagers
ORDER BY engagers DESC, p.created_at DESC, id
LIMIT $limit
