// Suggestion source "same_community": the most followed members of the user's community
// (the summary's top accounts, active run) the user does not follow yet.
MATCH (r:ModelRun {kind: 'communities'})
WHERE r.active = true
MATCH (me:User {id: $user_id})-[:IN_COMMUNITY]->(c:Community)
WHERE c.version = r.version
UNWIND range(0, size(c.accounts) - 1) AS i
MATCH (v:User {id: c.accounts[i]})
WHERE v <> me AND NOT (me)-[:FOLLOWS]->(v)
RETURN v.id AS id, v.name AS name, c.account_followers[i] AS followers, c.id AS community,
       c.tags AS tags
ORDER BY followers DESC, id
LIMIT $limit
