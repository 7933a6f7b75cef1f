// The follow-suggestion blend's embedding term: the cosine of the user's active vector to
// each shortlisted candidate's, for candidates that have one (none when the user has none,
// or before training). Computed here rather than by the client: parsing 128 floats a row
// made the 50-candidate read ~6 ms vs ~0.6 ms for one number a row. Stored vectors are unit
// rows; FalkorDB returns a cosine distance.
MATCH (r:ModelRun {kind: 'embeddings'})
WHERE r.active = true
MATCH (me:User {id: $user_id})
WITH r, CASE r.slot WHEN 'b' THEN me.embedding_b ELSE me.embedding_a END AS mine
WHERE mine IS NOT NULL
UNWIND $ids AS id
MATCH (c:User {id: id})
WITH c, mine, CASE r.slot WHEN 'b' THEN c.embedding_b ELSE c.embedding_a END AS v
WHERE v IS NOT NULL
RETURN c.id AS id, 1.0 - vec.cosineDistance(mine, v) AS cosine
