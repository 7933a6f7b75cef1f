// Candidate source "followees": the newest $each posts of each person the user follows
// (of any age: freshness is a scoring feature, not a filter).
// The hops name no labels their relationship types already imply (a label check is one
// more matrix product per hop: ~10% of this query).
MATCH (u:User {id: $user_id})-[f:FOLLOWS]->(a)
WHERE f.since <= $as_of
WITH a
LIMIT $followees
MATCH (a)-[:POSTED]->(p)
WHERE p.created_at <= $as_of AND p.removed_at IS NULL
WITH a, p
ORDER BY p.created_at DESC, p.id
WITH a, collect(p)[..$each] AS posts
UNWIND posts AS p
RETURN p.id AS id, p.created_at AS created_at, a.id AS via
ORDER BY created_at DESC, id
LIMIT $limit
