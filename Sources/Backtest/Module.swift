// Module Backtest: see ../../shared design; files land here per issue.
