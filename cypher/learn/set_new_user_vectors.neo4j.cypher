// Vectors of User nodes that joined after training, into the active slot -- only if the
// active run is still version $version (the neighbours' vectors came from it).
MATCH (r:ModelRun {kind: 'embeddings'})
WHERE r.active = true AND r.version = $version
UNWIND $rows AS row
MATCH (u:User {id: row.id})
WITH r, u, [x IN split(row.e, ' ') | toFloat(x) / 10000.0] AS vec
SET u.embedding_a = CASE WHEN r.slot = 'a' THEN vec ELSE u.embedding_a END,
    u.embedding_b = CASE WHEN r.slot = 'b' THEN vec ELSE u.embedding_b END
RETURN count(u) AS written
