// movies: three films, six people, who acted in and directed what.
// Used by tests/logic/*.test (`load movies`). Expected blocks depend on every value here.
CREATE (matrix:Movie {title: 'The Matrix', released: 1999, tagline: 'Welcome to the Real World'}),
       (atlas:Movie {title: 'Cloud Atlas', released: 2012}),
       (speed:Movie {title: 'Speed', released: 1994}),
       (keanu:Person {name: 'Keanu Reeves', born: 1964}),
       (carrie:Person {name: 'Carrie-Anne Moss', born: 1967}),
       (lana:Person {name: 'Lana Wachowski', born: 1965}),
       (tom:Person {name: 'Tom Hanks', born: 1956}),
       (halle:Person {name: 'Halle Berry', born: 1966}),
       (sandra:Person {name: 'Sandra Bullock', born: 1964}),
       (keanu)-[:ACTED_IN {roles: ['Neo']}]->(matrix),
       (carrie)-[:ACTED_IN {roles: ['Trinity']}]->(matrix),
       (lana)-[:DIRECTED]->(matrix),
       (lana)-[:DIRECTED]->(atlas),
       (tom)-[:ACTED_IN {roles: ['Zachry', 'Dr. Henry Goose', 'Isaac Sachs']}]->(atlas),
       (halle)-[:ACTED_IN {roles: ['Luisa Rey', 'Jocasta Ayrs']}]->(atlas),
       (keanu)-[:ACTED_IN {roles: ['Jack Traven']}]->(speed),
       (sandra)-[:ACTED_IN {roles: ['Annie Porter']}]->(speed);
