// The active embeddings of the given Post nodes (those that have one).
MATCH (r:ModelRun {kind: 'embeddings'})
WHERE r.active = true
UNWIND $ids AS id
MATCH (n:Post {id: id})
WITH r, n, CASE r.slot WHEN 'b' THEN n.embedding_b ELSE n.embedding_a END AS v
WHERE v IS NOT NULL
RETURN n.id AS id, r.version AS version, v AS embedding
