// Suggestion source "embedding_neighbours": accounts whose vectors are nearest to the user's,
// not the user and not already followed (FalkorDB returns a cosine distance).
MATCH (r:ModelRun {kind: 'embeddings'})
WHERE r.active = true
MATCH (me:User {id: $user_id})
WITH r, me, CASE r.slot WHEN 'b' THEN me.embedding_b ELSE me.embedding_a END AS v
WHERE v IS NOT NULL
CALL db.idx.vector.queryNodes('User', 'embedding_' + r.slot, $candidates, v) YIELD node, score
WITH me, node, 1.0 - score AS similarity
WHERE node <> me AND NOT (me)-[:FOLLOWS]->(node)
RETURN node.id AS id, node.name AS name, similarity
ORDER BY similarity DESC, id
LIMIT $limit
