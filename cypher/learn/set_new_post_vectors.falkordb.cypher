// Vectors of Post nodes that joined after training, into the active slot -- only if the
// active run is still version $version (the neighbours' vectors came from it).
MATCH (r:ModelRun {kind: 'embeddings'})
WHERE r.active = true AND r.version = $version
UNWIND $rows AS row
MATCH (p:Post {id: row.id})
WITH r, p, vecf32([x IN split(row.e, ' ') | toFloat(x) / 10000.0]) AS vec
SET p.embedding_a = CASE WHEN r.slot = 'a' THEN vec ELSE p.embedding_a END,
    p.embedding_b = CASE WHEN r.slot = 'b' THEN vec ELSE p.embedding_b END
RETURN count(p) AS written
