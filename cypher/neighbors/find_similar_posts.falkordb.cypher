// Nearest Post nodes of each seed by the active embeddings (HNSW vector index). FalkorDB
// returns the cosine *distance*: 1 - distance is the cosine similarity.
MATCH (r:ModelRun {kind: 'embeddings'})
WHERE r.active = true
UNWIND $ids AS seed
MATCH (s:Post {id: seed})
WITH r, s, CASE r.slot WHEN 'b' THEN s.embedding_b ELSE s.embedding_a END AS v
WHERE v IS NOT NULL
CALL db.idx.vector.queryNodes('Post', 'embedding_' + r.slot, $candidates, v) YIELD node, score
WITH s, node, score
WHERE node <> s AND node.removed_at IS NULL
RETURN s.id AS seed, node.id AS id, 1.0 - score AS similarity
ORDER BY seed, similarity DESC, id
