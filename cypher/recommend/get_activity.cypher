// Does the user exist, and what had they done by $as_of: whom they followed (ids) and how
// many engagements they had made. (OPTIONAL MATCH, not a pattern comprehension over a
// named relationship: FalkorDB caches the plan of such a comprehension as empty when the
// relationship type did not exist yet.)
// FOLLOWS only joins users, so the hop names no label (one matrix product less).
MATCH (u:User {id: $user_id})
OPTIONAL MATCH (u)-[f:FOLLOWS]->(a)
WHERE f.since <= $as_of
WITH u, collect(a.id) AS followees
OPTIONAL MATCH (u)-[e:ENGAGED]->()
WHERE e.at <= $as_of
RETURN u.id AS id, followees, count(e) AS engaged
