// Every relationship type of the data model expanded once in each direction, from a few
// source nodes and onto a labelled node, so that FalkorDB builds each matrix's lazy
// GraphBLAS hyper hash here, alone, rather than in two concurrent readers at once (a
// race that crashed the server right after it loaded a graph; engine/store/falkordb.py).
// Cheap: one traversal batch per row, at most $sources start nodes each.
MATCH (a:User) WITH a LIMIT $sources
MATCH (a)-[:FOLLOWS]->(b:User)
WITH count(b) AS n
RETURN 'FOLLOWS>' AS hop, n
UNION ALL
MATCH (a:User) WITH a LIMIT $sources
MATCH (a)<-[:FOLLOWS]-(b:User)
WITH count(b) AS n
RETURN 'FOLLOWS<' AS hop, n
UNION ALL
MATCH (a:User) WITH a LIMIT $sources
MATCH (a)-[:SUGGESTION_FEEDBACK]->(b:User)
WITH count(b) AS n
RETURN 'SUGGESTION_FEEDBACK>' AS hop, n
UNION ALL
MATCH (a:User) WITH a LIMIT $sources
MATCH (a)<-[:SUGGESTION_FEEDBACK]-(b:User)
WITH count(b) AS n
RETURN 'SUGGESTION_FEEDBACK<' AS hop, n
UNION ALL
MATCH (a:User) WITH a LIMIT $sources
MATCH (a)-[:ENGAGED]->(b:Post)
WITH count(b) AS n
RETURN 'ENGAGED>' AS hop, n
UNION ALL
MATCH (a:Post) WITH a LIMIT $sources
MATCH (a)<-[:ENGAGED]-(b:User)
WITH count(b) AS n
RETURN 'ENGAGED<' AS hop, n
UNION ALL
MATCH (a:User) WITH a LIMIT $sources
MATCH (a)-[:POSTED]->(b:Post)
WITH count(b) AS n
RETURN 'POSTED>' AS hop, n
UNION ALL
MATCH (a:Post) WITH a LIMIT $sources
MATCH (a)<-[:POSTED]-(b:User)
WITH count(b) AS n
RETURN 'POSTED<' AS hop, n
UNION ALL
MATCH (a:User) WITH a LIMIT $sources
MATCH (a)-[:SAW]->(b:Post)
WITH count(b) AS n
RETURN 'SAW>' AS hop, n
UNION ALL
MATCH (a:Post) WITH a LIMIT $sources
MATCH (a)<-[:SAW]-(b:User)
WITH count(b) AS n
RETURN 'SAW<' AS hop, n
UNION ALL
MATCH (a:Post) WITH a LIMIT $sources
MATCH (a)-[:TAGGED]->(b:Tag)
WITH count(b) AS n
RETURN 'TAGGED>' AS hop, n
UNION ALL
MATCH (a:Tag) WITH a LIMIT $sources
MATCH (a)<-[:TAGGED]-(b:Post)
WITH count(b) AS n
RETURN 'TAGGED<' AS hop, n
UNION ALL
MATCH (a:User) WITH a LIMIT $sources
MATCH (a)-[:INTERESTED_IN]->(b:Tag)
WITH count(b) AS n
RETURN 'INTERESTED_IN>' AS hop, n
UNION ALL
MATCH (a:Tag) WITH a LIMIT $sources
MATCH (a)<-[:INTERESTED_IN]-(b:User)
WITH count(b) AS n
RETURN 'INTERESTED_IN<' AS hop, n
UNION ALL
MATCH (a:User) WITH a LIMIT $sources
MATCH (a)-[:IN_COMMUNITY]->(b:Community)
WITH count(b) AS n
RETURN 'IN_COMMUNITY>' AS hop, n
UNION ALL
MATCH (a:Community) WITH a LIMIT $sources
MATCH (a)<-[:IN_COMMUNITY]-(b:User)
WITH count(b) AS n
RETURN 'IN_COMMUNITY<' AS hop, n
UNION ALL
MATCH (a:Community) WITH a LIMIT $sources
MATCH (a)-[:NEAR]->(b:Community)
WITH count(b) AS n
RETURN 'NEAR>' AS hop, n
UNION ALL
MATCH (a:Community) WITH a LIMIT $sources
MATCH (a)<-[:NEAR]-(b:Community)
WITH count(b) AS n
RETURN 'NEAR<' AS hop, n
UNION ALL
MATCH (a:Post) WITH a LIMIT $sources
MATCH (a)-[:ALSO_ENGAGED_A]->(b:Post)
WITH count(b) AS n
RETURN 'ALSO_ENGAGED_A>' AS hop, n
UNION ALL
MATCH (a:Post) WITH a LIMIT $sources
MATCH (a)<-[:ALSO_ENGAGED_A]-(b:Post)
WITH count(b) AS n
RETURN 'ALSO_ENGAGED_A<' AS hop, n
UNION ALL
MATCH (a:Post) WITH a LIMIT $sources
MATCH (a)-[:ALSO_ENGAGED_B]->(b:Post)
WITH count(b) AS n
RETURN 'ALSO_ENGAGED_B>' AS hop, n
UNION ALL
MATCH (a:Post) WITH a LIMIT $sources
MATCH (a)<-[:ALSO_ENGAGED_B]-(b:Post)
WITH count(b) AS n
RETURN 'ALSO_ENGAGED_B<' AS hop, n
UNION ALL
MATCH (a:Post) WITH a LIMIT $sources
MATCH (a)-[:HAS_COUNTS]->(b:PostCounts)
WITH count(b) AS n
RETURN 'HAS_COUNTS>PostCounts' AS hop, n
UNION ALL
MATCH (a:PostCounts) WITH a LIMIT $sources
MATCH (a)<-[:HAS_COUNTS]-(b:Post)
WITH count(b) AS n
RETURN 'HAS_COUNTS<Post' AS hop, n
UNION ALL
MATCH (a:User) WITH a LIMIT $sources
MATCH (a)-[:HAS_COUNTS]->(b:UserCounts)
WITH count(b) AS n
RETURN 'HAS_COUNTS>UserCounts' AS hop, n
UNION ALL
MATCH (a:UserCounts) WITH a LIMIT $sources
MATCH (a)<-[:HAS_COUNTS]-(b:User)
WITH count(b) AS n
RETURN 'HAS_COUNTS<User' AS hop, n
