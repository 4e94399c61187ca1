// social: five people, three cities, who knows whom since when.
// Used by tests/logic/*.test (`# dataset: social` or `load social`). Keep it small and
// stable: expected blocks depend on every value here.
//
//   Ada -KNOWS{2019}-> Grace -KNOWS{2020}-> Alan -KNOWS{2018}-> Ada
//   Ada -KNOWS{2021}-> Linus -KNOWS{2022}-> Alan
//   Barbara knows nobody.
CREATE (ada:Person {name: 'Ada', age: 36}),
       (grace:Person {name: 'Grace', age: 45}),
       (linus:Person {name: 'Linus', age: 29}),
       (alan:Person {name: 'Alan', age: 41}),
       (barbara:Person {name: 'Barbara', age: 52}),
       (london:City {name: 'London'}),
       (helsinki:City {name: 'Helsinki'}),
       (arlington:City {name: 'Arlington'}),
       (ada)-[:KNOWS {since: 2019}]->(grace),
       (ada)-[:KNOWS {since: 2021}]->(linus),
       (grace)-[:KNOWS {since: 2020}]->(alan),
       (linus)-[:KNOWS {since: 2022}]->(alan),
       (alan)-[:KNOWS {since: 2018}]->(ada),
       (ada)-[:LIVES_IN]->(london),
       (alan)-[:LIVES_IN]->(london),
       (barbara)-[:LIVES_IN]->(london),
       (linus)-[:LIVES_IN]->(helsinki),
       (grace)-[:LIVES_IN]->(arlington);
