// Members of the communities of run version $version, grouped by community.
UNWIND $groups AS g
MATCH (c:Community {version: $version, id: g.community})
UNWIND g.users AS uid
MATCH (u:User {id: uid})
CREATE (u)-[:IN_COMMUNITY]->(c)
RETURN count(*) AS members
