// Feed source "embedding_posts": posts whose vectors are nearest to the $seeds posts the
// user engaged with last (as of $as_of; ties: the strongest engagement first), within
// [$since, $as_of] - similarity is the cosine
// (FalkorDB returns a cosine distance). The seeds are found before the active run, so the
// run's label scan is not repeated per engagement.
MATCH (u:User {id: $user_id})-[e:ENGAGED]->(s)
WHERE e.at <= $as_of
WITH s, max(e.at) AS at, max(e.score) AS strength
ORDER BY at DESC, strength DESC, s.id
LIMIT $seeds
MATCH (r:ModelRun {kind: 'embeddings'})
WHERE r.active = true
WITH r, s, CASE r.slot WHEN 'b' THEN s.embedding_b ELSE s.embedding_a END AS v
WHERE v IS NOT NULL
CALL db.idx.vector.queryNodes('Post', 'embedding_' + r.slot, $candidates, v) YIELD node, score
WITH s, node, 1.0 - score AS similarity
WHERE node <> s AND node.removed_at IS NULL AND node.created_at >= $since
  AND node.created_at <= $as_of
WITH node, similarity, s
ORDER BY similarity DESC
WITH node, max(similarity) AS similarity, collect(s.id)[0] AS via
RETURN node.id AS id, similarity, via
ORDER BY similarity DESC, id
LIMIT $limit
