// The convenience copy `community` on users, written after the flip (it may mix two
// versions while it is written - serving code reads IN_COMMUNITY under the active run).
UNWIND $rows AS row
MATCH (u:User {id: row.id})
SET u.community = row.community
RETURN count(u) AS users
