// Tag-interest overlap of each candidate with the user: the dot product and the
// candidate's norm of their INTERESTED_IN weights decayed to $now, and the shared tags.
MATCH (u:User {id: $user_id})
UNWIND $ids AS id
MATCH (c:User {id: id})-[j:INTERESTED_IN]->(t:Tag)
WITH u, c, t, j.weight * exp($decay * (j.updated_at - $now)) AS theirs
OPTIONAL MATCH (u)-[i:INTERESTED_IN]->(t)
WITH c, t, theirs, coalesce(i.weight * exp($decay * (i.updated_at - $now)), 0.0) AS mine
ORDER BY theirs * mine DESC, t.name
WITH c, sum(theirs * mine) AS dot, sum(theirs * theirs) AS norm2,
     collect(CASE WHEN mine > 0 THEN t.name END) AS shared
RETURN c.id AS id, dot, sqrt(norm2) AS norm, shared[..3] AS shared
