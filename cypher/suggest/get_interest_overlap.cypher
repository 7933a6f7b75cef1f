// Tag-interest overlap of each shortlisted candidate with the user: the dot product and the
// candidate's norm of their INTERESTED_IN weights decayed to $now. (The shared tags named in
// a reason are read for the page shown only, by get_shown_accounts: ordering every
// candidate's tags for them was a quarter of this query.)
MATCH (u:User {id: $user_id})
UNWIND $ids AS id
MATCH (c:User {id: id})-[j:INTERESTED_IN]->(t:Tag)
WITH u, c, t, j.weight * exp($decay * (j.updated_at - $now)) AS theirs
OPTIONAL MATCH (u)-[i:INTERESTED_IN]->(t)
WITH c, theirs, coalesce(i.weight * exp($decay * (i.updated_at - $now)), 0.0) AS mine
WITH c, sum(theirs * mine) AS dot, sum(theirs * theirs) AS norm2
RETURN c.id AS id, dot, sqrt(norm2) AS norm
