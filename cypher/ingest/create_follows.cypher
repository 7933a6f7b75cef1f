UNWIND $rows AS row
MATCH (a:User {id: row.source})
MATCH (b:User {id: row.target})
MERGE (a)-[f:FOLLOWS]->(b)
ON CREATE SET f.since = row.at
RETURN count(f) AS follows
