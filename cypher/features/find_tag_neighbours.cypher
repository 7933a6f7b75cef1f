// Posts sharing tags with a post, among the posts created in [$since, $now] (at most $scan
// of them, through the created_at index): the shared tags and the Jaccard overlap of the
// two tag sets.
MATCH (p:Post {id: $post_id})-[:TAGGED]->(t:Tag)
WITH p, collect(t) AS tags
MATCH (q:Post)
WHERE q.created_at >= $since AND q.created_at <= $now AND q.removed_at IS NULL
WITH p, tags, q
LIMIT $scan
MATCH (q)-[:TAGGED]->(t:Tag)
WITH p, tags, q, collect(t) AS theirs
WHERE q <> p
WITH q, [t IN theirs WHERE t IN tags | t.name] AS shared, size(tags) + size(theirs) AS total
WHERE size(shared) > 0
RETURN q.id AS id, shared, toFloat(size(shared)) / (total - size(shared)) AS jaccard
ORDER BY jaccard DESC, id
LIMIT $limit
