// Users without a vector in the active slot (joined after the run's export, or isolated).
MATCH (r:ModelRun {kind: 'embeddings'})
WHERE r.active = true
MATCH (u:User)
WHERE (CASE r.slot WHEN 'b' THEN u.embedding_b ELSE u.embedding_a END) IS NULL
RETURN u.id AS id
ORDER BY id
LIMIT $limit
