// Candidate source "interests", the part every user shares: the posts created within
// [$since, $as_of] (at most $scan of them, through the created_at index) with their tags.
// The source keeps, per user, those tagged with the user's strongest tags that are not
// their own; it reads this once per snapshot (engine/recommend/candidates.py). TAGGED only
// leads to tags, so the hop names no label (on FalkorDB a label check costs ~20% of it).
MATCH (p:Post)
WHERE p.created_at >= $since AND p.created_at <= $as_of AND p.removed_at IS NULL
WITH p
LIMIT $scan
MATCH (p)-[:TAGGED]->(t)
RETURN p.id AS id, p.author_id AS author_id, collect(t.name) AS tags
