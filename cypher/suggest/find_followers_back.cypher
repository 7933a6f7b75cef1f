// Source "follows_you": people who follow the user and whom the user does not follow back.
// The user's suggestion answers are read once as a list (see find_friends_of_friends).
MATCH (u:User {id: $user_id})
OPTIONAL MATCH (u)-[:SUGGESTION_FEEDBACK]->(r:User)
WITH u, collect(r) AS answered
MATCH (u)<-[f:FOLLOWS]-(c:User)
WHERE NOT c IN answered AND NOT (u)-[:FOLLOWS]->(c)
RETURN c.id AS id, f.since AS since
ORDER BY since DESC, id
LIMIT $limit
