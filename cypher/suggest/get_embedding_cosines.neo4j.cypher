// The follow-suggestion blend's embedding term: the cosine of the user's active vector to
// each shortlisted candidate's, for candidates that have one (none when the user has none,
// or before training). Computed here rather than by the client: parsing 128 floats a row
// costs ~10x more than one number a row. Neo4j's cosine score is (1 + cosine) / 2.
MATCH (r:ModelRun {kind: 'embeddings'})
WHERE r.active = true
MATCH (me:User {id: $user_id})
WITH r, CASE r.slot WHEN 'b' THEN me.embedding_b ELSE me.embedding_a END AS mine
WHERE mine IS NOT NULL
UNWIND $ids AS id
MATCH (c:User {id: id})
WITH c, mine, CASE r.slot WHEN 'b' THEN c.embedding_b ELSE c.embedding_a END AS v
WHERE v IS NOT NULL
RETURN c.id AS id, 2.0 * vector.similarity.cosine(mine, v) - 1.0 AS cosine
