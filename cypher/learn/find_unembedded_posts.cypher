// Posts since $since (created_at index) without a vector in the active slot.
MATCH (r:ModelRun {kind: 'embeddings'})
WHERE r.active = true
MATCH (p:Post)
WHERE p.created_at >= $since AND p.removed_at IS NULL
  AND (CASE r.slot WHEN 'b' THEN p.embedding_b ELSE p.embedding_a END) IS NULL
RETURN p.id AS id
ORDER BY id
LIMIT $limit
