// The user's tag interests as of $as_of, from their newest engagements until then:
// sum of score/100 decayed to $as_of ($decay is ln 2 / half-life in ms), as INTERESTED_IN
// holds them, but exact for any $as_of (a feed cursor keeps one fixed across pages).
MATCH (u:User {id: $user_id})-[e:ENGAGED]->(p:Post)
WHERE e.at <= $as_of
WITH e, p
ORDER BY e.at DESC
LIMIT $engagements
MATCH (p)-[:TAGGED]->(t:Tag)
RETURN t.name AS tag, sum(e.score / 100.0 * exp($decay * (e.at - $as_of))) AS weight,
       count(e) AS engagements, max(e.at) AS updated_at
ORDER BY weight DESC, tag
