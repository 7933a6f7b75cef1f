// For new users: the active vectors of their neighbours in the joint graph (people they
// follow or who follow them, posts they engaged with or wrote) with the edge weights the
// training used, at most $cap of each kind.
MATCH (r:ModelRun {kind: 'embeddings'})
WHERE r.active = true
UNWIND $ids AS id
MATCH (u:User {id: id})
WITH r, u,
     [(u)-[:FOLLOWS]-(n:User) | [CASE r.slot WHEN 'b' THEN n.embedding_b ELSE n.embedding_a END,
                                 $follow_weight]][0..$cap]
     + [(u)-[e:ENGAGED]->(p:Post) | [CASE r.slot WHEN 'b' THEN p.embedding_b ELSE p.embedding_a END,
                                     $engagement_weight * coalesce(e.score, 0.0) / 100.0]][0..$cap]
     + [(u)-[:POSTED]->(p:Post) | [CASE r.slot WHEN 'b' THEN p.embedding_b ELSE p.embedding_a END,
                                   $posted_weight]][0..$cap] AS pairs
RETURN u.id AS id, r.version AS version,
       [x IN pairs WHERE x[0] IS NOT NULL AND x[1] > 0 | x] AS neighbours
