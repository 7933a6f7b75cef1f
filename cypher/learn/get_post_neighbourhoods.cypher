// For new posts: the active vectors of their author, tags and engagers, weighted as in
// training, at most $cap of each kind.
MATCH (r:ModelRun {kind: 'embeddings'})
WHERE r.active = true
UNWIND $ids AS id
MATCH (p:Post {id: id})
WITH r, p,
     [(a:User)-[:POSTED]->(p) | [CASE r.slot WHEN 'b' THEN a.embedding_b ELSE a.embedding_a END,
                                 $posted_weight]][0..$cap]
     + [(p)-[:TAGGED]->(t:Tag) | [CASE r.slot WHEN 'b' THEN t.embedding_b ELSE t.embedding_a END,
                                  $tag_weight]][0..$cap]
     + [(v:User)-[e:ENGAGED]->(p) | [CASE r.slot WHEN 'b' THEN v.embedding_b ELSE v.embedding_a END,
                                     $engagement_weight * coalesce(e.score, 0.0) / 100.0]][0..$cap]
       AS pairs
RETURN p.id AS id, r.version AS version,
       [x IN pairs WHERE x[0] IS NOT NULL AND x[1] > 0 | x] AS neighbours
