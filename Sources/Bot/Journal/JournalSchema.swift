/// The journal's tables. Decimals are TEXT (exact), times are integer milliseconds of the exchange clock.
/// `orders.client_order_id` is UNIQUE: the id is written before the order is sent, so a crash between sending and
/// recording leaves a `pending` row that the next start looks up on the exchange.
enum JournalSchema {
    /// The version `statements` create; `migrations` take a file from there to `version`.
    static let baseVersion = 1
    /// 1 for the base statements, plus one per migration step applied.
    static var version: Int { baseVersion + migrations.count }

    /// Ordered schema changes after version 1; step i takes the journal from version i+1 to i+2, each in its own
    /// transaction, recorded in `meta.schema_version`. Append new steps at the end; never edit one that shipped.
    static let migrations: [String] = [
        // 2 — operate and observe (issue 11): the notification outbox (written in the same transaction as the fact
        // it reports), each channel's delivery cursor and health, small durable bot state (pause, Telegram update
        // offset, one-time confirmation tokens), and every command a person gave with its result.
        """
        CREATE TABLE IF NOT EXISTS outbox (
            id INTEGER PRIMARY KEY,
            at INTEGER NOT NULL,
            kind TEXT NOT NULL,
            fields TEXT NOT NULL
        );
        CREATE TABLE IF NOT EXISTS outbox_cursors (
            channel TEXT PRIMARY KEY,
            delivered_id INTEGER NOT NULL,
            state TEXT NOT NULL,
            updated_at INTEGER NOT NULL
        );
        CREATE TABLE IF NOT EXISTS bot_state (key TEXT PRIMARY KEY, value TEXT NOT NULL, updated_at INTEGER NOT NULL);
        CREATE TABLE IF NOT EXISTS commands (
            id INTEGER PRIMARY KEY,
            at INTEGER NOT NULL,
            source TEXT NOT NULL,
            user TEXT,
            command TEXT NOT NULL,
            authorised INTEGER NOT NULL,
            result TEXT NOT NULL
        );
        """,
        // 3 (issue 14): why a decided order was not placed (or placed smaller), and why a position ended, next to the
        // cycle's decision.
        """
        ALTER TABLE cycles ADD COLUMN note TEXT;
        ALTER TABLE cycles ADD COLUMN exit_reason TEXT;
        """,
        // 4: several symbols in one journal (SYMBOLS). Events get their symbol (existing single-symbol files:
        // taken from the cycle, or the file's only symbol); per-symbol look-ups get indexes.
        """
        ALTER TABLE events ADD COLUMN symbol TEXT;
        UPDATE events SET symbol = (SELECT cycles.symbol FROM cycles WHERE cycles.id = events.cycle_id) WHERE cycle_id IS NOT NULL;
        UPDATE events SET symbol = (SELECT MIN(symbol) FROM cycles)
            WHERE symbol IS NULL AND (SELECT COUNT(DISTINCT symbol) FROM cycles) = 1;
        CREATE INDEX IF NOT EXISTS cycles_symbol ON cycles(symbol, status, id);
        CREATE INDEX IF NOT EXISTS orders_symbol ON orders(symbol, state);
        CREATE INDEX IF NOT EXISTS events_symbol ON events(symbol, id);
        """,
    ]

    static let statements = """
    CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    CREATE TABLE IF NOT EXISTS cycles (
        id INTEGER PRIMARY KEY,
        candle_time INTEGER NOT NULL,
        started_at INTEGER NOT NULL,
        finished_at INTEGER,
        mode TEXT NOT NULL,
        symbol TEXT NOT NULL,
        interval TEXT NOT NULL,
        candles TEXT,
        close TEXT,
        predicted REAL,
        change REAL,
        decision TEXT,
        reason TEXT,
        balance TEXT,
        position_side TEXT,
        position_amount TEXT,
        entry_price TEXT,
        status TEXT NOT NULL CHECK (status IN ('started', 'done', 'failed', 'skipped')),
        error TEXT
    );
    CREATE INDEX IF NOT EXISTS cycles_candle ON cycles(candle_time);
    CREATE TABLE IF NOT EXISTS orders (
        id INTEGER PRIMARY KEY,
        cycle_id INTEGER REFERENCES cycles(id),
        client_order_id TEXT NOT NULL UNIQUE,
        purpose TEXT NOT NULL CHECK (purpose IN ('open', 'close', 'stop_loss', 'cancel')),
        symbol TEXT NOT NULL,
        side TEXT NOT NULL,
        type TEXT NOT NULL,
        amount TEXT NOT NULL,
        price TEXT,
        stop_price TEXT,
        reduce_only INTEGER NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('pending', 'sent', 'rejected', 'not_placed')),
        exchange_order_id TEXT,
        status TEXT,
        filled TEXT,
        average TEXT,
        fee TEXT,
        error TEXT,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
    );
    CREATE INDEX IF NOT EXISTS orders_state ON orders(state);
    CREATE TABLE IF NOT EXISTS events (
        id INTEGER PRIMARY KEY,
        at INTEGER NOT NULL,
        cycle_id INTEGER,
        kind TEXT NOT NULL,
        message TEXT NOT NULL
    );
    CREATE TABLE IF NOT EXISTS paper_account (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    """
}
