// Source "friends_of_friends": accounts followed by people the user follows, with the
// Adamic-Adar sum over those common neighbours b, each weighing 1 / log(1 + the number of
// accounts b follows): a follow from someone who follows few says more. (b's followers do
// not dilute b's follows, and counting them would read every follower of a celebrity.)
// The names of the most specific ones (fewest follows first) go into the reason.
MATCH (u:User {id: $user_id})-[:FOLLOWS]->(b:User)
WITH u, b
LIMIT $followees
MATCH (b)-[:FOLLOWS]->(c:User)
WITH u, b, collect(c) AS follows
WITH u, b, follows, size(follows) AS degree
UNWIND follows AS c
WITH u, b, c, degree
WHERE c <> u AND NOT (u)-[:FOLLOWS]->(c) AND NOT (u)-[:SUGGESTION_FEEDBACK]->(c)
WITH c, b, degree
ORDER BY degree, b.id
WITH c, sum(1.0 / log(1.0 + degree)) AS adamic_adar, count(b) AS common,
     collect(coalesce(b.name, b.id))[..2] AS names
RETURN c.id AS id, adamic_adar, common, names
ORDER BY adamic_adar DESC, id
LIMIT $limit
