// Posts engaged with by the same people (up to $audience of them, $per_user newest
// engagements each): co-engagers, and the cosine of the two posts' audiences
// co / sqrt(|audience(p)| * |audience(q)|) for the $limit most co-engaged.
MATCH (p:Post {id: $post_id})<-[:ENGAGED]-(u:User)
WITH p, collect(DISTINCT u) AS audience
WITH p, audience[..$audience] AS sample, size(audience) AS size_p
UNWIND sample AS u
MATCH (u)-[e:ENGAGED]->(q:Post)
WHERE q <> p AND q.removed_at IS NULL
WITH p, size_p, u, q, max(e.at) AS at
ORDER BY at DESC
WITH p, size_p, u, collect(q)[..$per_user] AS posts
UNWIND posts AS q
WITH size_p, q, count(DISTINCT u) AS co
ORDER BY co DESC, q.id
LIMIT $limit
OPTIONAL MATCH (q)<-[:ENGAGED]-(x:User)
WITH q, co, size_p, count(DISTINCT x) AS size_q
RETURN q.id AS id, co, toFloat(co) / sqrt(toFloat(size_p) * size_q) AS cosine
