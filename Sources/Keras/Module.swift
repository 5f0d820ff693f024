// Module Keras: see ../../shared design; files land here per issue.
