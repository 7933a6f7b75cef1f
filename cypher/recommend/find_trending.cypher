// Candidate source "trending": posts created within the window [$window_start, $as_of]
// (at most $scan of them, found through the created_at index), by how many people engaged
// with them since: engagement velocity. Fresh posts nobody engaged with yet come last.
// Engagers: the counter ingestion keeps (:PostCounts), counted live where a post has none.
// The hops name no labels their types already imply (a post's HAS_COUNTS leads only to its
// PostCounts, ENGAGED comes only from users): a label check per post costs 5-7% of the query.
MATCH (p:Post)
WHERE p.created_at >= $window_start AND p.created_at <= $as_of AND p.removed_at IS NULL
WITH p
LIMIT $scan
OPTIONAL MATCH (p)-[:HAS_COUNTS]->(n)
OPTIONAL MATCH (p)<-[:ENGAGED]-(x)
WHERE n IS NULL
WITH p, n, count(DISTINCT x) AS live
WITH p, coalesce(n.engagers, live) AS recent
RETURN p.id AS id, recent
ORDER BY recent DESC, p.created_at DESC, id
LIMIT $limit
