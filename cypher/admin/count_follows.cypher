MATCH ()-[r:FOLLOWS]->()
RETURN count(r) AS n
