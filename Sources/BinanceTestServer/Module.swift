// Module BinanceTestServer: see ../../shared design; files land here per issue.
