MATCH ()-[r:SAW]->()
RETURN count(r) AS n
