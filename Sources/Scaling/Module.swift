// Module Scaling: see ../../shared design; files land here per issue.
