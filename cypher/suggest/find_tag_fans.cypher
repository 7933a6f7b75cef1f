// Source "similar_interests" (tags): a bounded sample of the people interested in the
// user's strongest tags ($tags, strongest first), the first $scan found (the query stops
// early however popular a tag is). The caller then measures each one's overlap (cosine).
MATCH (u:User {id: $user_id})
UNWIND $tags AS name
MATCH (:Tag {name: name})<-[:INTERESTED_IN]-(v:User)
WHERE v <> u
WITH u, v
LIMIT $scan
WITH DISTINCT u, v
WHERE NOT (u)-[:FOLLOWS]->(v) AND NOT (u)-[:SUGGESTION_FEEDBACK]->(v)
RETURN v.id AS id
