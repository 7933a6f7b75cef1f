// What scores and filters each shortlisted account: its FOLLOWS degrees, already followed,
// already given feedback on (accepted or rejected), whether it follows the user. (Its name
// and posts are read for the page shown only: get_shown_accounts.) The answers are
// read once as a list (see find_friends_of_friends). FalkorDB's indegree()/outdegree()
// beat walking the follower list (a user follows an account at most once, so edges are
// followers), but indegree() still grows with the followers (~0.4 us each): it is about
// half of this query, whose candidates include the most followed accounts (embedding and
// community sources; ~8k followers per shortlist on the 100k world).
MATCH (u:User {id: $user_id})
OPTIONAL MATCH (u)-[:SUGGESTION_FEEDBACK]->(r:User)
WITH u, collect(r) AS answered
UNWIND $ids AS id
MATCH (c:User {id: id})
RETURN c.id AS id, indegree(c, 'FOLLOWS') AS followers, outdegree(c, 'FOLLOWS') AS following,
       size([(u)-[:FOLLOWS]->(c) | 1]) > 0 AS followed,
       size([(c)-[:FOLLOWS]->(u) | 1]) > 0 AS follows_you,
       c IN answered AS feedback
