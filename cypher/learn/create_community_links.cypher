// NEAR: community a's share of its cross-community follows that link it with b.
UNWIND $rows AS row
MATCH (a:Community {version: $version, id: row.source})
MATCH (b:Community {version: $version, id: row.target})
CREATE (a)-[n:NEAR {weight: row.weight, follows: row.follows}]->(b)
RETURN count(n) AS links
