// Candidate source "interests": recent posts (created since $since, at most $scan of them,
// through the created_at index) tagged with any of the user's strongest tags ($tags);
// the caller weighs the matched tags by the user's interest in them. TAGGED only leads to
// tags, so the hop names no label (on FalkorDB a label check costs ~20% of the query).
MATCH (p:Post)
WHERE p.created_at >= $since AND p.created_at <= $as_of AND p.removed_at IS NULL
  AND p.author_id <> $user_id
WITH p
LIMIT $scan
MATCH (p)-[:TAGGED]->(t)
WHERE t.name IN $tags
RETURN p.id AS id, collect(t.name) AS tags
