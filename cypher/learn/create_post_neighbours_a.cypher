// Training writes posts' collaborative neighbours into slot a (ALSO_ENGAGED_A), which
// readers ignore until the flip makes a run of slot a active. The slot was cleared first
// (learn/delete_post_neighbours_a), so every relationship is created once.
UNWIND $rows AS row
MATCH (p:Post {id: row.id})
UNWIND range(0, size(row.targets) - 1) AS i
MATCH (q:Post {id: row.targets[i]})
CREATE (p)-[:ALSO_ENGAGED_A {score: row.scores[i], users: row.users[i]}]->(q)
RETURN count(*) AS written
