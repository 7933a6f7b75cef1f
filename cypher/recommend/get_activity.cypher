// Does the user exist, and what had they done by $as_of: whom they followed (ids) and how
// many engagements they had made; and how many posts they were ever shown (SAW edges, any
// time), counted up to $cap only: the feed asks whether that history is short
// enough for recommend/get_seen_engaged. (OPTIONAL MATCH, not a pattern comprehension over a
// named relationship: FalkorDB caches the plan of such a comprehension as empty when the
// relationship type did not exist yet.)
// FOLLOWS only joins users, so the hop names no label (one matrix product less).
MATCH (u:User {id: $user_id})
OPTIONAL MATCH (u)-[f:FOLLOWS]->(a)
WHERE f.since <= $as_of
WITH u, collect(a.id) AS followees
OPTIONAL MATCH (u)-[e:ENGAGED]->()
WHERE e.at <= $as_of
WITH u, followees, count(e) AS engaged
OPTIONAL MATCH (u)-[s:SAW]->()
WITH u, followees, engaged, s
LIMIT $cap
RETURN u.id AS id, followees, engaged, count(s) AS seen
