// Export: the engagements of the users in one internal-id window (user, post, score), as
// joined strings. Repeated engagements of one pair stay separate rows: the export sums them.
MATCH (u:User)
WHERE id(u) >= $lo AND id(u) < $hi
MATCH (u)-[e:ENGAGED]->(p:Post)
RETURN string.join(collect(toString(id(u))), ' ') AS src, string.join(collect(toString(id(p))), ' ') AS dst,
       string.join(collect(toString(toFloat(coalesce(e.score, 0.0)))), ' ') AS weight, count(*) AS n
