// Social proof of the given posts: which people the user follows engaged with them by
// $as_of, the strongest first (names for reasons, a score-weighted strength for ranking).
MATCH (u:User {id: $user_id})-[f:FOLLOWS]->(a:User)
WHERE f.since <= $as_of
WITH a
LIMIT $followees
MATCH (a)-[e:ENGAGED]->(p:Post)
WHERE e.at <= $as_of AND p.id IN $ids
WITH p, a, max(e.score) AS score, collect(e.label) AS labels
ORDER BY score DESC, a.id
WITH p, collect(coalesce(a.name, a.id)) AS names, sum(score) / 100.0 AS strength,
     sum(CASE WHEN 'like' IN labels THEN 1 ELSE 0 END) AS likers
RETURN p.id AS id, size(names) AS followees, strength, likers, names[..2] AS names
