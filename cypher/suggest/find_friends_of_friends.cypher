// Source "friends_of_friends": accounts followed by people the user follows, with the
// Adamic-Adar sum over those common neighbours b, each weighing 1 / log(1 + the number of
// accounts b follows): a follow from someone who follows few says more. (b's followers do
// not dilute b's follows, and counting them would read every follower of a celebrity.)
// The names of the most specific ones (fewest follows first) go into the reason. The common
// neighbours are sorted (and their weight and name read) once each, before their follows
// are unwound, not once per (b, c) row: a third less database time, and each sum still
// adds its terms in the same order, so it is the same number to the last bit.
// "No feedback" is a list of the user's answers read once, not a pattern check per row:
// FalkorDB 4.16 spends ~15 us a row checking a relationship type that has no edges yet,
// and it runs these checks before the ORDER BY ... LIMIT $scan (12 of 15 ms for a user
// who reaches ~800 accounts). ($scan should exceed $limit by about as many as the user
// follows.)
MATCH (u:User {id: $user_id})
OPTIONAL MATCH (u)-[:SUGGESTION_FEEDBACK]->(r:User)
WITH u, collect(r) AS answered
MATCH (u)-[:FOLLOWS]->(b:User)
WITH u, answered, b
LIMIT $followees
MATCH (b)-[:FOLLOWS]->(c:User)
WITH u, answered, b, collect(c) AS follows
WITH u, answered, b, follows, size(follows) AS degree
ORDER BY degree, b.id
WITH u, answered, follows, 1.0 / log(1.0 + degree) AS weight, coalesce(b.name, b.id) AS name
UNWIND follows AS c
WITH u, answered, c, sum(weight) AS adamic_adar, count(*) AS common, collect(name)[..2] AS names
ORDER BY adamic_adar DESC, c.id
LIMIT $scan
WITH u, answered, c, adamic_adar, common, names
WHERE c <> u AND NOT c IN answered AND NOT (u)-[:FOLLOWS]->(c)
RETURN c.id AS id, adamic_adar, common, names
ORDER BY adamic_adar DESC, id
LIMIT $limit
