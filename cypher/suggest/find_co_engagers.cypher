// Source "similar_interests": people who engaged with the posts the user engaged with
// lately ($seeds newest, $per_seed engagers sampled from each), each shared post counting
// 1 / its number of engagers, so niche posts say more about taste than viral ones.
MATCH (u:User {id: $user_id})-[e:ENGAGED]->(p:Post)
WITH u, p, max(e.at) AS last
ORDER BY last DESC
LIMIT $seeds
MATCH (p)<-[:ENGAGED]-(v:User)
WITH u, p, collect(DISTINCT v) AS engagers
WITH u, engagers[..$per_seed] AS sample, size(engagers) AS engaged
UNWIND sample AS v
WITH u, v, sum(1.0 / engaged) AS similarity, count(*) AS shared
WHERE v <> u AND NOT (u)-[:FOLLOWS]->(v) AND NOT (u)-[:SUGGESTION_FEEDBACK]->(v)
RETURN v.id AS id, similarity, shared
ORDER BY similarity DESC, id
LIMIT $limit
