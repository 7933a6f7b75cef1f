// Candidate source "collaborative": people who engaged with what you engaged with also
// engaged with ... The 3-hop walk (u)-[:ENGAGED]->(p)<-[:ENGAGED]-(v)-[:ENGAGED]->(q),
// each hop normalised by the degree it leaves (random-walk transition probabilities to
// the power $alpha), the post reached damped by its popularity to the power $beta: the
// RP3beta idea. Bounded: it starts from the user's $seeds newest engagements (weighted
// by their score), samples $per_seed engagers of each, continues from the $neighbours
// most similar users ($per_neighbour of their engagements each) and damps only the
// $damp_top strongest posts it reached. (The FalkorDB sibling samples with subqueries.)
// The reached posts' degrees are the engagers counter ingestion keeps (:PostCounts),
// counted live only where a post has none yet.
MATCH (u:User {id: $user_id})-[e1:ENGAGED]->(p:Post)
WHERE e1.at <= $as_of
WITH u, p, max(e1.at) AS last, max(e1.score) AS liking
ORDER BY last DESC, p.id
LIMIT $seeds
MATCH (p)<-[:ENGAGED]-(v:User)
WITH u, p, liking, collect(DISTINCT v) AS engagers
WITH u, liking, engagers[..$per_seed] AS sample, size(engagers) AS dp
UNWIND sample AS v
WITH u, v, liking, dp
WHERE v <> u
WITH u, v, sum(liking / 100.0 / dp ^ $alpha) AS similarity
ORDER BY similarity DESC, v.id
LIMIT $neighbours
MATCH (v)-[:ENGAGED]->(q:Post)
WITH u, v, similarity, collect(DISTINCT q) AS posts
WITH u, similarity, posts[..$per_neighbour] AS sample, size(posts) AS dv
UNWIND sample AS q
WITH u, q, sum(similarity / dv ^ $alpha) AS mass, count(*) AS via
WHERE q.removed_at IS NULL AND q.author_id <> $user_id AND NOT (u)-[:ENGAGED]->(q)
WITH q, mass, via
ORDER BY mass DESC, q.id
LIMIT $damp_top
OPTIONAL MATCH (q)-[:HAS_COUNTS]->(n:PostCounts)
OPTIONAL MATCH (q)<-[:ENGAGED]-(x:User)
WHERE n IS NULL
WITH q, mass, via, n, count(DISTINCT x) AS live
WITH q, mass, via, coalesce(n.engagers, live) AS dq
RETURN q.id AS id, mass / (1.0 + dq) ^ $beta AS score, via
ORDER BY score DESC, id
LIMIT $limit
