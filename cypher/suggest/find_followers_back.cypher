// Source "follows_you": people who follow the user and whom the user does not follow back.
MATCH (u:User {id: $user_id})<-[f:FOLLOWS]-(c:User)
WHERE NOT (u)-[:FOLLOWS]->(c) AND NOT (u)-[:SUGGESTION_FEEDBACK]->(c)
RETURN c.id AS id, f.since AS since
ORDER BY since DESC, id
LIMIT $limit
