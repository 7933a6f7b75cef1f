// Feed source "embedding_authors": recent posts (within [$since, $as_of]) of the accounts
// whose vectors are nearest to the authors the user engages with ($authors), $each per
// account, $neighbours accounts at most (FalkorDB returns a cosine distance).
MATCH (r:ModelRun {kind: 'embeddings'})
WHERE r.active = true
UNWIND $authors AS aid
MATCH (a:User {id: aid})
WITH r, a, CASE r.slot WHEN 'b' THEN a.embedding_b ELSE a.embedding_a END AS v
WHERE v IS NOT NULL
CALL db.idx.vector.queryNodes('User', 'embedding_' + r.slot, $candidates, v) YIELD node, score
WITH a, node, 1.0 - score AS similarity
WHERE node <> a AND node.id <> $user_id
WITH node, similarity, a
ORDER BY similarity DESC
WITH node, max(similarity) AS similarity, collect(a.id)[0] AS via
ORDER BY similarity DESC, node.id
LIMIT $neighbours
MATCH (node)-[:POSTED]->(p)
WHERE p.created_at >= $since AND p.created_at <= $as_of AND p.removed_at IS NULL
WITH node, similarity, via, p
ORDER BY p.created_at DESC
WITH node, similarity, via, collect(p.id)[0..$each] AS posts
UNWIND posts AS pid
RETURN pid AS id, similarity, node.id AS author_id, via
ORDER BY similarity DESC, id
LIMIT $limit
