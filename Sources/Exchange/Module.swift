// Module Exchange: see ../../shared design; files land here per issue.
