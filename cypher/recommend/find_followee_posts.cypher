// Candidate source "followees": the newest $each posts of each person the user follows
// (of any age: freshness is a scoring feature, not a filter).
MATCH (u:User {id: $user_id})-[f:FOLLOWS]->(a:User)
WHERE f.since <= $as_of
WITH a
LIMIT $followees
MATCH (a)-[:POSTED]->(p:Post)
WHERE p.created_at <= $as_of AND p.removed_at IS NULL
WITH a, p
ORDER BY p.created_at DESC, p.id
WITH a, collect(p)[..$each] AS posts
UNWIND posts AS p
RETURN p.id AS id, p.created_at AS created_at, a.id AS via
ORDER BY created_at DESC, id
LIMIT $limit
