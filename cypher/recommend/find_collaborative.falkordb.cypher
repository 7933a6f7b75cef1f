// Candidate source "collaborative": people who engaged with what you engaged with also
// engaged with ... The 3-hop walk (u)-[:ENGAGED]->(p)<-[:ENGAGED]-(v)-[:ENGAGED]->(q),
// each hop normalised by the degree it leaves (random-walk transition probabilities to
// the power $alpha), the post reached damped by its popularity to the power $beta: the
// RP3beta idea. Bounded: it starts from the user's $seeds newest engagements (weighted
// by their score), samples $per_seed engagers of each, continues from the $neighbours
// most similar users ($per_neighbour of their engagements each) and damps only the
// $damp_top strongest posts it reached.
// FalkorDB: an anonymous ENGAGED hop yields each user-post pair once (the edges of several
// labels collapse), so counts and collected lists hold distinct posts. A seed's engagers
// are sampled with a subquery LIMIT (a popular post has thousands). A neighbour's posts
// are collected whole instead: one batched traversal gives both the degree and the sample,
// where a per-neighbour subquery (~0.2 ms each) plus a separate degree count cost ~25% more
// of the whole query. ENGAGED only joins users to posts, so the hops name no labels (a
// label check is one more matrix product per hop).
// Post degrees are the engagers counter ingestion keeps ((:PostCounts), see
// ingest/create_engagements), counted live only where a post has none yet.
MATCH (u:User {id: $user_id})-[e1:ENGAGED]->(p)
WHERE e1.at <= $as_of
WITH u, p, max(e1.at) AS last, max(e1.score) AS liking
ORDER BY last DESC, p.id
LIMIT $seeds
OPTIONAL MATCH (p)-[:HAS_COUNTS]->(n:PostCounts)
OPTIONAL MATCH (p)<-[:ENGAGED]-(x)
WHERE n IS NULL
WITH u, p, liking, n, count(x) AS live
WITH u, p, liking, coalesce(n.engagers, live) AS dp
CALL { WITH p MATCH (p)<-[:ENGAGED]-(v) RETURN v LIMIT $per_seed }
WITH u, v, liking, dp
WHERE v <> u
WITH u, v, sum(liking / 100.0 / dp ^ $alpha) AS similarity
ORDER BY similarity DESC, v.id
LIMIT $neighbours
MATCH (v)-[:ENGAGED]->(q)
WITH u, v, similarity, collect(q) AS posts
WITH u, similarity / size(posts) ^ $alpha AS step, posts[..$per_neighbour] AS sample
UNWIND sample AS q
WITH u, q, sum(step) AS mass, count(*) AS via
WHERE q.removed_at IS NULL AND q.author_id <> $user_id AND NOT (u)-[:ENGAGED]->(q)
WITH q, mass, via
ORDER BY mass DESC, q.id
LIMIT $damp_top
OPTIONAL MATCH (q)-[:HAS_COUNTS]->(n:PostCounts)
OPTIONAL MATCH (q)<-[:ENGAGED]-(x)
WHERE n IS NULL
WITH q, mass, via, n, count(x) AS live
WITH q, mass, via, coalesce(n.engagers, live) AS dq
RETURN q.id AS id, mass / (1.0 + dq) ^ $beta AS score, via
ORDER BY score DESC, id
LIMIT $limit
