// Module Bot: see ../../shared design; files land here per issue.
