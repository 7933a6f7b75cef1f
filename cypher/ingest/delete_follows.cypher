UNWIND $rows AS row
MATCH (a:User {id: row.source})-[f:FOLLOWS]->(b:User {id: row.target})
DELETE f
RETURN count(*) AS unfollowed
