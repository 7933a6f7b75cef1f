// Source "similar_interests": people who engaged with the posts the user engaged with
// lately ($seeds newest, $per_seed engagers sampled from each), each shared post counting
// 1 / its number of engagers, so niche posts say more about taste than viral ones.
// The user's suggestion answers are read once as a list (see find_friends_of_friends). The
// sum groups by v alone (grouping by the user and the answers list too costs a quarter of
// the query); the user is found again by id for the follow check.
MATCH (u:User {id: $user_id})
OPTIONAL MATCH (u)-[:SUGGESTION_FEEDBACK]->(r:User)
WITH u, collect(r) AS answered
MATCH (u)-[e:ENGAGED]->(p:Post)
WITH u, answered, p, max(e.at) AS last
ORDER BY last DESC
LIMIT $seeds
MATCH (p)<-[:ENGAGED]-(v:User)
WITH u, answered, p, collect(DISTINCT v) AS engagers
WITH u, answered, engagers[..$per_seed] AS sample, size(engagers) AS engaged
UNWIND sample AS v
WITH u, answered, v, engaged
WHERE v <> u AND NOT v IN answered
WITH v, sum(1.0 / engaged) AS similarity, count(*) AS shared
MATCH (u:User {id: $user_id})
WHERE NOT (u)-[:FOLLOWS]->(v)
RETURN v.id AS id, similarity, shared
ORDER BY similarity DESC, id
LIMIT $limit
