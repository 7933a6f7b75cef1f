// Tag-interest overlap of each shortlisted candidate with the user: the dot product of the
// candidate's INTERESTED_IN weights decayed to $now with the user's ($mine: tag name ->
// decayed weight, the profile the caller has already read), and the candidate's norm.
// Looking the user's weight up in $mine costs ~half of matching the user's edge to each
// of the candidates' tags. (The shared tags named in a reason are read for the page shown
// only, by get_shown_accounts: ordering every candidate's tags for them was a quarter of
// this query.)
UNWIND $ids AS id
MATCH (c:User {id: id})-[j:INTERESTED_IN]->(t:Tag)
WITH c, t.name AS tag, j.weight * exp($decay * (j.updated_at - $now)) AS theirs
WITH c, sum(theirs * coalesce($mine[tag], 0.0)) AS dot, sum(theirs * theirs) AS norm2
RETURN c.id AS id, dot, sqrt(norm2) AS norm
