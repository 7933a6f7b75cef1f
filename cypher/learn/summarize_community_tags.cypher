// The strongest interests of each community of version $version: its members' summed
// INTERESTED_IN weights (as stored) and how many members hold each tag, top $limit each.
MATCH (c:Community)<-[:IN_COMMUNITY]-(u:User)-[i:INTERESTED_IN]->(t:Tag)
WHERE c.version = $version
WITH c, t, sum(i.weight) AS weight, count(u) AS users
ORDER BY weight DESC, t.name
WITH c, collect([t.name, weight, users]) AS tags
RETURN c.id AS community, tags[0..$limit] AS tags
