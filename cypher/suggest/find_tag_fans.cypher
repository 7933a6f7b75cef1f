// Source "similar_interests" (tags): a bounded sample of the people interested in the
// user's $tags strongest tags (their INTERESTED_IN weights decayed to $now; $decay is
// ln 2 / half-life in ms), the first $scan found, strongest tag first (the query stops
// early however popular a tag is). The caller then measures each one's overlap (cosine).
// The tags travel as names into a fresh MATCH: expanding the bound Tag nodes after the
// ORDER BY reads every fan of every tag before the LIMIT (~8x slower on FalkorDB 4.16).
// The user's suggestion answers are read once as a list (see find_friends_of_friends).
MATCH (u:User {id: $user_id})-[i:INTERESTED_IN]->(t:Tag)
WITH u, t.name AS name, i.weight * exp($decay * (i.updated_at - $now)) AS weight
ORDER BY weight DESC, name
WITH u, collect(name)[..$tags] AS names
OPTIONAL MATCH (u)-[:SUGGESTION_FEEDBACK]->(r:User)
WITH u, names, collect(r) AS answered
UNWIND names AS name
MATCH (:Tag {name: name})<-[:INTERESTED_IN]-(v:User)
WHERE v <> u
WITH u, answered, v
LIMIT $scan
WITH DISTINCT u, answered, v
WHERE NOT v IN answered AND NOT (u)-[:FOLLOWS]->(v)
RETURN v.id AS id
