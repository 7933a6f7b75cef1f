// The user's community under the active run, its tags and its nearest communities.
MATCH (r:ModelRun {kind: 'communities'})
WHERE r.active = true
MATCH (u:User {id: $user_id})-[:IN_COMMUNITY]->(c:Community)
WHERE c.version = r.version
OPTIONAL MATCH (c)-[n:NEAR]->(o:Community)
RETURN r.version AS version, c.id AS community, c.size AS size, c.tags AS tags,
       collect([o.id, n.weight, o.tags]) AS neighbours
