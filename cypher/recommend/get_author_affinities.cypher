// How much the user engaged with each author's posts by $as_of (decayed like interests).
// ENGAGED only joins users to posts, so the hop names no label (one matrix product less).
MATCH (u:User {id: $user_id})-[e:ENGAGED]->(p)
WHERE e.at <= $as_of AND p.author_id <> $user_id
WITH e, p
ORDER BY e.at DESC
LIMIT $engagements
RETURN p.author_id AS author_id, sum(e.score / 100.0 * exp($decay * (e.at - $as_of))) AS affinity,
       count(e) AS engagements
ORDER BY affinity DESC, author_id
