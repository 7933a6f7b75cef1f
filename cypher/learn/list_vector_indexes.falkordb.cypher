// Vector indexes: label, property, dimension and whether they answer (while a label's
// index is rebuilt FalkorDB lists it twice, the new one UNDER CONSTRUCTION).
CALL db.indexes() YIELD label, properties, types, options, status
UNWIND properties AS property
WITH label, property, types[property] AS kinds, options[property] AS opts, status
WHERE 'VECTOR' IN kinds
RETURN label, property, opts.dimension AS dimension, status = 'OPERATIONAL' AS ready
