// Module Binance: see ../../shared design; files land here per issue.
