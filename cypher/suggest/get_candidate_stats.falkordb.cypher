// What scores and filters each shortlisted account: its FOLLOWS degrees, already followed,
// already given feedback on (accepted or rejected), whether it follows the user. (Its name
// and posts are read for the page shown only: get_shown_accounts.) The answers are
// read once as a list (see find_friends_of_friends).
// Followers come from the counter ingestion keeps beside each followed user (:UserCounts,
// see recommend/create_user_counts): indegree() walks the follower list (~0.4 us each), and
// the shortlist includes the most followed accounts (~8k followers per shortlist on the
// 100k world): profiled 2.4-3.3 -> 0.7 ms a call. A user without counters (a
// graph written before them) is counted by indegree(), inside a list comprehension over
// [c] or [] so that it runs only then: FalkorDB 4.16 evaluates every branch of a CASE and
// every argument of coalesce(). (An OPTIONAL MATCH count filtered on the missing counter
// costs twice indegree() there.) outdegree() stays: a user follows few accounts.
MATCH (u:User {id: $user_id})
OPTIONAL MATCH (u)-[:SUGGESTION_FEEDBACK]->(r:User)
WITH u, collect(r) AS answered
UNWIND $ids AS id
MATCH (c:User {id: id})
OPTIONAL MATCH (c)-[:HAS_COUNTS]->(n:UserCounts)
WITH u, answered, c,
     coalesce(n.followers,
              [d IN CASE WHEN n IS NULL THEN [c] ELSE [] END | indegree(d, 'FOLLOWS')][0])
       AS followers
RETURN c.id AS id, followers, outdegree(c, 'FOLLOWS') AS following,
       size([(u)-[:FOLLOWS]->(c) | 1]) > 0 AS followed,
       size([(c)-[:FOLLOWS]->(u) | 1]) > 0 AS follows_you,
       c IN answered AS feedback
