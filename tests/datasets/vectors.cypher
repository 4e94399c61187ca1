// vectors: two agents' memories with 3-dimensional embeddings and the people they mention,
// plus a cosine vector index on :Memory(embedding). Used by tests/logic/vector/*.test and
// tests/plans/rules/use_vector_index.test. Every coordinate is exact in float32, so index
// scores and vector.similarity.* agree to the last digit shown.
//
//   similarity.cosine to [1.0, 0.0, 0.0]: m1 1.0, m7 0.994975, m5 0.974342, m3 0.853553,
//   m2 = m4 = m8 0.5; m6 has no embedding (null: first in DESC order)
CREATE (ada:Agent {name: 'Ada'}),
       (bob:Agent {name: 'Bob'}),
       (grace:Person {name: 'Grace'}),
       (alan:Person {name: 'Alan'}),
       (linus:Person {name: 'Linus'}),
       (m1:Memory {text: 'met Grace at the graph meetup', day: 1, embedding: [1.0, 0.0, 0.0]}),
       (m2:Memory {text: 'Alan explained vector search', day: 2, embedding: [0.0, 1.0, 0.0]}),
       (m3:Memory {text: 'Grace and Alan on HNSW graphs', day: 3, embedding: [0.5, 0.5, 0.0]}),
       (m4:Memory {text: 'cooked dinner', day: 4, embedding: [0.0, 0.0, 1.0]}),
       (m5:Memory {text: 'Linus on storage engines', day: 5, embedding: [0.75, 0.0, 0.25]}),
       (m6:Memory {text: 'not embedded yet', day: 6}),
       (m7:Memory {text: 'Bob read about graphs', day: 2, embedding: [0.875, 0.125, 0.0]}),
       (m8:Memory {text: 'Bob planned a trip', day: 7, embedding: [0.0, 0.25, 0.75]}),
       (ada)-[:MADE]->(m1), (ada)-[:MADE]->(m2), (ada)-[:MADE]->(m3),
       (ada)-[:MADE]->(m4), (ada)-[:MADE]->(m5), (ada)-[:MADE]->(m6),
       (bob)-[:MADE]->(m7), (bob)-[:MADE]->(m8),
       (m1)-[:MENTIONS]->(grace), (m2)-[:MENTIONS]->(alan), (m3)-[:MENTIONS]->(grace),
       (m3)-[:MENTIONS]->(alan), (m5)-[:MENTIONS]->(linus), (m7)-[:MENTIONS]->(grace);
CREATE VECTOR INDEX memory_embedding FOR (m:Memory) ON (m.embedding)
  OPTIONS {dimensions: 3, metric: 'cosine'};
