// Explore without communities: of the newest $scan posts (as of $as_of, since $since, not
// removed), the $limit engaged with most in [$window_start, $as_of] (trend as in
// find_community_trending). Not per user: see explore/find_excluded.
MATCH (p:Post)
WHERE p.created_at >= $since AND p.created_at <= $as_of AND p.removed_at IS NULL
WITH p
ORDER BY p.created_at DESC
LIMIT $scan
MATCH (p)<-[e:ENGAGED]-(v:User)
WHERE e.at >= $window_start AND e.at <= $as_of
WITH p, count(DISTINCT v) AS engagers, sum(e.score) AS score
WITH p, engagers,
     score / 100.0 * exp(-0.6931471805599453 * ($as_of - p.created_at) / $half_life_ms) AS trend
ORDER BY trend DESC, p.id
LIMIT $limit
OPTIONAL MATCH (p)-[:TAGGED]->(tag:Tag)
RETURN p.id AS id, p.author_id AS author_id, engagers, trend, collect(tag.name) AS tags
