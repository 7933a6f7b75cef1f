// Source "friends_of_friends": accounts followed by people the user follows, with the
// Adamic-Adar sum over those common neighbours b, each weighing 1 / log(1 + the number of
// accounts b follows): a follow from someone who follows few says more. (b's followers do
// not dilute b's follows, and counting them would read every follower of a celebrity.)
// The names of the most specific ones (fewest follows first) go into the reason.
// Aggregate first, then check "not followed, no feedback" on the $scan best only: those
// pattern checks cost ~15 us a row on FalkorDB, and a user following ~100 reaches ~1,500
// accounts. ($scan should exceed $limit by about as many as the user follows.)
MATCH (u:User {id: $user_id})-[:FOLLOWS]->(b:User)
WITH u, b
LIMIT $followees
MATCH (b)-[:FOLLOWS]->(c:User)
WITH u, b, collect(c) AS follows
WITH u, b, follows, size(follows) AS degree
UNWIND follows AS c
WITH u, c, b, degree
ORDER BY degree, b.id
WITH u, c, sum(1.0 / log(1.0 + degree)) AS adamic_adar, count(b) AS common,
     collect(coalesce(b.name, b.id))[..2] AS names
ORDER BY adamic_adar DESC, c.id
LIMIT $scan
WITH u, c, adamic_adar, common, names
WHERE c <> u AND NOT (u)-[:FOLLOWS]->(c) AND NOT (u)-[:SUGGESTION_FEEDBACK]->(c)
RETURN c.id AS id, adamic_adar, common, names
ORDER BY adamic_adar DESC, id
LIMIT $limit
