UNWIND $ids AS id
MATCH ()-[e:ENGAGED {id: id}]->()
RETURN DISTINCT id
