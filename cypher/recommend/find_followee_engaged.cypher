// Candidate source "followee_engaged": posts the people the user follows engaged with
// lately (their newest $scan engagements), strongest score-weighted support first.
// The hops name no labels their relationship types already imply (FOLLOWS joins users,
// ENGAGED users to posts): a label check is one more matrix product per hop, 5-7% here.
MATCH (u:User {id: $user_id})-[f:FOLLOWS]->(a)
WHERE f.since <= $as_of
WITH a
LIMIT $followees
MATCH (a)-[e:ENGAGED]->(p)
WHERE e.at >= $since AND e.at <= $as_of AND p.removed_at IS NULL AND p.author_id <> $user_id
WITH a, e, p
ORDER BY e.at DESC
LIMIT $scan
WITH p, a, max(e.score) AS score
WITH p, count(a) AS followees, sum(score) / 100.0 AS strength
RETURN p.id AS id, followees, strength
ORDER BY strength DESC, id
LIMIT $limit
