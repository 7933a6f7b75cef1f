// The user's tag interests as of $as_of, from their newest engagements until then:
// sum of score/100 decayed to $as_of ($decay is ln 2 / half-life in ms), as INTERESTED_IN
// holds them, but exact for any $as_of (a feed cursor keeps one fixed across pages).
// The hops name no labels their relationship types already imply (a label check is one
// more matrix product per hop: ~15% of this query).
MATCH (u:User {id: $user_id})-[e:ENGAGED]->(p)
WHERE e.at <= $as_of
WITH e, p
ORDER BY e.at DESC
LIMIT $engagements
MATCH (p)-[:TAGGED]->(t)
RETURN t.name AS tag, sum(e.score / 100.0 * exp($decay * (e.at - $as_of))) AS weight,
       count(e) AS engagements, max(e.at) AS updated_at
ORDER BY weight DESC, tag
